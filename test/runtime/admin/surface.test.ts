// The observability surface of a running service, over real HTTP: on OBS_PROM_PORT, mounted in
// node:http, express and fastify; its routes, formats, security and bounds.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { init, metrics, spans } from '../../../generated/index.js';
import { useProviders, type Observability } from '../../../runtime/index.js';
import { LIMITS } from '../../../runtime/admin/handler.js';
import { CLEAN_ENV, withEnv } from '../../support/env.js';
import { lineSink } from '../../support/lines.js';
import { freePort } from '../../support/ports.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const TOKEN = 'surface-test-token-0123456789';
const SECRET = 'Bearer sk_live_SurfaceSecret42';

// Spans go to files: no export to a dead collector outlives a test and shows up in the next one's health.
const FILES = `file://${mkdtempSync(path.join(tmpdir(), 'ampyobs-surface-'))}`;
let obs: Observability | undefined;
const servers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await obs?.shutdown(2000);
  obs = undefined;
  for (const close of servers.splice(0)) await close();
});
afterAll(() => rmSync(new URL(FILES).pathname, { recursive: true, force: true }));

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
}

/** Deterministic traffic through the generated helpers, untyped junk included, some of it in a sampled span. */
function traffic(): void {
  for (let i = 0; i < 300; i++) {
    const broker = (['alpaca', 'ibkr', 'paper'] as const)[i % 3]!;
    metrics.oms.orderSubmit.add(1, { broker, outcome: i % 7 ? 'ok' : 'reject' });
    metrics.oms.orderLatencyMs.record([0.5, 3, 40, 199, 201, 650, 5000][i % 7]!, { broker });
    metrics.bus.consumed.add(1, { topic: `ampy/dev/t${i % 5}` });
    metrics.positions.snapshotLagMs.set(i);
  }
  (metrics.oms.rejections as unknown as { add(v: number, l: unknown): void }).add(1, {
    broker: 'robinhood',
    reason: 'risk_check',
  });
  spans.oms.reject({ broker: 'alpaca', client_order_id: 'co_9', reject_reason: 'risk_check' }, () => {
    metrics.oms.rejections.add(1, { broker: 'alpaca', reason: 'risk_check' });
    metrics.oms.orderLatencyMs.record(777, { broker: 'alpaca' });
  });
}

async function start(
  env: Record<string, string> = {},
  options: Parameters<typeof init>[0] = {},
): Promise<{ base: string; port: number }> {
  const port = await freePort();
  await withEnv({ ...CLEAN_ENV, OBS_PROM_PORT: String(port), OBS_ADMIN_BIND: '127.0.0.1', ...env }, () => {
    obs = init({
      serviceName: 'surface',
      export: { traces: true, metrics: false, logs: false },
      otlp: { endpoint: FILES },
      logDestination: lineSink().stream,
      ...options,
    });
  });
  const base = `http://127.0.0.1:${port}`;
  // The listener starts asynchronously.
  for (let i = 0; i < 100; i++) {
    if (
      await fetch(`${base}/health`).then(
        () => true,
        () => false,
      )
    )
      break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return { base, port };
}

const get = async (url: string, headers: Record<string, string> = {}, method = 'GET') => {
  const res = await fetch(url, { method, headers });
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    headers: res.headers,
    body: await res.text(),
  };
};

/** Series of a metrics page: `name{labels} value`, comments and exemplars left out. */
function series(page: string): string[] {
  return page
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.replace(/ # \{.*$/, ''))
    .sort();
}

const own = (l: string): boolean => /^(# (HELP|TYPE|UNIT) )?ampy_(oms|bus|positions|obs)_/.test(l);

describe('GET /metrics', () => {
  it('is, line for line, what the Prometheus exporter serves for the same traffic', async () => {
    // The exporter as ampyobs used it before the surface: its own server, the helpers' SDK path.
    const stockPort = await freePort();
    const exporter = new PrometheusExporter({ host: '127.0.0.1', port: stockPort });
    const mp = new MeterProvider({ readers: [exporter] });
    useProviders({ meterProvider: mp });
    traffic();
    const stock = await get(`http://127.0.0.1:${stockPort}/metrics`);
    useProviders({});
    await mp.shutdown();

    const { base } = await start();
    traffic();
    const ours = await get(`${base}/metrics`);
    expect(ours.status).toBe(200);
    expect(ours.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const mine = ours.body.split('\n').filter(own).sort();
    expect(mine.length).toBeGreaterThan(40);
    expect(mine).toEqual(stock.body.split('\n').filter(own).sort());
  });

  it('is OpenMetrics with exemplars when the scraper asks, with the same series', async () => {
    const { base } = await start();
    traffic();
    const text = await get(`${base}/metrics`);
    const om = await get(`${base}/metrics`, {
      accept:
        'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
    });
    expect(om.type).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    expect(om.body.endsWith('\n# EOF\n')).toBe(true);
    // Same series (process metrics move between the two scrapes).
    const stable = (l: string) => !l.startsWith('ampy_runtime_');
    expect(series(om.body).filter(stable)).toEqual(series(text.body).filter(stable));
    const exemplars = om.body.split('\n').filter((l) => l.includes(' # {'));
    expect(exemplars.length).toBeGreaterThanOrEqual(2);
    for (const l of exemplars)
      expect(l).toMatch(
        /^ampy_[a-z_]+(_bucket|_total)\{.*\} \S+ # \{trace_id="[0-9a-f]{32}",span_id="[0-9a-f]{16}"\} \S+ \d+\.\d{3}$/,
      );
    expect(
      exemplars.some(
        (l) => l.startsWith('ampy_oms_order_latency_ms_bucket{') && l.includes('le="1000"') && / # \{.*\} 777 /.test(l),
      ),
    ).toBe(true);
    // Counter families drop _total, units appear only as a name suffix.
    expect(om.body).toContain('# TYPE ampy_oms_rejections counter\n');
    expect(om.body).toContain('# UNIT ampy_oms_order_latency_ms ms\n');
    expect(om.body).not.toMatch(/# UNIT ampy_oms_order_submit /);
    expect(text.body).not.toContain('# {');
  });
});

describe('the routes', () => {
  it('answer JSON for series, SLOs and the log schema, 404 for unknown paths and 405 for other methods', async () => {
    const { base } = await start();
    traffic();
    const json = JSON.parse((await get(`${base}/metrics/json`)).body) as {
      metrics: {
        name: string;
        type: string;
        series: { labels: Record<string, string>; value?: number; exemplars?: unknown[] }[];
      }[];
    };
    const rejections = json.metrics.find((m) => m.name === 'ampy.oms.rejections')!;
    expect(rejections.type).toBe('counter');
    expect(rejections.series.find((s) => s.labels['broker'] === 'alpaca')).toMatchObject({
      value: 1,
      exemplars: [expect.objectContaining({ value: 1 })],
    });

    const slos = JSON.parse((await get(`${base}/slos`)).body) as { slos: { name: string; status: string }[] };
    expect(slos.slos.map((s) => s.name).sort()).toEqual([
      'api-availability',
      'api-latency',
      'bus-orders-delivery',
      'oms-order-latency',
      'oms-order-success',
    ]);
    const one = await get(`${base}/slos/oms-order-latency`);
    expect(one.status).toBe(200);
    expect(JSON.parse(one.body)).toMatchObject({ name: 'oms-order-latency', objective: 0.99, period: '30d' });
    expect((await get(`${base}/slos/nope`)).status).toBe(404);

    const schema = await get(`${base}/logs/schema`);
    expect(schema.type).toMatch(/^application\/schema\+json/);
    expect(JSON.parse(schema.body)).toEqual(
      JSON.parse(readFileSync(path.join(ROOT, 'generated/log-schema.json'), 'utf8')),
    );

    for (const p of ['/nope', '/metrics/nope', '/slos/a/b', '/health/x', '/'])
      expect((await get(`${base}${p}`)).status, p).toBe(404);
    const post = await get(`${base}/metrics`, {}, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    const head = await get(`${base}/health`, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect((await get(`${base}/${'x'.repeat(LIMITS.url)}`)).status).toBe(414);
    expect((await get(`${base}/slos/%E0%A4%A`)).status).toBe(400);
  });

  it('need the token when one is set, except /metrics and /health; a wrong token is 401', async () => {
    const { base } = await start({ OBS_ADMIN_TOKEN: TOKEN });
    for (const p of ['/metrics', '/health']) expect((await get(`${base}${p}`)).status, p).toBe(200);
    for (const p of ['/metrics/json', '/slos', '/slos/oms-order-latency', '/logs/schema', '/traces']) {
      const none = await get(`${base}${p}`);
      expect(none.status, p).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="ampyobs"');
      expect((await get(`${base}${p}`, { authorization: 'Bearer wrong-token' })).status, p).toBe(401);
      expect((await get(`${base}${p}`, { authorization: TOKEN })).status, p).toBe(401);
      expect((await get(`${base}${p}`, { authorization: `Bearer ${TOKEN}` })).status, p).toBe(200);
    }
    expect((await get(`${base}/nope`, { authorization: `Bearer ${TOKEN}` })).status).toBe(404);
  });

  it('keep /traces off on a non-loopback address without a token, and on with one', async () => {
    let { base } = await start({ OBS_ADMIN_BIND: '0.0.0.0' });
    const off = await get(`${base}/traces`);
    expect(off.status).toBe(403);
    // It names where the request came in, and both ways out.
    expect(JSON.parse(off.body).error).toMatch(/came in on 0\.0\.0\.0:\d+\).*OBS_ADMIN_TOKEN.*loopback address/);
    const health = JSON.parse((await get(`${base}/health`)).body) as {
      status: string;
      checks: { name: string; message: string; details: unknown }[];
    };
    // The documented default: a note in the configuration check, not one of its warnings.
    expect(health.checks.find((c) => c.name === 'configuration')).toMatchObject({
      message: expect.stringMatching(/\/traces is disabled on 0\.0\.0\.0:\d+/),
      details: { notes: [expect.stringMatching(/^\/traces is disabled/)] },
    });
    expect((await get(`${base}/slos`)).status).toBe(200);
    await obs!.shutdown(2000);
    obs = undefined;

    ({ base } = await start({ OBS_ADMIN_BIND: '0.0.0.0', OBS_ADMIN_TOKEN: TOKEN }));
    expect((await get(`${base}/traces`, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });

  it('show recent traces as a list and as a tree, bounded, and never a redacted value', async () => {
    const { base } = await start({}, { admin: { traces: { maxTraces: 5, maxBytes: 16 * 1024 * 1024 } } });
    const ids: string[] = [];
    for (let i = 0; i < 8; i++)
      ids.push(
        await spans.oms.submit({ broker: 'alpaca', client_order_id: `co_${i}`, side: 'buy' }, async (span) => {
          span.setAttribute('order.debug', `{"auth":"${SECRET}"}`);
          span.setAttribute('api_token', 'tok_plain_value_123');
          await spans.broker.ack(
            { broker_order_id: 'b1', status: 'accepted', broker: 'alpaca', client_order_id: `co_${i}` },
            async () => {},
          );
          return span.spanContext().traceId;
        }),
      );
    const list = JSON.parse((await get(`${base}/traces`)).body) as {
      kept: { traces: number };
      traces: { traceId: string; root: string; spanCount: number }[];
    };
    // Five kept, the most recent first.
    expect(list.traces.map((t) => t.traceId)).toEqual(ids.slice(3).reverse());
    expect(list.traces[0]).toMatchObject({ root: 'oms.submit', spanCount: 2 });
    const detail = await get(`${base}/traces/${ids[7]}`);
    const d = JSON.parse(detail.body) as {
      tree: string[];
      spans: { name: string; attributes: Record<string, unknown> }[];
    };
    expect(
      d.tree.map((l) =>
        l
          .trim()
          .replace(/\s+/g, ' ')
          .replace(/[\d.]+ms/g, 'Xms'),
      ),
    ).toEqual(['+Xms surface oms.submit Xms', '+Xms surface broker.ack Xms']);
    expect(d.spans.find((s) => s.name === 'oms.submit')!.attributes).toMatchObject({
      'order.debug': '{"auth":"***"}',
      api_token: '***',
    });
    const text = await get(`${base}/traces/${ids[7]}?format=text`);
    expect(text.type).toMatch(/^text\/plain/);
    expect(text.body).toMatch(/^Trace [0-9a-f]{32} across surface\n/);
    expect((await get(`${base}/traces/${ids[0]}`)).status).toBe(404);
    expect((await get(`${base}/traces/not-a-trace-id`)).status).toBe(400);
    for (const r of [detail, text, await get(`${base}/traces`)]) {
      expect(r.body).not.toContain('sk_live_SurfaceSecret42');
      expect(r.body).not.toContain('tok_plain_value_123');
    }

    // One trace with huge attributes: the detail stays within its bound.
    const big = await spans.oms.submit({ broker: 'alpaca', client_order_id: 'co_big', side: 'buy' }, async (span) => {
      for (let i = 0; i < 60; i++)
        await spans.broker.ack(
          { broker_order_id: 'x'.repeat(60_000), status: 'accepted', broker: 'alpaca', client_order_id: 'co_big' },
          async () => {},
        );
      return span.spanContext().traceId;
    });
    const bigDetail = await get(`${base}/traces/${big}`);
    expect(bigDetail.status).toBe(200);
    expect(Buffer.byteLength(bigDetail.body)).toBeLessThanOrEqual(LIMITS.trace + 1);
    expect(JSON.parse(bigDetail.body).truncated).toBe(true);
  });
});

describe('mounted in an application', () => {
  async function listen(server: Server): Promise<string> {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    servers.push(closer(server));
    return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }

  async function initOnly(): Promise<void> {
    await withEnv({ ...CLEAN_ENV }, () => {
      obs = init({
        serviceName: 'mounted',
        export: { traces: true, metrics: false, logs: false },
        otlp: { endpoint: FILES },
        logDestination: lineSink().stream,
      });
    });
    traffic();
  }

  async function expectSurface(base: string): Promise<void> {
    expect((await get(`${base}/health`)).status).toBe(200);
    expect((await get(`${base}/metrics`)).body).toContain('ampy_oms_order_submit_total{broker="alpaca",outcome="ok"');
    expect(JSON.parse((await get(`${base}/slos`)).body).slos).toHaveLength(5);
    expect((await get(`${base}/nope`)).status).toBe(404);
  }

  it('serves on node:http', async () => {
    await initOnly();
    const base = await listen(createServer(obs!.handler()));
    await expectSurface(base);
    // The server listens on loopback: /traces answers without a token.
    expect((await get(`${base}/traces`)).status).toBe(200);
  });

  it('serves under a prefix in express, next to the application routes', async () => {
    await initOnly();
    const app = express();
    app.use('/observability', obs!.handler());
    app.get('/orders', (_req, res) => void res.json({ ok: true }));
    const base = await listen(createServer(app));
    await expectSurface(`${base}/observability`);
    expect((await get(`${base}/orders`)).body).toBe('{"ok":true}');
    // Mounted at the root, paths that are not the surface's reach the application.
    const root = express();
    root.use(obs!.handler());
    root.get('/orders', (_req, res) => void res.json({ ok: 2 }));
    const rootBase = await listen(createServer(root));
    expect((await get(`${rootBase}/orders`)).body).toBe('{"ok":2}');
    expect((await get(`${rootBase}/health`)).status).toBe(200);
  });

  it('serves under a prefix in fastify', async () => {
    await initOnly();
    const app = Fastify();
    await app.register(obs!.fastifyPlugin(), { prefix: '/observability' });
    app.get('/orders', async () => ({ ok: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    servers.push(() => app.close());
    const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    await expectSurface(`${base}/observability`);
    expect((await get(`${base}/orders`)).body).toBe('{"ok":true}');
    expect((await get(`${base}/observability/metrics`, {}, 'POST')).status).toBe(405);
  });
});

describe('GET /health', () => {
  it('says which exporter fails and why, and counts recent drops and configuration warnings', async () => {
    const { base } = await start(
      { OBS_SAMPLER: 'always_off' },
      {
        export: { traces: false, metrics: true, logs: false },
        otlp: { endpoint: 'http://user:hunter2pass@127.0.0.1:9', timeoutMillis: 500 },
        metricIntervalMillis: 200,
      },
    );
    (metrics.oms.rejections as unknown as { add(v: number, l: unknown): void }).add(1, {
      broker: 'robinhood',
      reason: 'risk_check',
    });
    let h:
      | {
          status: string;
          checks: { name: string; status: string; message: string; details?: Record<string, unknown> }[];
        }
      | undefined;
    for (let i = 0; i < 50; i++) {
      const r = await get(`${base}/health`);
      h = JSON.parse(r.body);
      expect(r.status).toBe(200);
      if (h!.checks.find((c) => c.name === 'exporter:metrics')!.status === 'warn') break;
      await new Promise((res) => setTimeout(res, 100));
    }
    expect(h!.status).toBe('degraded');
    const m = h!.checks.find((c) => c.name === 'exporter:metrics')!;
    expect(m.message).toMatch(/connection refused \(is the collector running\?\)/);
    expect(m.details).toMatchObject({
      lastSuccess: null,
      lastError: { message: expect.stringMatching(/ECONNREFUSED/) },
    });
    expect(h!.checks.find((c) => c.name === 'drops')).toMatchObject({
      status: 'warn',
      details: { bySignalAndReason: { 'metrics:invalid_label': 1 } },
    });
    expect(h!.checks.find((c) => c.name === 'configuration')!.message).toMatch(/OBS_SAMPLER=always_off/);
    expect(h!.checks.find((c) => c.name === 'exporter:traces')).toMatchObject({
      status: 'ok',
      message: 'traces export is switched off',
    });
    expect(JSON.stringify(h)).not.toContain('hunter2pass');
  });

  it('is unhealthy (503) when the surface cannot listen', async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', () => r()));
    servers.push(closer(blocker));
    await withEnv({ ...CLEAN_ENV, OBS_PROM_PORT: String(port), OBS_ADMIN_BIND: '127.0.0.1' }, () => {
      obs = init({
        serviceName: 'blocked',
        export: { traces: false, metrics: false, logs: false },
        logDestination: lineSink().stream,
      });
    });
    const server = createServer(obs!.handler());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    servers.push(closer(server));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/health`;
    let r = await get(url);
    for (let i = 0; i < 50 && r.status !== 503; i++) {
      await new Promise((res) => setTimeout(res, 50));
      r = await get(url);
    }
    expect(r.status).toBe(503);
    const h = JSON.parse(r.body) as { status: string; checks: { name: string; status: string; message: string }[] };
    expect(h.status).toBe('unhealthy');
    expect(h.checks.find((c) => c.name === 'surface')).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/cannot serve metrics on 127\.0\.0\.1:\d+: .*EADDRINUSE/),
    });
  });
});
