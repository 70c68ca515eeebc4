// `ampyobs live-check` against a process that uses raw OpenTelemetry with made-up names and wrong
// values (test/tools/raw-otel-app.ts): over OTLP/gRPC, OTLP/HTTP JSON and protobuf and a Prometheus
// scrape, it finds every violation, counted, with an example.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSpec } from '../../codegen/pipeline.js';
import { readFileSync } from 'node:fs';
import { Checker, LIVE_RULES, type Finding } from '../../tools/live-check/check.js';
import type { Observed } from '../../tools/live-check/observed.js';
import { ADHOC_SCOPE } from '../../conventions/index.js';
import { fromPrometheusText } from '../../tools/live-check/prometheus-text.js';
import { runLiveCheck } from '../../tools/live-check/command.js';
import { freePort } from '../support/ports.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SPEC = path.join(ROOT, 'test/fixtures/live-spec');

interface Report {
  findings: Finding[];
  candidates: { signal: string; name: string; count: number; attributes: string[] }[];
  errors: number;
  seen: Record<string, number>;
}

describe('live-check against raw OpenTelemetry with made-up names', () => {
  it('finds every violation, over OTLP/gRPC, OTLP/HTTP (JSON and protobuf) and a scrape', async () => {
    const promPort = await freePort();
    const out: string[] = [];
    const err: string[] = [];
    const stop = new AbortController();
    let child: ReturnType<typeof spawn> | undefined;
    const appDone = new Promise<void>((resolve, reject) => {
      void runLiveCheck(
        [
          '--otlp-port',
          '0',
          '--scrape',
          `http://127.0.0.1:${promPort}/metrics`,
          '--duration',
          '600',
          '--spec',
          SPEC,
          '--format',
          'json',
        ],
        { out: (s) => out.push(s), err: (s) => err.push(s) },
        {
          ready: ([port]) => {
            child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'raw-otel-app.ts')], {
              env: {
                ...process.env,
                LIVE_HTTP: `http://127.0.0.1:${port}`,
                LIVE_GRPC: `http://127.0.0.1:${port}`,
                PROM_PORT: String(promPort),
              },
              stdio: ['ignore', 'pipe', 'inherit'],
            });
            child.stdout!.on('data', (b: Buffer) => {
              if (!b.toString().includes('sent')) return;
              // A bad request too: what cannot be decoded is reported, not dropped silently.
              void fetch(`http://127.0.0.1:${port}/v1/traces`, {
                method: 'POST',
                headers: { 'content-type': 'application/x-protobuf' },
                body: Buffer.from([0xff, 0xff, 0xff]),
              })
                // One scrape (every 5 s) after the app is up, then the end.
                .then(() => new Promise((r) => setTimeout(r, 5500)))
                .then(() => stop.abort())
                .then(resolve, reject);
            });
            child.once('exit', (code) => code && reject(new Error(`raw app exited ${code}`)));
          },
          stop: stop.signal,
        },
      ).then((code) => {
        expect(code).toBe(1);
      }, reject);
    });
    await appDone;
    await new Promise((r) => setTimeout(r, 200));
    child?.kill('SIGTERM');
    const report = JSON.parse(out.join('\n')) as Report;
    // The first scrape runs as live-check starts, before the app is up: that one is reported too.
    const got = report.findings
      .filter((f) => !f.detail.startsWith('cannot scrape: '))
      .map((f) => `${f.severity} ${f.rule} ${f.subject}`)
      .sort();
    const topicMax = readSpec(SPEC).model!.attributes.find((a) => a.id === 'topic')!.maxCardinality!;
    expect(topicMax).toBe(100);
    expect(got).toEqual(
      [
        'error enum-value event order.reject',
        'error enum-value metric ampy.oms.rejections',
        'error enum-value span oms.submit',
        'error label-cardinality metric ampy.bus.produced',
        'error missing-required event order.reject',
        'error missing-required metric ampy.oms.rejections',
        'error missing-required resource',
        'error missing-required resource',
        'error missing-required resource',
        'error missing-required span oms.submit',
        'error series-budget metric ampy.shop.carts',
        'error undeclared-label metric ampy.oms.rejections',
        'error undeclared-label metric ampy.shop.carts',
        'error unit-mismatch metric ampy.oms.rejections',
        'error unknown-event event (none)',
        'error unknown-event event cart.abandoned',
        'error unknown-metric metric shop.checkout.count',
        'error unknown-metric metric shop_checkout_count_total',
        'error unknown-span span checkout.process',
        'error unreadable input',
        'error wrong-instrument metric ampy.ml.inference_latency_ms',
        'error wrong-instrument metric ampy.oms.order_latency_ms',
        'error wrong-type event order.reject',
        'error wrong-type span oms.submit',
        'warn undeclared-attribute span oms.submit',
        'warn unknown-attribute span oms.submit',
      ].sort(),
    );
    const find = (rule: string, subject: string): Finding =>
      report.findings.find((f) => f.rule === rule && f.subject === subject)!;
    expect(find('enum-value', 'metric ampy.oms.rejections').detail).toMatch(
      /^'reason' = 'riskcheck' is not a member of reject_reason \(/,
    );
    expect(find('wrong-type', 'span oms.submit').detail).toBe(
      "'broker' (broker, enum): int where an enum member was expected",
    );
    expect(find('wrong-type', 'span oms.submit').example).toMatch(/^42 from otlp\/grpc :\d+$/);
    expect(report.findings.filter((f) => f.subject === 'resource').map((f) => f.detail)).toEqual(
      ['deployment.environment', 'service.instance.id', 'service.version'].map(
        (a) => `required resource attribute '${a}' missing`,
      ),
    );
    expect(find('unreadable', 'input').detail).toMatch(/^an OTLP\/HTTP traces request that does not decode/);
    expect(find('label-cardinality', 'metric ampy.bus.produced').detail).toBe(
      `label 'topic' has ${topicMax + 1} distinct values, over topic's max_cardinality of ${topicMax}`,
    );
    expect(find('series-budget', 'metric ampy.shop.carts').detail).toBe(
      '4 label sets = 4 series, over its budget of 3',
    );
    expect(find('wrong-instrument', 'metric ampy.ml.inference_latency_ms').detail).toBe(
      'exponential histogram where the spec says a histogram',
    );
    // Counted: the OTLP metrics and the scrape both saw the unknown label.
    expect(find('undeclared-label', 'metric ampy.oms.rejections').count).toBeGreaterThanOrEqual(2);
    expect(report.candidates).toEqual([
      {
        signal: 'span',
        name: 'quotes.refresh',
        count: 1,
        attributes: ['venue'],
        example: expect.stringMatching(/^otlp\/grpc :\d+$/) as unknown,
      },
    ]);
    expect(err.join('\n')).toMatch(/^ampyobs live-check: listening for OTLP on 127\.0\.0\.1:\d+ for 600 s/);
  }, 60_000);
});

describe('the checker, record by record', () => {
  const renamed = readSpec(path.join(ROOT, 'test/fixtures/renamed-spec')).model!;
  const metric = (name: string, attrs: [string, string][], extra: Partial<Observed> = {}): Observed => ({
    signal: 'metric',
    name,
    scope: 'ampyobs',
    attrs: attrs.map(([key, value]) => ({ key, value, type: 'string' as const })),
    source: 'test',
    instrument: 'counter',
    unit: '{order}',
    ...extra,
  });

  it('warns of a metric still emitted under a name the spec renamed, and of values the runtime overflowed', () => {
    const c = new Checker(renamed);
    c.observe(metric('ampy.oms.rejects', [['broker', 'alpaca']]));
    c.observe(
      metric('ampy.oms.rejections', [
        ['broker', 'alpaca'],
        ['reason', '_other'],
      ]),
    );
    expect(c.findings().map((f) => `${f.severity} ${f.rule} ${f.subject}: ${f.detail}`)).toEqual([
      "warn overflow-value metric ampy.oms.rejections: 'reason' is _other",
      "warn renamed-metric metric ampy.oms.rejects: renamed to ampy.oms.rejections in the spec: regenerate the service's helpers",
    ]);
  });

  it('holds instrumented metrics to the semconv registry under their OTLP keys, counts instrumentation spans, groups a logger by component', () => {
    const base = readSpec(path.join(ROOT, 'spec')).model!;
    const c = new Checker(base);
    const duration = (attrs: Observed['attrs'], extra: Partial<Observed> = { unit: 's' }): Observed => ({
      signal: 'metric',
      name: 'http.server.request.duration',
      scope: '@opentelemetry/instrumentation-http',
      attrs,
      source: 'test',
      instrument: 'histogram',
      ...extra,
    });
    const s = (key: string, value: string): Observed['attrs'][number] => ({ key, value, type: 'string' });
    c.observe(
      duration([
        s('http.request.method', 'GET'),
        s('http.route', '/orders/:id'),
        { key: 'http.response.status_code', value: 200, type: 'int' },
      ]),
    );
    // Prometheus shows the labels under their names, every value as text.
    c.observe(
      duration(
        [s('http_request_method', 'GET'), s('http_route', '/orders/:id'), s('http_response_status_code', '200')],
        { name: 'http_server_request_duration', prometheus: true },
      ),
    );
    // A status code past its bound is recorded as _other; the route is required.
    c.observe(duration([s('http.request.method', 'GET'), s('http.response.status_code', '_other')]));
    c.observe({
      signal: 'span',
      name: 'GET /orders/:id',
      scope: '@opentelemetry/instrumentation-http',
      attrs: [s('http.route', '/orders/:id')],
      source: 'test',
    });
    c.observe({
      signal: 'span',
      name: 'pg.query:SELECT orders',
      scope: '@opentelemetry/instrumentation-pg',
      attrs: [],
      source: 'test',
    });
    c.observe({
      signal: 'span',
      name: 'pg.query:INSERT orders',
      scope: '@opentelemetry/instrumentation-pg',
      attrs: [],
      source: 'test',
    });
    for (const message of ['loading scenarios', 'scenarios loaded'])
      c.observe({
        signal: 'line',
        name: undefined,
        scope: ADHOC_SCOPE,
        attrs: [s('component', 'aurum.api.scenarios'), s('msg', message), { key: 'rows', value: 3, type: 'int' }],
        source: 'test',
      });
    expect(c.findings().map((f) => `${f.severity} ${f.rule} ${f.subject}: ${f.detail}`)).toEqual([
      "error missing-required metric http.server.request.duration: required label 'http.route' missing",
      "warn overflow-value metric http.server.request.duration: 'http.response.status_code' is _other",
    ]);
    expect(Object.fromEntries(c.instrumented)).toEqual({
      '@opentelemetry/instrumentation-http': 1,
      '@opentelemetry/instrumentation-pg': 2,
    });
    expect(c.candidates()).toEqual([
      {
        signal: 'log',
        name: 'aurum.api.scenarios',
        count: 2,
        attributes: new Set(['component', 'rows']),
        example: 'test',
      },
    ]);
  });

  it("reports an ad-hoc metric under a spec metric's name as a clash, in a scrape and over OTLP, not as a candidate", () => {
    const c = new Checker(readSpec(path.join(ROOT, 'spec')).model!);
    // What a runtime that did not refuse the name served: one family, described twice.
    const scrape = [
      '# HELP ampy_oms_rejections_total Orders rejected, by broker and reason.',
      '# TYPE ampy_oms_rejections_total counter',
      'ampy_oms_rejections_total{broker="alpaca",reason="risk_check",otel_scope_name="ampyobs"} 1',
      '# HELP ampy_oms_rejections_total description missing',
      '# TYPE ampy_oms_rejections_total counter',
      'ampy_oms_rejections_total{foo="bar",otel_scope_name="ampyobs.adhoc"} 5',
      '# HELP scenario_lookups_total description missing',
      '# TYPE scenario_lookups_total counter',
      'scenario_lookups_total{source="cache",otel_scope_name="ampyobs.adhoc"} 2',
    ].join('\n');
    for (const o of fromPrometheusText(scrape, 'scrape', () => {})) c.observe(o);
    c.observe(metric('ampy.oms.rejections', [['foo', 'bar']], { scope: ADHOC_SCOPE }));
    expect(c.findings().map((f) => `${f.severity} ${f.rule} ${f.subject}: ${f.detail}`)).toEqual([
      "error adhoc-name-clash metric ampy.oms.rejections: ad-hoc metric 'ampy_oms_rejections_total' shares the name of the spec's counter (ampy_oms_rejections_total)",
      "error adhoc-name-clash metric ampy.oms.rejections: ad-hoc metric 'ampy.oms.rejections' shares the name of the spec's counter (ampy_oms_rejections_total)",
    ]);
    expect(c.candidates().map((x) => x.name)).toEqual(['scenario_lookups_total']);
  });

  it('reads Prometheus text: types, units, escaped label values, histograms once per series', () => {
    const text = [
      '# HELP ampy_oms_rejections_total Rejections.',
      '# UNIT ampy_oms_rejections_total {order}',
      '# TYPE ampy_oms_rejections_total counter',
      'ampy_oms_rejections_total{broker="al\\"pa\\\\ca",reason="risk_check",otel_scope_name="ampyobs"} 3',
      '# TYPE ampy_oms_order_latency_ms histogram',
      'ampy_oms_order_latency_ms_bucket{broker="alpaca",le="1"} 0',
      'ampy_oms_order_latency_ms_bucket{broker="alpaca",le="+Inf"} 1',
      'ampy_oms_order_latency_ms_sum{broker="alpaca"} 5',
      'ampy_oms_order_latency_ms_count{broker="alpaca"} 1',
      'not a sample {',
    ].join('\n');
    const bad: string[] = [];
    const seen = fromPrometheusText(text, 'scrape', (l) => bad.push(l));
    expect(
      seen.map((o) => [
        o.name,
        o.instrument,
        o.unit,
        o.scope,
        o.attrs.map((a) => `${a.key}=${String(a.value)}`).join(','),
      ]),
    ).toEqual([
      [
        'ampy_oms_rejections_total',
        'counter',
        '{order}',
        'ampyobs',
        'broker=al"pa\\ca,reason=risk_check,otel_scope_name=ampyobs',
      ],
      ['ampy_oms_order_latency_ms', 'histogram', undefined, '', 'broker=alpaca'],
    ]);
    expect(bad).toEqual(['not a sample {']);
  });

  it('is what the README lists', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const [rule, r] of Object.entries(LIVE_RULES))
      expect(readme, rule).toContain(`| \`${rule}\` | ${r.severity} | ${r.brief} |`);
  });
});
