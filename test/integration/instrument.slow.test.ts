// Auto-instrumentation with real components: PostgreSQL and Redis servers on loopback, an express
// service (ESM) calling them and a fastify service (CommonJS) over fetch, gRPC, TypeScript under tsx,
// each a child process started as a user would (`node --import <runtime>/register.js`, the runtime
// built from this checkout), exporting over OTLP to a receiver here. Instrumentation patches modules as
// they load, so it can only be tested in processes of its own, never inside the test runner.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';
import { freePort } from '../support/ports.js';
import { until } from '../support/prometheus.js';
import { buildRuntime, type RuntimeBuild } from '../support/runtime-build.js';
import { postgresAvailable, redisAvailable, startPostgres, startRedis, type Service } from '../support/services.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const APPS = path.join(import.meta.dirname, 'apps');
let build: RuntimeBuild | undefined;
let RUNTIME = '';
let REGISTER = '';
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

const available = postgresAvailable() && redisAvailable();

interface Child {
  readonly proc: ChildProcess;
  stdout: string;
  stderr: string;
  readonly exited: Promise<number | null>;
}

const children: Child[] = [];

/** Starts a service; `args` come before the app (loader flags). */
function start(cmd: string, args: readonly string[], env: Record<string, string>): Child {
  const proc = spawn(cmd, args, {
    cwd: ROOT,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '/tmp',
      AMPYOBS_RUNTIME: RUNTIME,
      OBS_SAMPLER: 'always_on',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const child: Child = {
    proc,
    stdout: '',
    stderr: '',
    exited: new Promise((r) => proc.once('exit', (code) => r(code))),
  };
  proc.stdout!.on('data', (b: Buffer) => (child.stdout += b.toString()));
  proc.stderr!.on('data', (b: Buffer) => (child.stderr += b.toString()));
  children.push(child);
  return child;
}

/** Runs a short-lived app to its end and returns it. */
async function runToEnd(cmd: string, args: readonly string[], env: Record<string, string>): Promise<Child> {
  const child = start(cmd, args, env);
  const code = await child.exited;
  expect(code, `${args.join(' ')} exited with ${code}: ${child.stderr}`).toBe(0);
  return child;
}

const forService = (spans: readonly ReceivedSpan[], name: string): ReceivedSpan[] =>
  spans.filter((s) => s.resource['service.name'] === name);
const SERVER = 2;
const CLIENT = 3;

describe.skipIf(!available)('auto-instrumentation of real servers and clients', () => {
  let receiver: OtlpReceiver;
  let endpoint: string;
  let pg: Service;
  let redis: Service;
  let api: Child;
  let apiUrl: string;
  let promUrl: string;
  let response: Record<string, unknown>;

  beforeAll(async () => {
    build = buildRuntime('instrument-build');
    ({ runtime: RUNTIME, register: REGISTER } = build);
    [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
    receiver = new OtlpReceiver();
    endpoint = await receiver.startHttp();
    const [pricingPort, apiPort, promPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const common = { OBS_OTLP_ENDPOINT: endpoint, PG_URL: pg.url, REDIS_URL: redis.url };
    // The CommonJS service and the ESM one, both through the register entry.
    const pricing = start(process.execPath, ['--import', REGISTER, path.join(APPS, 'pricing.cjs')], {
      ...common,
      PORT: String(pricingPort),
    });
    api = start(process.execPath, ['--import', REGISTER, path.join(APPS, 'api.mjs')], {
      ...common,
      PORT: String(apiPort),
      OBS_PROM_PORT: String(promPort),
      PRICING_URL: `http://127.0.0.1:${pricingPort}`,
    });
    await until(
      'both services ready',
      async () => (pricing.stdout.includes('ready') && api.stdout.includes('ready') ? true : undefined),
      60_000,
    );
    apiUrl = `http://127.0.0.1:${apiPort}`;
    promUrl = `http://127.0.0.1:${promPort}/metrics`;
    const res = await fetch(`${apiUrl}/orders/42?token=abc123&page=2`, {
      headers: { traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01` },
    });
    expect(res.status).toBe(200);
    response = (await res.json()) as Record<string, unknown>;
    expect((await fetch(`${apiUrl}/no/such/route/7`)).status).toBe(404);
    expect((await fetch(`${apiUrl}/fail`)).status).toBe(503);
    expect((await fetch(`http://127.0.0.1:${pricingPort}/halted/AAPL`)).status).toBe(500);
  }, 120_000);

  afterAll(async () => {
    for (const c of children) if (c.proc.exitCode === null) c.proc.kill('SIGTERM');
    await Promise.all(children.map((c) => c.exited));
    await receiver?.stop();
    await Promise.all([pg?.stop(), redis?.stop()]);
    build?.remove();
  }, 60_000);

  it('one trace crosses the HTTP hop into PostgreSQL, Redis and the next service', async () => {
    expect(response).toMatchObject({ id: '42', cached: true, price: { symbol: 'AAPL', price: 190.5 } });
    const trace = await until('the whole trace', async () => {
      const t = receiver.spans.filter((s) => s.traceId === TRACE_ID);
      const names = new Set(t.map((s) => s.name));
      return ['GET /orders/:id', 'pg.query:SELECT postgres', 'set', 'redis-GET', 'GET', 'GET /prices/:symbol'].every(
        (n) => names.has(n),
      )
        ? t
        : undefined;
    });
    const api = forService(trace, 'api');
    const server = api.find((s) => s.name === 'GET /orders/:id' && s.kind === SERVER)!;
    // The caller's trace continues: the server span's parent is the traceparent's span.
    expect(server.parentSpanId).toBe('00f067aa0ba902b7');
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const under = (s: ReceivedSpan, ancestor: ReceivedSpan): boolean => {
      for (let p = byId.get(s.parentSpanId); p; p = byId.get(p.parentSpanId)) if (p === ancestor) return true;
      return false;
    };
    for (const name of ['pg.query:SELECT postgres', 'set', 'redis-GET'])
      expect(
        under(
          api.find((s) => s.name === name)!,
          server,
        ),
        name,
      ).toBe(true);
    // The fetch to the pricing service is a client span, and the pricing server span is its child.
    const fetchSpan = api.find((s) => s.kind === CLIENT && s.scope === '@opentelemetry/instrumentation-undici')!;
    expect(under(fetchSpan, server)).toBe(true);
    const pricingServer = forService(trace, 'pricing').find((s) => s.kind === SERVER)!;
    expect(pricingServer.name).toBe('GET /prices/:symbol');
    expect(pricingServer.parentSpanId).toBe(fetchSpan.spanId);
  });

  it('spans carry the semantic conventions, and what would leak is redacted', async () => {
    await until('the api spans', async () => (receiver.spans.some((s) => s.name === 'GET /fail') ? true : undefined));
    const api = forService(receiver.spans, 'api');
    const server = api.find((s) => s.name === 'GET /orders/:id')!;
    expect(server.scope).toBe('@opentelemetry/instrumentation-http');
    expect(server.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/orders/:id',
      'http.response.status_code': 200,
      'url.path': '/orders/42',
      'url.scheme': 'http',
    });
    // A query parameter named like a secret is replaced; the others stay.
    expect(server.attributes['url.query']).toBe('token=***&page=2');
    const query = api.find((s) => s.name === 'pg.query:SELECT postgres')!;
    expect(query).toMatchObject({ kind: CLIENT, scope: '@opentelemetry/instrumentation-pg' });
    expect(query.attributes).toMatchObject({
      'db.system.name': 'postgresql',
      'db.namespace': 'postgres',
      'server.address': '127.0.0.1',
      'server.port': pg.port,
    });
    // Parameterised: the value 42 is not in the statement.
    expect(query.attributes['db.query.text']).toBe('SELECT $1::text AS id, now() AS at');
    // Redis commands without their keys or values.
    expect(api.find((s) => s.name === 'set')!.attributes).toMatchObject({
      'db.system.name': 'redis',
      'db.operation.name': 'set',
      'db.query.text': 'SET ? ?',
      'server.port': redis.port,
    });
    expect(api.find((s) => s.name === 'redis-GET')!.attributes).toMatchObject({
      'db.system.name': 'redis',
      'db.query.text': 'GET ?',
    });
    const fetchSpan = api.find((s) => s.scope === '@opentelemetry/instrumentation-undici')!;
    expect(fetchSpan.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.response.status_code': 200,
      'server.address': '127.0.0.1',
    });
    // A route no handler matched keeps the method alone as its name; a server error is an error span.
    expect(api.find((s) => s.kind === SERVER && s.attributes['url.path'] === '/no/such/route/7')!.name).toBe('GET');
    expect(api.find((s) => s.name === 'GET /fail')!.status.code).toBe(2);
    // An error a fastify route threw is on its server span, as express records one on its handler's.
    const halted = await until('the failed fastify request', async () =>
      forService(receiver.spans, 'pricing').find((s) => s.name === 'GET /halted/:symbol'),
    );
    expect(halted.status.code).toBe(2);
    expect(halted.events.find((e) => e.name === 'exception')?.attributes).toMatchObject({
      'exception.type': 'Error',
      'exception.message': 'quote feed down',
    });
    // The service's own exports are neither spans nor client metrics of its own.
    expect(receiver.spans.filter((s) => String(s.attributes['url.full'] ?? '').includes(`:${receiver.port}/`))).toEqual(
      [],
    );
  });

  it('serves the convention metrics and ampy.api.* on /metrics by route template, unknown routes as _other, never a raw URL', async () => {
    const text = await until('the metrics of every request', async () => {
      const t = await (await fetch(promUrl)).text();
      return t.includes('route="/fail"') && t.includes('db_client_operation_duration_count') ? t : undefined;
    });
    const line = (re: RegExp): string | undefined => text.split('\n').find((l) => re.test(l));
    expect(
      line(
        /^http_server_request_duration_count\{http_request_method="GET",http_route="\/orders\/:id",http_response_status_code="200",otel_scope_name="@opentelemetry\/instrumentation-http"/,
      ),
    ).toBeDefined();
    expect(
      line(
        /^http_server_request_duration_count\{http_request_method="GET",http_route="_other",http_response_status_code="404",/,
      ),
    ).toBeDefined();
    expect(
      line(
        /^http_client_request_duration_count\{http_request_method="GET",server_address="127.0.0.1",http_response_status_code="200",otel_scope_name="@opentelemetry\/instrumentation-undici"/,
      ),
    ).toBeDefined();
    expect(
      line(
        /^db_client_operation_duration_count\{db_system_name="postgresql",db_operation_name="SELECT",otel_scope_name="@opentelemetry\/instrumentation-pg"/,
      ),
    ).toBeDefined();
    // Redis commands are timed from their spans, sampled or not, failed ones with their error type.
    expect(
      line(
        /^db_client_operation_duration_count\{db_system_name="redis",db_operation_name="SET",otel_scope_name="@opentelemetry\/instrumentation-ioredis"/,
      ),
    ).toBeDefined();
    expect(
      line(
        /^db_client_operation_duration_count\{db_system_name="redis",db_operation_name="INCR",error_type="ReplyError",otel_scope_name="@opentelemetry\/instrumentation-ioredis"/,
      ),
    ).toBeDefined();
    expect(
      line(
        /^db_client_operation_duration_count\{db_system_name="redis",db_operation_name="GET",otel_scope_name="@opentelemetry\/instrumentation-redis"/,
      ),
    ).toBeDefined();
    expect(
      line(
        /^db_client_connection_max\{db_client_connection_pool_name="[^"]+",otel_scope_name="@opentelemetry\/instrumentation-pg",otel_scope_version="[^"]+"\} 10$/,
      ),
    ).toBeDefined();
    expect(
      line(
        /^ampy_api_requests_total\{method="GET",route="\/orders\/:id",status_class="2xx",otel_scope_name="ampyobs",otel_scope_version="[^"]+"\} 1$/,
      ),
    ).toBeDefined();
    expect(line(/^ampy_api_requests_total\{method="GET",route="_other",status_class="4xx",/)).toBeDefined();
    expect(line(/^ampy_api_requests_total\{method="GET",route="\/fail",status_class="5xx",/)).toBeDefined();
    expect(
      line(/^ampy_api_request_latency_ms_bucket\{method="GET",route="\/orders\/:id",.*le="\+Inf"\} 1$/),
    ).toBeDefined();
    // Labels the registry does not keep are dropped before aggregation (url.scheme, server.port…).
    expect(text).not.toMatch(/url_scheme=|network_protocol_version=|server_port=/);
    // Never the raw path, never the query.
    expect(text).not.toMatch(/\/orders\/42|\/no\/such|abc123/);
    // Scrapes of the runtime's own endpoint are not API requests of the service.
    const requests = text.split('\n').filter((l) => l.startsWith('ampy_api_requests_total{'));
    expect(requests.reduce((n, l) => n + Number(l.split(' ').at(-1)), 0)).toBe(3);
    // The guardrails keep an int an int on OTLP.
    const point = await until('an OTLP point of http.server.request.duration', async () =>
      receiver.points.find((p) => p.metric === 'http.server.request.duration' && p.resource['service.name'] === 'api'),
    );
    expect(typeof point.attributes['http.response.status_code']).toBe('number');
  });

  it('marks and counts the ad-hoc signals: free-form lines, a span, a counter and a histogram', async () => {
    const lines = api.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const served = lines.find((l) => l['message'] === 'Order served')!;
    expect(served).toMatchObject({
      level: 'info',
      service: 'api',
      trace_id: TRACE_ID,
      component: 'api.orders',
      region: 'test',
      order_id: '42',
      password: '***',
      adhoc: true,
    });
    expect(Object.keys(served).slice(0, 7)).toEqual([
      'level',
      'ts',
      'service',
      'env',
      'service_version',
      'trace_id',
      'span_id',
    ]);
    expect(Object.keys(served).slice(-2)).toEqual(['adhoc', 'message']);
    const completed = lines.find((l) => l['message'] === 'load_order completed')!;
    expect(completed).toMatchObject({ operation: 'load_order', order_id: '42', outcome: 'ok', adhoc: true });
    expect(completed['duration_ms']).toBeGreaterThan(0);
    expect(lines.find((l) => l['message'] === 'load_order started')).toMatchObject({ operation: 'load_order' });
    const failed = lines.find((l) => l['message'] === 'Failing on purpose')!;
    expect(failed).toMatchObject({ level: 'error', error: { type: 'Error', message: 'boom' } });
    expect((failed['error'] as { stack: string }).stack).toMatch(/^Error: boom\n\s+at .*api\.mjs/);

    const adhocSpan = await until('the ad-hoc span', async () =>
      receiver.spans.find((s) => s.name === 'pricing.lookup'),
    );
    expect(adhocSpan).toMatchObject({ scope: 'ampyobs.adhoc', traceId: TRACE_ID });
    expect(adhocSpan.attributes).toMatchObject({ 'ampy.adhoc': true, symbol: 'AAPL' });
    const lookups = await until('the ad-hoc counter', async () =>
      receiver.points.find((p) => p.metric === 'orders.lookups'),
    );
    expect(lookups).toMatchObject({ scope: 'ampyobs.adhoc', attributes: { source: 'db' }, value: 1, unit: '{lookup}' });
    expect(receiver.points.find((p) => p.metric === 'orders.payload_bytes')).toMatchObject({
      scope: 'ampyobs.adhoc',
      kind: 'histogram',
      count: 1,
    });
    const record = await until('the ad-hoc log records', async () =>
      receiver.logs.find((l) => l.body === 'Order served'),
    );
    expect(record).toMatchObject({
      scope: 'ampyobs.adhoc',
      traceId: TRACE_ID,
      attributes: { component: 'api.orders', password: '***' },
    });
    expect(Object.keys(record.attributes)).not.toContain('trace_id');

    const text = await (await fetch(promUrl)).text();
    const count = (kind: string): number =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(`ampy_obs_adhoc_signals_total{kind="${kind}"`))
          ?.split(' ')
          .at(-1),
      );
    expect({
      span: count('span'),
      log: count('log'),
      counter: count('counter'),
      histogram: count('histogram'),
    }).toEqual({ span: 1, log: 4, counter: 1, histogram: 1 });
    // The counter's undeclared label was dropped, and counted.
    expect(text).toMatch(/^ampy_obs_dropped_total\{signal="metrics",reason="invalid_label",[^}]*\} [1-9]/m);
  });

  it('TypeScript under tsx, with the register entry before or after tsx, and tsx --import', async () => {
    const env = { OBS_OTLP_ENDPOINT: endpoint, PG_URL: pg.url };
    const app = path.join(APPS, 'tsx-app.ts');
    const runs = [
      ['node --import tsx --import register', process.execPath, ['--import', 'tsx', '--import', REGISTER, app]],
      ['node --import register --import tsx', process.execPath, ['--import', REGISTER, '--import', 'tsx', app]],
      ['tsx --import register', TSX, ['--import', REGISTER, app]],
    ] as const;
    for (const [label, cmd, args] of runs) {
      const name = `tsx-${runs.findIndex((r) => r[0] === label)}`;
      const child = await runToEnd(cmd, args, { ...env, OBS_SERVICE_NAME: name });
      // import-in-the-middle touches only the modules it hooks: never tsx's TypeScript.
      expect(child.stderr, label).toBe('');
      const spans = await until(`${label}: its spans`, async () => {
        const s = forService(receiver.spans, name);
        return s.some((x) => x.name === 'pg.query:SELECT postgres') &&
          s.some((x) => x.kind === SERVER) &&
          s.some((x) => x.kind === CLIENT && x.name === 'GET')
          ? s
          : undefined;
      });
      expect(spans.find((s) => s.kind === SERVER)!.attributes['url.path'], label).toBe('/ping');
    }
    // OBS_INSTRUMENT=none: the register entry instruments nothing.
    await runToEnd(process.execPath, ['--import', 'tsx', '--import', REGISTER, app], {
      ...env,
      OBS_SERVICE_NAME: 'tsx-none',
      OBS_INSTRUMENT: 'none',
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(forService(receiver.spans, 'tsx-none')).toEqual([]);
  });

  it('CommonJS that calls init({ instrument }) before requiring pg is traced without the register entry', async () => {
    const child = await runToEnd(process.execPath, [path.join(APPS, 'early.cjs')], {
      OBS_OTLP_ENDPOINT: endpoint,
      PG_URL: pg.url,
    });
    expect(child.stderr).toBe('');
    const spans = await until('the early spans', async () => {
      const s = forService(receiver.spans, 'early');
      return s.some((x) => x.name === 'pg.query:SELECT postgres') ? s : undefined;
    });
    const work = spans.find((s) => s.name === 'early.work')!;
    expect(spans.find((s) => s.name === 'pg.query:SELECT postgres')!.parentSpanId).toBe(work.spanId);
  });

  it('ESM that enables instrumentation in init() after its imports is told it is too late, and how to fix it', async () => {
    const child = await runToEnd(process.execPath, [path.join(APPS, 'late.mjs')], {
      OBS_OTLP_ENDPOINT: endpoint,
      PG_URL: pg.url,
    });
    const fix = 'start the process with node --import ampyobs/register (tsx --import ampyobs/register for TypeScript)';
    expect(child.stderr).toContain(
      `ampyobs: pg was loaded before the pg instrumentation could patch it, so its calls are not traced; ${fix}`,
    );
    expect(child.stderr).toContain('ampyobs: express was loaded before the express instrumentation could patch it');
    // Once per module.
    expect(child.stderr.match(/pg was loaded before/g)).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(forService(receiver.spans, 'late').filter((s) => s.name.startsWith('pg.'))).toEqual([]);
  });

  it('gRPC: a server and a client span per call', async () => {
    const child = await runToEnd(process.execPath, ['--import', REGISTER, path.join(APPS, 'grpc.mjs')], {
      OBS_OTLP_ENDPOINT: endpoint,
    });
    expect(child.stdout).toContain('reply ping');
    const spans = await until('the gRPC spans', async () => {
      const s = forService(receiver.spans, 'echo');
      return s.length >= 2 ? s : undefined;
    });
    expect(spans.map((s) => [s.kind, s.name]).sort()).toEqual([
      [SERVER, 'grpc.demo.Echo/Echo'],
      [CLIENT, 'grpc.demo.Echo/Echo'],
    ]);
    expect(spans[0]!.attributes).toMatchObject({
      'rpc.system': 'grpc',
      'rpc.service': 'demo.Echo',
      'rpc.method': 'Echo',
      'rpc.grpc.status_code': 0,
    });
  });
});
