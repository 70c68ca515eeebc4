// The fast path (metrics whose labels are all bounded, aggregated in arrays, handed over by a MetricProducer) exports
// exactly what the plain SDK path exports: same points over OTLP, same Prometheus page.
import { describe, expect, it } from 'vitest';
import { init, metrics } from '../../generated/index.js';
import { fastPathActive } from '../../runtime/fast-metrics.js';
import { CLEAN_ENV, withEnv } from '../support/env.js';
import { lineSink } from '../support/lines.js';
import { freePort } from '../support/ports.js';
import { OtlpReceiver, type ReceivedPoint } from '../support/otlp-receiver.js';

/** The same deterministic traffic every time: valid calls, untyped junk, optional labels left out. */
function traffic(): void {
  let seed = 7;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const brokers = ['alpaca', 'ibkr', 'paper'] as const;
  const reasons = ['risk_check', 'insufficient_funds', 'rate_limited'] as const;
  const untyped = (h: unknown) =>
    h as {
      add: (v: unknown, l?: unknown) => void;
      record: (v: unknown, l?: unknown) => void;
      set: (v: unknown, l?: unknown) => void;
    };
  // Before the bound fills: a number for a string label is recorded as its text.
  untyped(metrics.bus.consumed).add(1, { topic: 42 });
  for (let i = 0; i < 5000; i++) {
    const broker = brokers[i % 3]!;
    metrics.oms.orderSubmit.add(1, { broker, outcome: i % 11 ? 'ok' : 'reject' });
    if (i % 7 === 0) metrics.oms.rejections.add(1, { broker, reason: reasons[i % 3]! });
    metrics.oms.orderLatencyMs.record([0.5, 1, 2, 7, 200, 201, 999, 5000][i % 8]! * (1 + rnd()), { broker });
    metrics.oms.fills.add(2.5, { broker, side: i % 2 ? 'buy' : 'sell' });
    metrics.positions.snapshots.add(1);
    metrics.positions.snapshotLagMs.set(i);
    metrics.config.reloads.add(1, { outcome: 'applied' });
    // A bounded string label (topic, at most 100 values): 105 topics, so the last ones overflow.
    metrics.bus.consumed.add(1, { topic: `ampy/dev/t${i % 105}`, ...(i % 3 ? { producer: `svc-${i % 4}` } : {}) });
    metrics.bus.deliveryLatencyMs.record(i % 300, { topic: `ampy/dev/t${i % 7}`, domain: i % 2 ? 'bars' : 'orders' });
  }
  // Untyped callers: unknown values overflow, unknown keys are dropped, junk values are refused.
  untyped(metrics.oms.rejections).add(1, { broker: 'robinhood', reason: 'risk_check' });
  untyped(metrics.oms.orderSubmit).add(1, { broker: 'alpaca', outcome: 'ok', symbol: 'AAPL' });
  untyped(metrics.oms.orderLatencyMs).record(Number.NaN, { broker: 'alpaca' });
  untyped(metrics.oms.orderLatencyMs).record(12, {});
  untyped(metrics.oms.fills).add(1, 'nonsense');
  // Required labels left out: recorded as _other, never as a series without them.
  untyped(metrics.oms.rejections).add(1, {});
  untyped(metrics.oms.rejections).add(1, null);
  untyped(metrics.bus.deliveryLatencyMs).record(3, { domain: 'bars' });
  untyped(metrics.bus.consumed).add(1, { topic: { nested: true } });
}

// Not the ampy.runtime.* metrics: the runtime records real GC pauses and memory into them.
const WATCHED = /^ampy\.(oms|positions|config|bus)\.|^ampy\.obs\.dropped$/;

async function run(fastPath: boolean): Promise<{ points: ReceivedPoint[]; page: string }> {
  const receiver = new OtlpReceiver();
  const endpoint = await receiver.startHttp();
  const port = await freePort();
  let page = '';
  try {
    await withEnv({ ...CLEAN_ENV }, async () => {
      const obs = init({
        serviceName: 'eq',
        fastPath,
        otlp: { endpoint },
        prometheus: { port, host: '127.0.0.1' },
        export: { traces: false, logs: false },
        metricIntervalMillis: 60_000,
        logDestination: lineSink().stream,
      });
      traffic();
      expect(fastPathActive()).toBe(fastPath);
      page = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      await obs.shutdown(5000);
    });
  } finally {
    await receiver.stop();
  }
  return { points: receiver.points.filter((p) => WATCHED.test(p.metric)), page };
}

const normalise = (points: ReceivedPoint[]) =>
  points
    .map(({ metric, unit, kind, attributes, value, count, sum, bounds, buckets }) =>
      JSON.stringify({
        metric,
        unit,
        kind,
        attributes: Object.fromEntries(Object.entries(attributes).sort()),
        value,
        count,
        sum,
        bounds,
        buckets,
      }),
    )
    .sort();
const promLines = (page: string) =>
  page
    .split('\n')
    .filter((l) => /^ampy_(oms|positions|config|bus)_|^ampy_obs_dropped/.test(l))
    .map((l) => l.replace(/,?otel_scope_[a-z]+="[^"]*"/g, ''))
    .sort();

describe('fast path for metrics with bounded labels', () => {
  it('exports the same points as the plain SDK path, over OTLP and on the Prometheus page', async () => {
    const plain = await run(false);
    const fast = await run(true);
    expect(plain.points.length).toBeGreaterThan(20);
    expect(normalise(fast.points)).toEqual(normalise(plain.points));
    expect(promLines(fast.page).length).toBeGreaterThan(40);
    expect(promLines(fast.page)).toEqual(promLines(plain.page));
    // The junk was handled the same way on both paths.
    expect(
      fast.points.find(
        (p) =>
          p.metric === 'ampy.oms.rejections' &&
          p.attributes['broker'] === '_other' &&
          p.attributes['reason'] !== '_other',
      )?.value,
    ).toBe(1);
    expect(
      fast.points.find(
        (p) =>
          p.metric === 'ampy.oms.rejections' &&
          p.attributes['broker'] === '_other' &&
          p.attributes['reason'] === '_other',
      )?.value,
    ).toBe(2);
    expect(promLines(fast.page).filter((l) => /^ampy_oms_rejections_total\{\}/.test(l))).toEqual([]);
    expect(
      fast.points.filter((p) => p.metric === 'ampy.bus.consumed' && p.attributes['topic'] === '_other').length,
    ).toBeGreaterThan(0);
    expect(fast.points.find((p) => p.metric === 'ampy.bus.consumed' && p.attributes['topic'] === '42')?.value).toBe(1);
    // 2 untyped enum mistakes + 1 unknown key + 1 non-primitive topic + the topics past the bound.
    expect(
      fast.points.find((p) => p.metric === 'ampy.obs.dropped' && p.attributes['reason'] === 'invalid_label')?.value,
    ).toBeGreaterThan(4);
  });
});
