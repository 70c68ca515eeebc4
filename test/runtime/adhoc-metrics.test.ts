// Registering an ad-hoc metric: whatever plain JavaScript passes (types cast away), a registration that
// cannot be honoured fails with an AdhocMetricError saying what is wrong, never another error; and no
// ad-hoc metric shares a name, or a Prometheus name, with a spec metric or another ad-hoc one.
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metrics } from '../../generated/index.js';
import { prometheusText } from '../../runtime/admin/metrics-text.js';
import { MAX_LABEL_VALUE } from '../../runtime/adhoc/metrics.js';
import {
  AdhocMetricError,
  counter,
  defineCounter,
  dropTotals,
  gauge,
  histogram,
  useProviders,
} from '../../runtime/index.js';
import { revoked } from '../support/hostile.js';
import { CollectingReader } from '../support/metric-reader.js';

const reader = new CollectingReader();
beforeAll(() => useProviders({ meterProvider: new MeterProvider({ readers: [reader] }) }));
afterAll(() => useProviders({}));

/** The Prometheus page of what was recorded, as the runtime's /metrics serves it. */
async function page(): Promise<string> {
  return prometheusText((await reader.collect()).resourceMetrics);
}

type Register = (name: unknown, options?: unknown) => unknown;
const untyped = { counter, gauge, histogram } as unknown as Record<'counter' | 'gauge' | 'histogram', Register>;

const throwingGetter = (key: string): object =>
  Object.defineProperty({}, key, {
    enumerable: true,
    get() {
      throw new Error('getter');
    },
  });

/** The error a registration fails with. */
function failure(kind: 'counter' | 'gauge' | 'histogram', name: unknown, options?: unknown): unknown {
  try {
    untyped[kind](name, options);
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('an ad-hoc metric registration plain JavaScript cannot have meant', () => {
  it.each([
    ['a bigint name', 10n, undefined, /name a value of type bigint is not a metric name/],
    ['a revoked Proxy as the name', revoked(), undefined, /name a value of type object is not a metric name/],
    [
      'a revoked Proxy as the options',
      'hatch.opts1',
      revoked(),
      /options of ad-hoc counter 'hatch.opts1' cannot be read/,
    ],
    ['options that are a string', 'hatch.opts2', 'ms', /options of ad-hoc counter 'hatch.opts2' cannot be read/],
    ['labels that throw', 'hatch.opts3', throwingGetter('labels'), /options of ad-hoc counter 'hatch.opts3' cannot be/],
    ['labels that are a number', 'hatch.opts4', { labels: 5 }, /labels of ad-hoc counter 'hatch.opts4' is 5; give an/],
    ['a revoked Proxy as labels', 'hatch.opts5', { labels: revoked() }, /options of ad-hoc counter 'hatch.opts5'/],
    ['a unit that is an object', 'hatch.opts6', { unit: {} }, /unit of ad-hoc counter 'hatch.opts6' is \{\}; give a/],
    [
      'a maxSeries that is a Proxy',
      'hatch.opts7',
      { maxSeries: revoked() },
      /maxSeries of ad-hoc counter 'hatch.opts7'/,
    ],
  ])('%s fails with an AdhocMetricError naming it', (_, name, options, message) => {
    const e = failure('counter', name, options);
    expect(e).toBeInstanceOf(AdhocMetricError);
    expect((e as Error).message).toMatch(message);
  });

  it('buckets that cannot be read fail the same way for a histogram', () => {
    const e = failure('histogram', 'hatch.opts8', { buckets: revoked() });
    expect(e).toBeInstanceOf(AdhocMetricError);
    expect((e as Error).message).toMatch(/options of ad-hoc histogram 'hatch.opts8' cannot be read/);
  });
});

describe('an ad-hoc metric under a name that is taken', () => {
  it.each([
    ['the same name', () => counter('ampy.oms.rejections', { unit: '{order}', labels: ['foo'] })],
    ['the same name in capitals', () => counter('AMPY.OMS.REJECTIONS')],
    ['the same Prometheus name, through _total', () => gauge('ampy.oms.rejections_total')],
    ['the same Prometheus name, through _', () => counter('ampy_oms_rejections')],
  ])("fails with an AdhocMetricError naming the spec's metric (%s), and /metrics keeps one family", async (_, make) => {
    metrics.oms.rejections.add(1, { broker: 'alpaca', reason: 'risk_check' });
    let e: unknown;
    try {
      (make() as { add?: (v: number, l: object) => void }).add?.(5, { foo: 'bar' });
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(AdhocMetricError);
    expect((e as Error).message).toMatch(/^ampyobs: ad-hoc (counter|gauge) '[^']+' (has the name of|would be exposed)/);
    expect((e as Error).message).toContain("the spec's counter 'ampy.oms.rejections'");
    expect((await page()).match(/^# TYPE ampy_oms_rejections_total /gm)).toHaveLength(1);
  });

  it("fails for the runtime's own metrics and those auto-instrumentation records", () => {
    expect(() => counter('ampy.obs.dropped')).toThrow(/has the name of the spec's counter 'ampy.obs.dropped'/);
    expect(() => histogram('http.server.request.duration', { unit: 's' })).toThrow(
      /has the name of the spec's histogram 'http.server.request.duration'/,
    );
  });

  it("fails under the name of a series of a spec histogram, and /metrics keeps that series the histogram's", async () => {
    metrics.oms.orderLatencyMs.record(3, { broker: 'alpaca' });
    expect(() => gauge('ampy.oms.order_latency_ms_count')).toThrow(
      "ampyobs: ad-hoc gauge 'ampy.oms.order_latency_ms_count' would be exposed to Prometheus as ampy_oms_order_latency_ms_count, the _count series of the spec's histogram 'ampy.oms.order_latency_ms'; give this one another name, or record the spec's metric instead",
    );
    expect(() => gauge('ampy.oms.order_latency_ms_bucket')).toThrow(/the _bucket series of the spec's histogram/);
    const text = await page();
    expect(text).not.toMatch(/^# TYPE ampy_oms_order_latency_ms_(count|bucket) /m);
    expect(text).toMatch(/^ampy_oms_order_latency_ms_count\{[^}]*broker="alpaca"/m);
  });

  it("fails when a histogram's series would take another ad-hoc metric's name", () => {
    gauge('hatch.sizes_count');
    expect(() => histogram('hatch.sizes')).toThrow(
      "ampyobs: ad-hoc histogram 'hatch.sizes' would write its _count series as hatch_sizes_count, the Prometheus name of the ad-hoc gauge 'hatch.sizes_count'; register that one again, or give this one another name",
    );
  });

  it('fails when another ad-hoc metric has the Prometheus name; the same registration again is the same metric', () => {
    const lookups = counter('hatch.lookups', { labels: ['source'] });
    expect(counter('hatch.lookups', { labels: ['source'] })).toBe(lookups);
    expect(() => counter('hatch_lookups')).toThrow(AdhocMetricError);
    expect(() => gauge('hatch.lookups_total')).toThrow(
      "ampyobs: ad-hoc gauge 'hatch.lookups_total' would be exposed to Prometheus as hatch_lookups_total, as the ad-hoc counter 'hatch.lookups' is; register that one again, or give this one another name",
    );
    // The same name as another kind: the registration that was there says what it is.
    expect(() => gauge('hatch.lookups')).toThrow(
      /'hatch.lookups' is already registered as a counter with labels \[source\]/,
    );
  });

  it('stops recording, and says so once on stderr, when a spec metric of its name is defined after it', async () => {
    const early = counter('hatch.late', { unit: '{item}' });
    early.add(1);
    const said: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => {
      said.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      // What a service's generated helpers do when they are imported after the registration.
      defineCounter({ name: 'hatch.late', instrument: 'counter', unit: '{item}', description: 'Late.', labels: [] });
      defineCounter({ name: 'hatch.late', instrument: 'counter', unit: '{item}', description: 'Late.', labels: [] });
    } finally {
      process.stderr.write = write;
    }
    expect(said).toEqual([
      "ampyobs: ad-hoc counter 'hatch.late' has the name of the spec's counter 'hatch.late'; it was registered before the spec's helpers were imported, and is no longer recorded: give this one another name, or record the spec's metric instead (README, \"The escape hatch\")\n",
    ]);
    early.add(1);
    expect((await page()).match(/^hatch_late_total\{.*\} (\d+)$/m)?.[1]).toBe('1');
  });
});

describe('an ad-hoc label value', () => {
  it('longer than MAX_LABEL_VALUE is recorded as _other and counted; the other labels are kept', async () => {
    const c = counter('hatch.long_values', { unit: '{item}', labels: ['venue', 'path'] });
    const before = dropTotals().get('metrics:invalid_label') ?? 0;
    c.add(1, { venue: 'xnas', path: 'p'.repeat(5_000_000) });
    c.add(1, { venue: 'xnas', path: 'q'.repeat(MAX_LABEL_VALUE) });
    expect((dropTotals().get('metrics:invalid_label') ?? 0) - before).toBe(1);
    const text = await page();
    expect(text).toMatch(/^hatch_long_values_total\{venue="xnas",path="_other".*\} 1$/m);
    expect(text).toContain(`path="${'q'.repeat(MAX_LABEL_VALUE)}"`);
  });
});
