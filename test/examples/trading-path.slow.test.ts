// The trading-path demo end to end, from one run of the `npm run demo` CLI in a clean
// environment: correlation (log line → trace → metric series → dashboard panels), security (no planted
// secret in any sink), golden telemetry, and the report the CLI prints.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { Ajv } from 'ajv';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkGolden, diffGolden, goldenOf, readGolden } from '../../examples/trading-path/golden.js';
import { SERVICES } from '../../examples/trading-path/run.js';
import { registry } from '../../generated/index.js';
import { fingerprint } from '../../runtime/index.js';
import { dashboardPanels } from '../../tools/inspect/inspect.js';
import { readLocalTelemetry, type LocalLog, type LocalSpan, type LocalTelemetry } from '../../tools/inspect/read.js';
import { traceServices } from '../../runtime/admin/trace-tree.js';
import { parentOf, ROOT, SECRET_FRAGMENTS, SECRET_REF, spawnDemoCli, traceOf, type CliRun } from './helpers.js';

let dir = '';
let cli: CliRun;
let t: LocalTelemetry;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ampyobs-demo-'));
  cli = spawnDemoCli(dir);
  // The telemetry is complete once the report is printed (runDemo waits for every service to exit).
  await cli.reported;
  t = readLocalTelemetry(dir);
}, 90_000);

afterAll(() => {
  cli?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const REJECTED = 'co_20250905_003';
const FILLED = 'co_20250905_001';
const SLOW = 'co_20250905_005';

/** The pivot of "Set up" in the README: from the order's log line to its trace, then to the series of the services on it. */
function pivot(clientOrderId: string): { traceId: string; trace: LocalSpan[]; path: string[]; logs: LocalLog[] } {
  const line = t.logs.find((l) => l.event === 'order.submit' && l['client_order_id'] === clientOrderId);
  expect(line, `order.submit log line of ${clientOrderId}`).toBeDefined();
  const traceId = String(line!.trace_id);
  expect(traceId).toMatch(/^[0-9a-f]{32}$/);
  const trace = traceOf(t, traceId);

  // One complete tree: a single root (the fetch that started it) and every parent exported.
  expect(trace.filter((s) => !s.parentSpanId).map((s) => `${s.name}@${s.service}`)).toEqual([
    'ingest.fetch@ampy-ingest',
  ]);
  for (const s of trace)
    if (s.parentSpanId) expect(parentOf(trace, s), `parent of ${s.name}@${s.service}`).toBeDefined();
  expect(trace.find((s) => s.name === 'oms.submit')?.attributes['client_order_id']).toBe(clientOrderId);
  // The log line sits on a span of that trace, and every line about the order is on the same trace.
  expect(trace.some((s) => s.spanId === line!['span_id'])).toBe(true);
  const orderLogs = t.logs.filter((l) => l['client_order_id'] === clientOrderId);
  expect(orderLogs.length).toBeGreaterThanOrEqual(2);
  expect(new Set(orderLogs.map((l) => l.trace_id))).toEqual(new Set([traceId]));
  const logs = t.logs.filter((l) => l.trace_id === traceId);
  for (const l of logs)
    expect(
      trace.some((s) => s.spanId === l['span_id']),
      `span of log ${String(l.event)}`,
    ).toBe(true);

  const path_ = traceServices(t.spans, traceId);
  expect(path_.length).toBeGreaterThanOrEqual(4);
  expect(new Set(trace.map((s) => s.service)).size).toBe(path_.length);

  // Metrics of the services on the path: every hop of the trace has its series, labelled consistently.
  const series = t.points.filter((p) => path_.includes(p.service));
  const has = (metric: string, service: string, labels: Record<string, string>, positive = true): boolean =>
    series.some(
      (p) =>
        p.metric === metric &&
        p.service === service &&
        Object.entries(labels).every(([k, v]) => p.attributes[k] === v) &&
        (!positive || (p.kind === 'histogram' ? (p.count ?? 0) > 0 : (p.value ?? 0) > 0)),
    );
  for (const c of trace.filter((s) => s.name === 'bus.consume')) {
    const topic = String(c.attributes['topic']);
    const producer = parentOf(trace, c)!.service;
    expect(
      has('ampy.bus.consumed', c.service, { topic, producer }),
      `ampy.bus.consumed{topic=${topic},producer=${producer}} from ${c.service}`,
    ).toBe(true);
    expect(
      has('ampy.bus.delivery_latency_ms', c.service, { topic }),
      `ampy.bus.delivery_latency_ms{topic=${topic}} from ${c.service}`,
    ).toBe(true);
  }
  for (const p of trace.filter((s) => s.name === 'bus.publish'))
    expect(
      has('ampy.bus.produced', p.service, { topic: String(p.attributes['topic']) }),
      `ampy.bus.produced from ${p.service}`,
    ).toBe(true);
  const submit = trace.find((s) => s.name === 'oms.submit')!;
  expect(
    has('ampy.oms.order_submit', 'ampy-oms', {
      broker: String(submit.attributes['broker']),
      outcome: clientOrderId === REJECTED ? 'reject' : 'ok',
    }),
  ).toBe(true);
  expect(has('ampy.oms.order_latency_ms', 'ampy-oms', { broker: String(submit.attributes['broker']) })).toBe(true);
  const infer = trace.find((s) => s.name === 'model.infer')!;
  expect(has('ampy.ml.inference_latency_ms', infer.service, { model_id: String(infer.attributes['model_id']) })).toBe(
    true,
  );
  expect(
    has('ampy.ingest.batch_records', 'ampy-ingest', {
      source: String(trace.find((s) => s.name === 'ingest.fetch')!.attributes['source']),
      domain: 'bars',
    }),
  ).toBe(true);

  // …and the dashboard panels that show those series.
  const panels = dashboardPanels(path.join(ROOT, 'generated/dashboards'));
  const onPanels = new Set(
    registry.metrics
      .filter((m) => series.some((p) => p.metric === m.name))
      .filter((m) =>
        panels.some((panel) => panel.exprs.some((e) => new RegExp(`\\b${m.prometheus}(_bucket)?\\b`).test(e))),
      )
      .map((m) => m.name),
  );
  for (const m of [
    'ampy.oms.order_submit',
    'ampy.oms.order_latency_ms',
    'ampy.bus.delivery_latency_ms',
    'ampy.ml.inference_latency_ms',
    'ampy.bus.consumed',
    'ampy.bus.produced',
  ])
    expect(onPanels, `a panel for ${m}`).toContain(m);
  return { traceId, trace, path: path_, logs };
}

describe('trading-path demo: correlation', () => {
  it(`pivots from ${FILLED}'s log line to its trace across all five processes and to their metric series`, () => {
    const { trace, path: services, logs } = pivot(FILLED);
    // (Compared as sets: causality is the spans' job; timestamps come from five processes' clocks.)
    expect([...services].sort()).toEqual([...SERVICES].sort());
    expect(logs.map((l) => String(l.event)).sort()).toEqual([
      'bars.ingest',
      'broker.ack',
      'features.compute',
      'fills.update',
      'order.submit',
      'positions.snapshot',
      'signals.emit',
    ]);
    expect(trace.map((s) => s.name)).toEqual(
      expect.arrayContaining([
        'ingest.fetch',
        'features.compute',
        'model.infer',
        'signals.emit',
        'oms.submit',
        'broker.ack',
        'fills.update',
        'positions.snapshot',
      ]),
    );
    const fill = trace.find((s) => s.name === 'fills.update')!;
    const side = trace.find((s) => s.name === 'oms.submit')!.attributes['side'];
    expect(
      t.points.some(
        (p) =>
          p.metric === 'ampy.oms.fills' &&
          p.service === fill.service &&
          p.attributes['side'] === side &&
          (p.value ?? 0) > 0,
      ),
    ).toBe(true);
    expect(
      t.points.some(
        (p) => p.metric === 'ampy.positions.snapshots' && p.service === 'ampy-positions' && (p.value ?? 0) > 0,
      ),
    ).toBe(true);
    // Fan-out: the signal's publish links to the signal it carries.
    const signalPublish = trace.find((s) => s.name === 'bus.publish' && s.service === 'ampy-model-server')!;
    expect(signalPublish.links.map((l) => l.spanId)).toEqual([trace.find((s) => s.name === 'signals.emit')!.spanId]);
  });

  it(`pivots from the rejected order ${REJECTED} to its trace (ingest → model → OMS → broker → OMS) and the rejection series`, () => {
    const { trace, path: services, logs } = pivot(REJECTED);
    expect([...services].sort()).toEqual(['ampy-ingest', 'ampy-model-server', 'ampy-oms', 'broker-alpaca']);
    expect(logs.map((l) => String(l.event)).sort()).toEqual([
      'bars.ingest',
      'features.compute',
      'order.reject',
      'order.submit',
      'signals.emit',
    ]);
    const ack = trace.find((s) => s.name === 'broker.ack')!;
    expect(ack.attributes).toMatchObject({ status: 'rejected', client_order_id: REJECTED, 'ampy.always_sample': true });
    const reject = trace.find((s) => s.name === 'oms.reject')!;
    expect(reject.attributes).toMatchObject({
      client_order_id: REJECTED,
      reject_reason: 'risk_check',
      http_status: 429,
      'ampy.always_sample': true,
    });
    expect(
      t.points.some(
        (p) =>
          p.metric === 'ampy.oms.rejections' &&
          p.service === reject.service &&
          p.attributes['reason'] === reject.attributes['reject_reason'] &&
          p.value === 1,
      ),
    ).toBe(true);
    expect(trace.some((s) => s.service === 'ampy-positions')).toBe(false);
  });
});

describe('trading-path demo: security', () => {
  it('lets no planted secret into any log line, span, metric or surface snapshot (every file of the run, as raw text)', () => {
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
      (f) => f !== '.ampyobs-telemetry' && !statSync(path.join(dir, f)).isDirectory(),
    );
    // Log lines, OTLP logs, traces and metrics of all five processes, and what their surfaces answered.
    for (const prefix of ['log-', 'logs-', 'traces-', 'metrics-', 'surfaces/'])
      expect(files.filter((f) => f.startsWith(prefix)).length, prefix).toBe(SERVICES.length);
    for (const f of files) {
      const text = readFileSync(path.join(dir, f), 'utf8');
      for (const secret of SECRET_FRAGMENTS) expect(text.includes(secret), `${secret} in ${f}`).toBe(false);
    }
  });

  it('leaves the redaction marks and fingerprints where the secrets were', () => {
    const fp = fingerprint(SECRET_REF);
    // The broker's reject log line: secret_ref fingerprinted, payload replaced, auth scrubbed from the message.
    const reject = t.logs.filter((l) => l.event === 'order.reject');
    expect(reject).toHaveLength(1);
    expect(reject[0]).toMatchObject({ secret_ref: fp, broker_payload: '***' });
    expect(String(reject[0]!.message)).toMatch(/\(auth \*\*\*\)$/);
    // The same record exported as an OTLP log record.
    const otlp = readdirSync(dir)
      .filter((f) => f.startsWith('logs-broker-alpaca-'))
      .map((f) => readFileSync(path.join(dir, f), 'utf8'))
      .join('\n');
    expect(otlp).toContain(`{"key":"secret_ref","value":{"stringValue":"${fp}"}}`);
    expect(otlp).toContain('{"key":"broker_payload","value":{"stringValue":"***"}}');
    expect(otlp).toContain('(auth ***)');
    // The careless debug attribute on every oms.submit span keeps its shape with the token replaced.
    const submits = t.spans.filter((s) => s.name === 'oms.submit');
    expect(submits.length).toBe(7);
    for (const s of submits) {
      const debug = JSON.parse(String(s.attributes['order.debug'])) as Record<string, unknown>;
      expect(debug['auth']).toBe('***');
      expect(debug['client_order_id']).toBe(s.attributes['client_order_id']);
    }
  });
});

describe('trading-path demo: golden telemetry', () => {
  it('matches the fixtures in test/fixtures/golden (bars → signals → orders → fills → positions)', () => {
    const diff = checkGolden(dir);
    expect(diff, `golden telemetry differs; if intended, run \`npm run golden:update\`:\n${diff.join('\n')}`).toEqual(
      [],
    );
  });

  it('fails, with a readable diff, when a signal changes shape', () => {
    const expected = readGolden();
    expect(Object.keys(expected).sort()).toEqual(['bars', 'fills', 'orders', 'positions', 'signals']);
    const mutate = (
      f: (x: { spans: LocalSpan[]; logs: LocalLog[]; points: LocalTelemetry['points'][number][] }) => void,
    ): string[] => {
      const copy = {
        spans: t.spans.map((s) => ({ ...s, attributes: { ...s.attributes } })),
        logs: t.logs.map((l) => ({ ...l })),
        points: t.points.map((p) => ({ ...p, attributes: { ...p.attributes } })),
      };
      f(copy);
      return diffGolden(expected, goldenOf(copy));
    };
    // A log field disappears from one event.
    const dropped = mutate(({ logs }) =>
      logs.filter((l) => l.event === 'order.submit').forEach((l) => delete (l as Record<string, unknown>)['tif']),
    );
    expect(dropped.join('\n')).toMatch(/orders\/logs ampy-oms order\.submit[\s\S]*fields\.tif: "DAY" → \(absent\)/);
    // A span attribute changes type.
    const retyped = mutate(({ spans }) =>
      spans
        .filter((s) => s.name === 'positions.snapshot')
        .forEach((s) => ((s.attributes as Record<string, unknown>)['pnl_unrealized'] = 12.5)),
    );
    expect(retyped.join('\n')).toMatch(
      /positions\/spans ampy-positions positions\.snapshot[\s\S]*attributes\.pnl_unrealized: "<decimal:2>" → "<number>"/,
    );
    // A metric grows a label.
    const relabelled = mutate(({ points }) =>
      points
        .filter((p) => p.metric === 'ampy.oms.order_submit')
        .forEach((p) => ((p.attributes as Record<string, unknown>)['symbol'] = 'AAPL')),
    );
    expect(relabelled.join('\n')).toMatch(/orders\/metrics ampy-oms ampy\.oms\.order_submit[\s\S]*labelSets/);
    // A span is renamed.
    const renamed = mutate(({ spans }) =>
      spans.filter((s) => s.name === 'fills.update').forEach((s) => ((s as { name: string }).name = 'fills.apply')),
    );
    expect(renamed.some((l) => l.startsWith('- fills/spans ampy-positions fills.update'))).toBe(true);
    expect(renamed.some((l) => l.startsWith('+ fills/spans ampy-positions fills.apply'))).toBe(true);
  });
});

describe('trading-path demo: the CLI', () => {
  it('exits 0 and its report names the reject, the dead-lettered message and the slow order', async () => {
    const run = await cli.exited;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/handler failed|Error/);
    const out = run.stdout;
    const reject = /✗ reject\s+(co_\d{8}_\d{3}) rejected by alpaca: risk_check \(HTTP 429\); trace ([0-9a-f]{32})/.exec(
      out,
    );
    expect(reject?.[1]).toBe(REJECTED);
    const dlq = /✗ DLQ\s+message ([0-9a-f-]{36}) on (\S+) dead-lettered: decode_error; trace ([0-9a-f]{32})/.exec(out);
    expect(dlq?.[2]).toBe('ampy/dev/bars/v1/1m');
    const slow = /⏱ slow\s+(co_\d{8}_\d{3}) waited (\d+) ms at the broker; trace ([0-9a-f]{32})/.exec(out);
    expect(slow?.[1]).toBe(SLOW);
    expect(Number(slow?.[2])).toBeGreaterThanOrEqual(600);
    // What the report names is what the telemetry holds.
    expect(t.logs.find((l) => l.event === 'order.reject')?.trace_id).toBe(reject?.[2]);
    expect(t.logs.find((l) => l.event === 'bus.dlq')).toMatchObject({ message_id: dlq?.[1], trace_id: dlq?.[3] });
    expect(t.spans.find((s) => s.name === 'oms.submit' && s.attributes['client_order_id'] === SLOW)?.traceId).toBe(
      slow?.[3],
    );
    // The rejected order's trace is printed as a tree, its safety-critical spans marked.
    expect(out).toContain(`Trace of the rejected order ${REJECTED}`);
    expect(out).toMatch(/broker\.ack [\d.]+ms {2}\[always sampled\]/);
    expect(out).toMatch(/oms\.reject [\d.]+ms {2}\[always sampled\]/);
    for (const secret of SECRET_FRAGMENTS) expect(out.includes(secret), secret).toBe(false);
    // Exemplars: the slow order's trace is the example behind the order-latency bucket it fell in.
    expect(out).toMatch(
      new RegExp(
        `ampy-oms +ampy\\.oms\\.order_latency_ms\\{broker="alpaca", le="1000"\\} [\\d.]+ ms → trace ${slow?.[3]} \\(span [0-9a-f]{16}\\) {2}← the slow order`,
      ),
    );
    // Health and SLOs of every service, read from their surfaces before they stopped.
    const health = out.slice(out.indexOf('Health and SLOs'));
    for (const service of SERVICES) expect(health).toMatch(new RegExp(`\\n  ${service} +(healthy|degraded)`));
    expect(health).toMatch(
      /SLO oms-order-success \(objective 99\.5%\): exhausted; SLI 85\.7% over 5m, error budget left -2757\.1%; burn alerts 1h-5m pending/,
    );
    expect(health).toMatch(/SLO oms-order-latency \(objective 99\.0%\): exhausted; SLI [\d.]+% over 5m/);
    // Reported for the record: runDemo leaves its 20 s stop deadline timer armed, so the CLI lingers after the report.
    console.info(`demo CLI: report after ${run.reportedAfterMs} ms, exit after ${run.exitedAfterMs} ms`);
  }, 60_000);
});

describe('trading-path demo: log schema', () => {
  it('every log line of the run validates against the generated JSON Schema of log events; broken lines do not', () => {
    // Strict about types: the schema is clean for editors and validators that check it.
    const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strictTypes: true });
    const validate = ajv.compile(
      JSON.parse(readFileSync(path.join(ROOT, 'generated/log-schema.json'), 'utf8')) as object,
    );
    const lines = readdirSync(dir)
      .filter((f) => f.startsWith('log-'))
      .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(40);
    expect(new Set(lines.map((l) => l['event'])).size).toBeGreaterThan(8);
    const invalid = lines
      .filter((l) => !validate(l))
      .map((l) => `${String(l['event'])}: ${ajv.errorsText(validate.errors)}`);
    expect(invalid).toEqual([]);
    const reject = lines.find((l) => l['event'] === 'order.reject')!;
    const broken: Record<string, unknown>[] = [
      { ...reject, reject_reason: 'riskcheck' },
      { ...reject, level: 'info' },
      { ...reject, http_status: '429' },
      { ...reject, trace_id: 'not-a-trace-id' },
      { ...reject, event: 'order.unknown' },
      Object.fromEntries(Object.entries(reject).filter(([k]) => k !== 'client_order_id')),
      Object.fromEntries(Object.entries(reject).filter(([k]) => k !== 'ts')),
    ];
    for (const b of broken) expect(validate(b), JSON.stringify(b).slice(0, 200)).toBe(false);
    // Fields an untyped caller adds stay allowed; free-form (ad-hoc) lines need the base fields only.
    expect(validate({ ...reject, note: 'extra' })).toBe(true);
    expect(
      validate({
        level: 'info',
        ts: reject['ts'],
        service: 'x',
        env: 'dev',
        service_version: '1',
        message: 'free-form',
        adhoc: true,
      }),
    ).toBe(true);
  });
});

describe('trading-path demo: live-check', () => {
  it('finds no error in what the demo wrote; only its deliberately careless debug attribute warns', async () => {
    const { runCli } = await import('../../codegen/cli.js');
    const out: string[] = [];
    const code = await runCli(['live-check', '--dir', dir, '--format', 'json'], {
      out: (s) => out.push(s),
      err: (s) => out.push(s),
    });
    const report = JSON.parse(out.join('\n')) as {
      errors: number;
      findings: { rule: string; subject: string; detail: string }[];
      seen: Record<string, number>;
    };
    expect(code).toBe(0);
    expect(report.errors).toBe(0);
    expect(report.findings.map((f) => `${f.rule} ${f.subject}: ${f.detail}`)).toEqual([
      "unknown-attribute span oms.submit: 'order.debug' is not in the registry",
    ]);
    // Every kind of record was read: metric points, spans, OTLP log records and JSON log lines.
    for (const signal of ['metric', 'span', 'log', 'line', 'resource'])
      expect(report.seen[signal], signal).toBeGreaterThan(0);
  });
});
