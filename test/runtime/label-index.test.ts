// One label index holds both metric paths to the spec: what the fast path's dense slot decodes to is
// what the SDK path records, values outside the spec overflow to _other, unknown keys are dropped, and
// each repair is counted once as invalid_label.
import { describe, expect, it } from 'vitest';
import { OVERFLOW_VALUE } from '../../conventions/index.js';
import { LabelIndex } from '../../runtime/label-index.js';
import { dropGrowth } from '../support/hostile.js';
import type { MetricDescriptor } from '../../runtime/types.js';

/** How many labels `fn` counted as invalid. */
const counted = <T>(fn: () => T): [T, number] => dropGrowth('metrics:invalid_label', fn);

const descriptor = (labels: MetricDescriptor['labels']): MetricDescriptor => ({
  name: 'ampy.test.m',
  instrument: 'counter',
  unit: '1',
  description: 'x',
  labels,
});
const ORDERS = descriptor([
  { name: 'broker', values: ['alpaca', 'ibkr'] },
  { name: 'topic', maxValues: 3 },
  { name: 'ok', maxValues: 2 },
]);

describe('LabelIndex', () => {
  it('keeps enum members and bounded values, and overflows what the spec does not allow, counted', () => {
    const index = new LabelIndex(ORDERS);
    expect(counted(() => index.attributes({ broker: 'alpaca', topic: 't1', ok: true }))).toEqual([
      { broker: 'alpaca', topic: 't1', ok: 'true' },
      0,
    ]);
    expect(counted(() => index.attributes({ broker: 'robinhood' }))).toEqual([{ broker: OVERFLOW_VALUE }, 1]);
    // A number and its text are one value of a bounded string.
    expect(counted(() => index.attributes({ topic: 42 }))).toEqual([{ topic: '42' }, 0]);
    expect(counted(() => index.attributes({ topic: '42' }))).toEqual([{ topic: '42' }, 0]);
    expect(counted(() => index.attributes({ topic: 't3' }))).toEqual([{ topic: 't3' }, 0]);
    // The bound (3) is reached: a fourth value overflows; the known ones still pass.
    expect(counted(() => index.attributes({ topic: 't4' }))).toEqual([{ topic: OVERFLOW_VALUE }, 1]);
    expect(counted(() => index.attributes({ topic: 't1' }))).toEqual([{ topic: 't1' }, 0]);
    expect(counted(() => index.attributes({ topic: { nested: true } }))).toEqual([{ topic: OVERFLOW_VALUE }, 1]);
  });

  it('drops unknown keys and counts each; a key left undefined is no key; a non-object is counted', () => {
    const index = new LabelIndex(ORDERS);
    expect(counted(() => index.attributes({ broker: 'ibkr', symbol: 'AAPL', client_order_id: 'co_1' }))).toEqual([
      { broker: 'ibkr' },
      2,
    ]);
    expect(counted(() => index.attributes({ broker: 'ibkr', topic: undefined, symbol: undefined }))).toEqual([
      { broker: 'ibkr' },
      0,
    ]);
    expect(counted(() => index.attributes(undefined))).toEqual([{}, 0]);
    expect(counted(() => index.attributes(null))).toEqual([{}, 0]);
    expect(counted(() => index.attributes('nonsense'))).toEqual([{}, 1]);
  });

  it('numbers label sets densely when every label is bounded, with room for overflow and absence', () => {
    const index = new LabelIndex(ORDERS);
    expect(index.dense).toBe(true);
    expect(index.size).toBe((2 + 2) * (3 + 2) * (2 + 2));
    expect(new LabelIndex(descriptor([])).size).toBe(1);
    expect(new LabelIndex(descriptor([{ name: 'route' }])).dense).toBe(false);
    expect(new LabelIndex(descriptor([{ name: 'key', maxValues: 10_001 }])).dense).toBe(false);
    expect(new LabelIndex(descriptor([{ name: 'empty', values: [] }])).dense).toBe(false);
  });

  it('answers the same attributes on both paths, with the same counts, whatever the input', () => {
    const calls: unknown[] = [
      { broker: 'alpaca', topic: 'a', ok: false },
      { broker: 'ibkr', topic: 7 },
      { broker: 'nope', topic: 'b', ok: 'maybe', extra: 1 },
      { topic: 'c' },
      { topic: 'd' },
      { topic: 7, ok: true },
      { broker: ['alpaca'] },
      {},
      undefined,
      42,
      { ok: 1 },
      { ok: 0 },
      { ok: 'false' },
    ];
    const sdk = new LabelIndex(ORDERS);
    const fast = new LabelIndex(ORDERS);
    const slots = new Set<number>();
    for (const call of calls) {
      const [attributes, sdkCount] = counted(() => sdk.attributes(call));
      const [slot, fastCount] = counted(() => fast.slot(call));
      slots.add(slot);
      expect(fast.slotAttributesOf(slot), JSON.stringify(call)).toEqual(attributes);
      expect(fastCount, JSON.stringify(call)).toBe(sdkCount);
      expect(slot).toBeGreaterThanOrEqual(0);
      expect(slot).toBeLessThan(fast.size);
    }
    // Different label sets, different slots; the same label set, the same slot.
    expect(fast.slot({ topic: 7, ok: true })).toBe(fast.slot({ ok: 'true', topic: '7' }));
    expect(slots.size).toBe(new Set(calls.map((c) => JSON.stringify(sdk.attributes(c)))).size);
  });

  it('records a required label left out as the overflow value, counted, on both paths alike', () => {
    const REQUIRED = descriptor([
      { name: 'broker', values: ['alpaca', 'ibkr'], required: true },
      { name: 'topic', maxValues: 3, required: true },
      { name: 'ok', maxValues: 2 },
    ]);
    const cases: [unknown, Record<string, string>, number][] = [
      [{}, { broker: OVERFLOW_VALUE, topic: OVERFLOW_VALUE }, 2],
      [null, { broker: OVERFLOW_VALUE, topic: OVERFLOW_VALUE }, 2],
      [undefined, { broker: OVERFLOW_VALUE, topic: OVERFLOW_VALUE }, 2],
      // Not an object: counted as that, and each required label as missing.
      ['alpaca', { broker: OVERFLOW_VALUE, topic: OVERFLOW_VALUE }, 3],
      [{ broker: 'ibkr', ok: true }, { broker: 'ibkr', topic: OVERFLOW_VALUE, ok: 'true' }, 1],
      [{ broker: 'ibkr', topic: undefined }, { broker: 'ibkr', topic: OVERFLOW_VALUE }, 1],
      [{ broker: 'ibkr', topic: 't1' }, { broker: 'ibkr', topic: 't1' }, 0],
    ];
    const sdk = new LabelIndex(REQUIRED);
    const fast = new LabelIndex(REQUIRED);
    for (const [call, attributes, n] of cases) {
      expect(
        counted(() => sdk.attributes(call)),
        JSON.stringify(call),
      ).toEqual([attributes, n]);
      const [slot, fastCount] = counted(() => fast.slot(call));
      expect([fast.slotAttributesOf(slot), fastCount], JSON.stringify(call)).toEqual([attributes, n]);
    }
    // A label of any string is held the same way.
    expect(counted(() => new LabelIndex(descriptor([{ name: 'route', required: true }])).attributes({}))).toEqual([
      { route: OVERFLOW_VALUE },
      1,
    ]);
    // Auto-instrumentation leaves one out for a reason (no route matched): recorded the same, not counted.
    expect(counted(() => new LabelIndex(REQUIRED, false).attributes({ broker: 'ibkr' }))).toEqual([
      { broker: 'ibkr', topic: OVERFLOW_VALUE },
      0,
    ]);
  });
});
