// A real Prometheus scrapes a service that uses the generated helpers and loads the generated rules:
// every dashboard query, recording rule and alert finds real series, and an alert driven over its
// threshold shows up in /api/v1/alerts. The metrics auto-instrumentation records (semconv/) come from
// a real instrumented service beside it: an express API started with the register entry, calling
// PostgreSQL, Redis and a fastify service over fetch (test/integration/apps), under load.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertProbe, alertRule } from '../../codegen/prometheus/alerts.js';
import { ruleGroups } from '../../codegen/prometheus/rules.js';
import { sloAlertRules } from '../../codegen/prometheus/slo.js';
import { readSpec } from '../../codegen/pipeline.js';
import { init, metrics, registry } from '../../generated/index.js';
import type { Observability } from '../../runtime/index.js';
import { dashboardQueries } from '../support/dashboards.js';
import { CLEAN_ENV, withEnv } from '../support/env.js';
import { lineSink } from '../support/lines.js';
import { freePort } from '../support/ports.js';
import { until } from '../support/prometheus.js';
import { buildRuntime, type RuntimeBuild } from '../support/runtime-build.js';
import { postgresAvailable, redisAvailable, startPostgres, startRedis, type Service } from '../support/services.js';
import { requireTool } from '../support/tools.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const prometheusBin = requireTool('prometheus');
const model = readSpec(path.join(ROOT, 'spec')).model!;
const APPS = path.join(import.meta.dirname, 'apps');
/** The instrumented service's name, and the dashboards' $service filled for both services. */
const API_SERVICE = 'ampy-api';
const SERVICES = `ampy-oms|${API_SERVICE}`;
const dependencies = postgresAvailable() && redisAvailable();

const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
type Helper = {
  add?: (v: number, l?: unknown) => void;
  record?: (v: number, l?: unknown) => void;
  set?: (v: number, l?: unknown) => void;
};

/** Every label combination of a metric: all enum members, two values for bounded strings. */
function combinations(labels: readonly { name: string; values?: readonly string[] }[]): Record<string, string>[] {
  return labels.reduce<Record<string, string>[]>(
    (acc, l) => acc.flatMap((c) => (l.values ?? [`${l.name}-a`, `${l.name}-b`]).map((v) => ({ ...c, [l.name]: v }))),
    [{}],
  );
}

/** Representative traffic: every metric of the registry, every label value, observations across buckets. */
function traffic(): void {
  for (const m of registry.metrics) {
    // Recorded by auto-instrumentation, not by helpers: the instrumented service sends them.
    if ('recorded_by' in m) continue;
    const [, subsystem, ...rest] = m.name.split('.');
    const helper = (metrics as unknown as Record<string, Record<string, Helper>>)[subsystem!]![camel(rest.join('_'))]!;
    for (const labels of combinations(m.labels as readonly { name: string; values?: readonly string[] }[])) {
      const l = m.labels.length ? labels : undefined;
      if ((m.instrument as string) === 'counter' || (m.instrument as string) === 'updowncounter')
        helper.add!(1 + Math.floor(Math.random() * 3), l);
      else if (m.instrument === 'gauge')
        helper.set!(m.name === 'ampy.fx.rate_staleness_ms' ? 100 : 10 + Math.random() * 50, l);
      else {
        const b = 'buckets' in m ? m.buckets.boundaries : [1];
        for (const v of [b[0]! / 2, b[Math.floor(b.length / 2)]!, b[b.length - 1]! * 0.9]) helper.record!(v, l);
      }
    }
  }
}

interface Vector {
  metric: Record<string, string>;
  value: [number, string];
}
let promUrl = '';
async function query(expr: string): Promise<Vector[]> {
  const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as { status: string; error?: string; data?: { result: Vector[] } };
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error ?? res.status}`);
  return body.data!.result;
}

let prom: ChildProcess | undefined;
let obs: Observability | undefined;
let build: RuntimeBuild | undefined;
let servers: Service[] = [];
const children: ChildProcess[] = [];
let apiUrl = '';

/** Starts an app of test/integration/apps with the register entry; resolves once it prints ready. */
async function startApp(app: string, env: Record<string, string>): Promise<void> {
  const child = spawn(process.execPath, ['--import', build!.register, path.join(APPS, app)], {
    cwd: ROOT,
    // Only the Prometheus endpoint: nothing is sent over OTLP.
    env: {
      PATH: process.env['PATH'] ?? '',
      AMPYOBS_RUNTIME: build!.runtime,
      OBS_ENV: 'dev',
      OBS_EXPORT_TRACES: 'false',
      OBS_EXPORT_METRICS: 'false',
      OBS_EXPORT_LOGS: 'false',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  await new Promise<void>((resolve, reject) => {
    const onData = (b: Buffer): void => {
      out += b.toString();
      if (out.includes('ready')) {
        // Its log lines are not needed past this point.
        child.stdout!.off('data', onData).resume();
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${app} exited with ${code}: ${err}`)));
  });
}

/** Requests to the instrumented API: a route that calls PostgreSQL, Redis and the pricing service, a failing one, an unknown one. */
function apiTraffic(): void {
  for (const p of ['/orders/42', '/orders/43', '/fail', '/no/such/route'])
    void fetch(`${apiUrl}${p}`)
      .then((r) => r.arrayBuffer())
      .catch(() => undefined);
}
let tmp = '';
let ticker: NodeJS.Timeout | undefined;
const promLog: string[] = [];

describe.skipIf(!prometheusBin || !dependencies)('generated rules and dashboards on a real Prometheus', () => {
  beforeAll(async () => {
    const [appPort, promPort, apiPort, apiPromPort, pricingPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    build = buildRuntime('prometheus-build');
    const [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
    servers = [pg, redis];
    await startApp('pricing.cjs', { OBS_SERVICE_NAME: 'ampy-pricing', PORT: String(pricingPort) });
    await startApp('api.mjs', {
      OBS_SERVICE_NAME: API_SERVICE,
      PORT: String(apiPort),
      OBS_PROM_PORT: String(apiPromPort),
      PG_URL: pg.url,
      REDIS_URL: redis.url,
      PRICING_URL: `http://127.0.0.1:${pricingPort}`,
    });
    apiUrl = `http://127.0.0.1:${apiPort}`;
    await withEnv({ ...CLEAN_ENV }, () => {
      obs = init({
        serviceName: 'ampy-oms',
        environment: 'dev',
        prometheus: { port: appPort, host: '127.0.0.1' },
        export: { traces: false, metrics: false, logs: false },
        logDestination: lineSink().stream,
      });
    });
    traffic();
    apiTraffic();
    ticker = setInterval(() => {
      traffic();
      apiTraffic();
    }, 250);
    tmp = mkdtempSync(path.join(tmpdir(), 'ampyobs-prom-'));
    writeFileSync(
      path.join(tmp, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        `rule_files: ["${path.join(ROOT, 'generated', 'prometheus', 'ampyobs.rules.yaml')}"]`,
        'scrape_configs:',
        '  - job_name: ampy',
        '    static_configs:',
        // In the compose stack the collector copies these from the resource; here the scrape adds them.
        `      - targets: ["127.0.0.1:${appPort}"]`,
        '        labels: { env: dev, service: ampy-oms }',
        `      - targets: ["127.0.0.1:${apiPromPort}"]`,
        `        labels: { env: dev, service: ${API_SERVICE} }`,
        '',
      ].join('\n'),
    );
    prom = spawn(
      prometheusBin!,
      [
        `--config.file=${path.join(tmp, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(tmp, 'data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    prom.stderr!.on('data', (c: Buffer) => promLog.push(c.toString()));
    promUrl = `http://127.0.0.1:${promPort}`;
    await until('Prometheus ready', async () => ((await fetch(`${promUrl}/-/ready`)).ok ? true : undefined));
    // Enough scrapes that every rate over [1m] has at least two samples.
    await until('three scrapes of both services', async () => {
      for (const probe of [
        'ampy_oms_order_submit_total',
        'http_server_request_duration_count',
        'db_client_operation_duration_count',
      ]) {
        const r = await query(`count_over_time(${probe}[1m])`);
        if (!r.length || !r.every((v) => Number(v.value[1]) >= 3)) return undefined;
      }
      return true;
    });
  }, 90_000);

  afterAll(async () => {
    clearInterval(ticker);
    prom?.kill('SIGTERM');
    await Promise.all(
      children.map((c) => {
        if (c.exitCode !== null) return undefined;
        const exited = new Promise((r) => c.once('exit', r));
        c.kill('SIGTERM');
        return exited;
      }),
    );
    await Promise.all(servers.map((x) => x.stop()));
    build?.remove();
    await obs?.shutdown(2000);
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('loads every generated rule group without errors', async () => {
    const res = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as {
      data: { groups: { name: string; rules: { health: string; lastError?: string; name: string }[] }[] };
    };
    const groups = res.data.groups;
    expect(groups.map((g) => g.name).sort()).toEqual(
      ruleGroups(model)
        .map((g) => g.name)
        .sort(),
    );
    await until('every rule evaluated healthy', async () => {
      const r = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as typeof res;
      const bad = r.data.groups.flatMap((g) => g.rules).filter((x) => x.health !== 'ok');
      return bad.length === 0 ? true : undefined;
    });
  });

  it('answers every dashboard panel query with data', async () => {
    const queries = dashboardQueries(SERVICES);
    expect(queries.length).toBeGreaterThan(30);
    expect(queries.filter((q) => q.where.startsWith('http-dependencies.json')).length).toBeGreaterThan(20);
    const empty: string[] = [];
    for (const q of queries) if ((await query(q.expr)).length === 0) empty.push(`${q.where}: ${q.expr}`);
    expect(empty, `panels without data:\n${empty.join('\n')}`).toEqual([]);
  });

  it('records every SLO recording rule for the service and environment', async () => {
    const records = ruleGroups(model)
      .flatMap((g) => g.rules)
      .filter((r): r is { record: string; expr: string; labels: Record<string, string> } => 'record' in r);
    expect(records.length).toBeGreaterThan(0);
    await until('every recording rule has data', async () => {
      for (const r of records) {
        const got = await query(`${r.record}{slo="${r.labels['slo']}", env="dev", service="ampy-oms"}`);
        if (got.length === 0) return undefined;
      }
      return true;
    });
  });

  it('finds real series for what every alert measures', async () => {
    const empty: string[] = [];
    for (const a of model.alerts)
      if ((await query(alertProbe(a))).length === 0) empty.push(`${a.name}: ${alertProbe(a)}`);
    for (const slo of model.slos)
      for (const rule of sloAlertRules(slo).filter((r) => !r.expr.startsWith('absent(')))
        for (const side of rule.expr.split(' and '))
          if ((await query(side.replace(/ > .*$/, ''))).length === 0) empty.push(`${rule.alert}: ${side}`);
    expect(empty, `alerts measuring nothing:\n${empty.join('\n')}`).toEqual([]);
    expect(alertRule(model.alerts[0]!).expr).toContain(model.alerts[0]!.metric.promName);
  });

  it('shows an alert driven over its threshold as pending or firing', async () => {
    clearInterval(ticker);
    ticker = setInterval(() => {
      traffic();
      apiTraffic();
      metrics.fx.rateStalenessMs.set(60_000, { pair: 'EURUSD' });
    }, 250);
    const alert = await until('AmpyFXRateStale in /api/v1/alerts', async () => {
      const res = (await (await fetch(`${promUrl}/api/v1/alerts`)).json()) as {
        data: { alerts: { labels: Record<string, string>; state: string }[] };
      };
      return res.data.alerts.find((a) => a.labels['alertname'] === 'AmpyFXRateStale' && a.labels['pair'] === 'EURUSD');
    });
    expect(['pending', 'firing']).toContain(alert.state);
    expect(alert.labels).toMatchObject({ severity: 'critical', pair: 'EURUSD' });
  });
});
