// Registering an ad-hoc metric: whatever plain JavaScript passes (types cast away), a registration that
// cannot be honoured fails with an AdhocMetricError saying what is wrong, never another error.
import { describe, expect, it } from 'vitest';
import { AdhocMetricError, counter, gauge, histogram } from '../../runtime/index.js';

type Register = (name: unknown, options?: unknown) => unknown;
const untyped = { counter, gauge, histogram } as unknown as Record<'counter' | 'gauge' | 'histogram', Register>;

function revoked(): object {
  const r = Proxy.revocable({}, {});
  r.revoke();
  return r.proxy;
}
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
