// The resolver on its own: loaded, schema-checked and merged fragments in, the model out. References
// followed, defaults applied, duplicates and dangling references reported where they are written.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../codegen/diagnostics.js';
import { loadSpec } from '../../codegen/load.js';
import { mergeFragments } from '../../codegen/merge.js';
import type { Model } from '../../codegen/model.js';
import { resolve } from '../../codegen/resolve/index.js';
import { labelSize } from '../../codegen/resolve/metrics.js';
import { suggest } from '../../codegen/suggest.js';
import { checkSchema } from '../../codegen/schema-check.js';

const MINI = path.resolve(import.meta.dirname, '../fixtures/mini-spec');
const root = mkdtempSync(path.join(tmpdir(), 'ampyobs-resolve-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/**
 * Resolves the mini spec, with `extra` added as extra.yaml and `ops` replacements made in its ops.yaml:
 * the model and the diagnostics of resolve alone.
 */
function resolved(extra = '', ops: readonly [string, string][] = []): { model: Model; diags: Diagnostic[] } {
  const dir = path.join(root, String(n++));
  cpSync(MINI, dir, { recursive: true });
  if (extra) writeFileSync(path.join(dir, 'extra.yaml'), extra);
  let text = readFileSync(path.join(dir, 'ops.yaml'), 'utf8');
  for (const [from, to] of ops) {
    expect(text).toContain(from);
    text = text.replace(from, to);
  }
  writeFileSync(path.join(dir, 'ops.yaml'), text);
  const before: Diagnostic[] = [];
  const files = loadSpec(dir, before);
  const poisoned = new Map(files.map((f) => [f, checkSchema(f, before)]));
  const merged = mergeFragments(files, poisoned, before);
  expect(before, 'the spec loads and merges cleanly').toEqual([]);
  const diags: Diagnostic[] = [];
  return { model: resolve(merged, diags), diags };
}

const where = (d: Diagnostic): string => `${path.basename(d.file)}:${d.line} ${d.rule}: ${d.message}`;

describe('resolve', () => {
  const { model, diags } = resolved();

  it('resolves the mini spec without a diagnostic', () => {
    expect(diags).toEqual([]);
    expect(model.registry).toEqual({
      name: 'mini',
      version: '0.1.0',
      brief: 'Smallest valid spec; bad-spec cases overlay one file on it.',
    });
    expect(model.runtimeImport).toBe('ampyobs/runtime');
  });

  it('applies defaults: stability, requirements per signal, flags', () => {
    const reason = model.attributes.find((a) => a.id === 'reason')!;
    expect(reason).toMatchObject({
      stability: 'development',
      highCardinality: false,
      pii: false,
      secret: false,
      fingerprint: false,
      examples: [],
    });
    // Members inherit the attribute's stability: broker is stable.
    expect(model.attributes.find((a) => a.id === 'broker')!.members.map((m) => m.stability)).toEqual([
      'stable',
      'stable',
    ]);
    expect(model.metrics.find((m) => m.name === 'ampy.oms.rejections')!.labels.map((l) => l.requirement)).toEqual([
      'required',
      'required',
    ]);
    expect(model.spans[0]!.attributes.map((a) => [a.name, a.requirement])).toEqual([
      ['broker', 'required'],
      ['symbol', 'recommended'],
    ]);
    expect(model.spans[0]).toMatchObject({ alwaysSample: false, alwaysSampleWhen: [] });
    expect(model.resource.map((r) => [r.attr.id, r.requirement, r.default])).toEqual([
      ['service.name', 'required', undefined],
      ['deployment.environment', 'required', 'dev'],
    ]);
  });

  it('names metrics the way the exporter exposes them and estimates their series', () => {
    const rejections = model.metrics.find((m) => m.name === 'ampy.oms.rejections')!;
    const latency = model.metrics.find((m) => m.name === 'ampy.oms.order_latency_ms')!;
    expect([rejections.subsystem, rejections.short, rejections.promName]).toEqual([
      'oms',
      'rejections',
      'ampy_oms_rejections_total',
    ]);
    expect(latency.promName).toBe('ampy_oms_order_latency_ms');
    // broker (2) x reason (2); a histogram of 3 boundaries adds 3 + 3 series per label set.
    expect(rejections.seriesEstimate).toBe(4);
    expect(latency.seriesEstimate).toBe(2 * 6);
    expect(latency.buckets?.boundaries).toEqual([1, 10, 100]);
    // The manifest's limit is every metric's budget.
    expect(model.maxSeriesPerMetric).toBe(1000);
    expect(rejections.maxSeries).toBe(1000);
  });

  it('sizes a label by its values, plus one when it may be absent', () => {
    const use = (id: string, requirement: 'required' | 'recommended') => ({
      ...model.spans[0]!.attributes[0]!,
      attr: model.attributes.find((a) => a.id === id)!,
      requirement,
    });
    expect(labelSize(use('broker', 'required'))).toBe(2);
    expect(labelSize(use('broker', 'recommended'))).toBe(3);
    expect(labelSize(use('topic', 'required'))).toBe(10);
    expect(labelSize(use('symbol', 'required'))).toBe(Infinity);
  });

  it('follows log base fields to the resource and context attributes they read', () => {
    expect(model.logBase.map((f) => [f.field, f.from, f.attr?.id, f.always])).toEqual([
      ['ts', 'time', undefined, true],
      ['service', 'resource', 'service.name', true],
      ['trace_id', 'context', 'trace_id', false],
      ['message', 'message', undefined, true],
    ]);
    expect(model.context.map((c) => [c.attr.id, c.source, c.onSpans])).toEqual([
      ['trace_id', 'trace', false],
      ['run_id', 'scope', false],
    ]);
  });

  it('resolves alerts and SLOs to their metrics, with defaults', () => {
    const a = model.alerts[0]!;
    expect(a.metric.name).toBe('ampy.oms.rejections');
    expect(a.matchers).toEqual([{ label: 'broker', values: ['alpaca'] }]);
    expect([a.op, a.by, a.labels, a.total, a.during]).toEqual(['>', ['reason'], {}, undefined, undefined]);
    const slo = model.slos[0]!;
    expect(slo.sli).toMatchObject({ kind: 'latency', threshold: 10, matchers: [] });
    expect(slo.sli.kind === 'latency' && slo.sli.metric.name).toBe('ampy.oms.order_latency_ms');
    expect(slo.by).toEqual([]);
  });

  it('maps sampling and redaction to the names the runtime reads', () => {
    expect(model.sampling).toEqual({ sampler: 'parent', ratio: 0.25, perEnv: { dev: 1 } });
    expect(model.redaction).toEqual({
      replacement: '***',
      keyPatterns: ['secret'],
      valuePatterns: [{ id: 'bearer', regex: '[Bb]earer\\s+\\S+', brief: 'Bearer tokens.' }],
    });
  });

  it('renames a use with as, and reports a name used twice in one signal', () => {
    const { model: m, diags: d } = resolved(`spans:
  - name: oms.cancel
    kind: internal
    brief: Cancel.
    attributes:
      - { ref: broker }
      - { ref: reason, as: broker }
      - { ref: reason, as: why }
`);
    expect(m.spans.find((s) => s.name === 'oms.cancel')!.attributes.map((a) => [a.name, a.attr.id])).toEqual([
      ['broker', 'broker'],
      ['why', 'reason'],
    ]);
    expect(d.map(where)).toEqual([
      "extra.yaml:7 duplicate-name: 'broker' appears twice in span oms.cancel (also entry 1); give one of them another name with 'as'",
    ]);
  });

  it('reports ids defined twice with both places, and keeps the first', () => {
    const { model: m, diags: d } = resolved(`attributes:
  - id: broker
    type: string
    brief: Again.
  - id: venue
    type: enum
    brief: Venue.
    members:
      - { value: nyse, brief: NYSE. }
      - { value: nyse, brief: Again. }
`);
    expect(d.map(where)).toEqual([
      expect.stringMatching(
        /^extra\.yaml:2 unique-id: attribute 'broker' is already defined at .*attributes\.yaml:2:5$/,
      ),
      "extra.yaml:10 unique-id: enum member 'nyse' of 'venue' is listed twice (also member 1)",
    ]);
    expect(m.attributes.find((a) => a.id === 'broker')!.type).toBe('enum');
    expect(m.attributes.find((a) => a.id === 'venue')!.members.map((x) => x.value)).toEqual(['nyse']);
  });

  it('reports references that lead nowhere, suggesting the closest name, and leaves the entry out', () => {
    const { model: m, diags: d } = resolved(`alerts:
  - name: AmpyLate
    kind: quantile
    metric: ampy.oms.order_latency
    quantile: 0.9
    threshold: 50
    window: 5m
    during: trading_hours
    severity: warning
    summary: Late.
    description: Late.
    runbook: https://example.invalid/r
`);
    expect(d.map(where)).toEqual([
      "extra.yaml:4 unresolved-ref: metric 'ampy.oms.order_latency' is not defined; did you mean 'ampy.oms.order_latency_ms'?",
      "extra.yaml:8 unresolved-ref: schedule 'trading_hours' is not defined",
    ]);
    expect(m.alerts.map((a) => a.name)).toEqual(['AmpyRejectsHigh']);
  });

  it("checks an SLI's fields and instruments where it resolves them", () => {
    const { model: m, diags: d } = resolved(`slos:
  - name: no-threshold
    brief: B.
    objective: 0.99
    period: 30d
    runbook: https://example.invalid/r
    sli: { kind: latency, metric: ampy.oms.order_latency_ms }
  - name: counter-latency
    brief: B.
    objective: 0.99
    period: 30d
    runbook: https://example.invalid/r
    sli: { kind: latency, metric: ampy.oms.rejections, threshold: 10 }
  - name: ratio-of-histograms
    brief: B.
    objective: 0.99
    period: 30d
    runbook: https://example.invalid/r
    sli: { kind: ratio, bad: { metric: ampy.oms.order_latency_ms }, total: { metric: ampy.oms.rejections } }
`);
    expect(d.map(where)).toEqual([
      "extra.yaml:7 slo-sli: a latency SLI needs 'metric' (a histogram) and 'threshold' (a bucket boundary)",
      "extra.yaml:13 slo-sli: a latency SLI needs a histogram; 'ampy.oms.rejections' is a counter",
      "extra.yaml:19 slo-sli: a ratio SLI counts events: 'ampy.oms.order_latency_ms' is a histogram, not a counter",
    ]);
    // The SLI without its fields cannot be modelled; the others are, so validation still checks their labels.
    expect(m.slos.map((s) => s.name)).toEqual(['counter-latency', 'ratio-of-histograms', 'order-latency']);
  });

  it('reports a redaction pattern id listed twice, and keeps both patterns', () => {
    const bearer = '    - { id: bearer, regex: "[Bb]earer\\\\s+\\\\S+", brief: Bearer tokens. }';
    const { model: m, diags: d } = resolved('', [
      [bearer, `${bearer}\n    - { id: bearer, regex: "token=\\\\S+", brief: Again. }`],
    ]);
    expect(d.map(where)).toEqual(["ops.yaml:44 unique-id: value pattern 'bearer' is listed twice"]);
    expect(m.redaction?.valuePatterns.map((p) => p.regex)).toEqual(['[Bb]earer\\s+\\S+', 'token=\\S+']);
  });

  it('reports a base log field from the resource or context that names no attribute of it', () => {
    const { model: m, diags: d } = resolved('', [
      [
        '{ field: service, from: resource, ref: service.name, always: true }',
        '{ field: service, from: resource, always: true }',
      ],
      ['{ field: trace_id, from: context, ref: trace_id }', '{ field: trace_id, from: resource, ref: trace_id }'],
    ]);
    expect(d.map(where)).toEqual([
      "ops.yaml:9 log-base: base field 'service' takes its value from resource: name the attribute with 'ref'",
      "ops.yaml:10 unresolved-ref: base field 'trace_id' reads resource attribute 'trace_id', which is not in the resource section",
    ]);
    expect(m.logBase.map((f) => f.field)).toEqual(['ts', 'message']);
  });
});

describe('suggest', () => {
  it('offers the closest known name when it is close, and nothing otherwise', () => {
    expect(suggest('brokr', ['broker', 'reason'])).toBe("; did you mean 'broker'?");
    expect(suggest('latency_sm', ['latency_ms', 'size_bytes'])).toBe("; did you mean 'latency_ms'?");
    expect(suggest('zzz', ['broker', 'reason'])).toBe('');
    expect(suggest('x', [])).toBe('');
  });
});
