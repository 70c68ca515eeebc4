// Plain JavaScript can pass anything: helpers never throw, never explode cardinality, and count it.
import { MeterProvider, type DataPoint } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metrics, registry } from '../../generated/index.js';
import { counter, OVERFLOW_VALUE, useProviders } from '../../runtime/index.js';
import { CollectingReader } from '../support/metric-reader.js';

const reader = new CollectingReader();
beforeAll(() => useProviders({ meterProvider: new MeterProvider({ readers: [reader] }) }));
afterAll(() => useProviders({}));

async function points(name: string): Promise<DataPoint<number>[]> {
  const { resourceMetrics } = await reader.collect();
  return (resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name)?.dataPoints ??
    []) as DataPoint<number>[];
}
const dropped = async (reason: string): Promise<number> =>
  (await points('ampy.obs.dropped')).find(
    (p) => p.attributes['signal'] === 'metrics' && p.attributes['reason'] === reason,
  )?.value ?? 0;

type Untyped = { add: (v: unknown, l?: unknown) => void; set: (v: unknown, l?: unknown) => void };

describe('metric helpers called from untyped code', () => {
  it('record an unknown enum value under the overflow value and count it', async () => {
    const rejections = metrics.oms.rejections as unknown as Untyped;
    rejections.add(1, { broker: 'alpaca', reason: 'riskcheck' });
    rejections.add(1, { broker: 'robinhood', reason: 'risk_check' });
    const dps = await points('ampy.oms.rejections');
    expect(dps.map((d) => d.attributes)).toEqual(
      expect.arrayContaining([
        { broker: 'alpaca', reason: OVERFLOW_VALUE },
        { broker: OVERFLOW_VALUE, reason: 'risk_check' },
      ]),
    );
    expect(await dropped('invalid_label')).toBe(2);
  });

  it('drop unknown keys such as symbol instead of creating series', async () => {
    const before = await dropped('invalid_label');
    (metrics.oms.orderSubmit as unknown as Untyped).add(1, { broker: 'ibkr', outcome: 'ok', symbol: 'AAPL' });
    const dps = await points('ampy.oms.order_submit');
    expect(dps.map((d) => d.attributes)).toEqual([{ broker: 'ibkr', outcome: 'ok' }]);
    expect(await dropped('invalid_label')).toBe(before + 1);
  });

  it('hold a bounded string label to its declared number of values', async () => {
    const bound = registry.metrics.find((m) => m.name === 'ampy.fx.rate_staleness_ms')!.labels[0]!.max_cardinality!;
    for (let i = 0; i < bound + 25; i++) metrics.fx.rateStalenessMs.set(i, { pair: `PAIR${i}` });
    const dps = await points('ampy.fx.rate_staleness_ms');
    expect(dps).toHaveLength(bound + 1);
    expect(dps.filter((d) => d.attributes['pair'] === OVERFLOW_VALUE)).toHaveLength(1);
  });

  it('refuse values that are not finite numbers, and labels that are not an object, each counted', async () => {
    const counter = metrics.oms.fills as unknown as Untyped;
    const refused = async (v: unknown): Promise<number> => {
      const before = await dropped('invalid_value');
      counter.add(v, { broker: 'alpaca', side: 'buy' });
      return (await dropped('invalid_value')) - before;
    };
    expect(await refused('3')).toBe(1);
    expect(await refused(Number.NaN)).toBe(1);
    expect(await refused(Number.POSITIVE_INFINITY)).toBe(1);
    // A counter only goes up.
    expect(await refused(-1)).toBe(1);
    const labels = await dropped('invalid_label');
    counter.add(1, 'not an object');
    // The labels that are not an object, and each of the two required labels it could not read.
    expect(await dropped('invalid_label')).toBe(labels + 3);
    // Only the one good value was recorded, its required labels as the overflow value.
    expect(await points('ampy.oms.fills')).toEqual([
      expect.objectContaining({ value: 1, attributes: { broker: OVERFLOW_VALUE, side: OVERFLOW_VALUE } }),
    ]);
  });

  it('record required labels left out under the overflow value, counted, never as a series without them', async () => {
    const rejections = metrics.oms.rejections as unknown as Untyped;
    const before = await dropped('invalid_label');
    rejections.add(1, {});
    rejections.add(1, null);
    rejections.add(1);
    rejections.add(1, { broker: 'ibkr' });
    expect(await dropped('invalid_label')).toBe(before + 7);
    const dps = await points('ampy.oms.rejections');
    expect(dps.every((d) => 'broker' in d.attributes && 'reason' in d.attributes)).toBe(true);
    expect(dps.map((d) => [d.attributes, d.value])).toEqual(
      expect.arrayContaining([
        [{ broker: OVERFLOW_VALUE, reason: OVERFLOW_VALUE }, 3],
        [{ broker: 'ibkr', reason: OVERFLOW_VALUE }, 1],
      ]),
    );
  });

  it('count labels an ad-hoc metric cannot read (null, not an object), and labels it does not declare', async () => {
    const hatch = counter('hatch.untyped', { labels: ['source'] }) as unknown as Untyped;
    const before = await dropped('invalid_label');
    hatch.add(1, null);
    hatch.add(1, 'db');
    hatch.add(1, { source: 'db', symbol: 'AAPL' });
    hatch.add(1);
    expect(await dropped('invalid_label')).toBe(before + 3);
    const dps = await points('hatch.untyped');
    expect(dps.map((d) => [d.attributes, d.value])).toEqual(
      expect.arrayContaining([
        [{}, 3],
        [{ source: 'db' }, 1],
      ]),
    );
  });
});
