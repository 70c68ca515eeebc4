// The escape hatch called as plain JavaScript would call it (types cast away): loggers, logOperation,
// runInScope and ad-hoc spans never throw into the application, a callback runs exactly once with its
// result or error passed through, and what cannot be used is counted in ampy.obs.dropped.
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  activeTraceIds,
  configureLogs,
  createTracing,
  logger,
  logOperation,
  runInScope,
  scopeValues,
  trace,
  useProviders,
  withScopeValues,
} from '../../runtime/index.js';
import { MAX_VALUE_LENGTH } from '../../runtime/redact.js';
import { dropGrowth, revoked } from '../support/hostile.js';
import { lineSink } from '../support/lines.js';

const exporter = new InMemorySpanExporter();
const sink = lineSink();
const { lines } = sink;

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  useProviders(
    createTracing({
      resource: resourceFromAttributes({ 'service.name': 'acme-web' }),
      sampler: new AlwaysOnSampler(),
      processors: [new SimpleSpanProcessor(exporter)],
    }),
  );
  configureLogs({
    resource: { service: 'acme-web', env: 'dev', service_version: '1.0.0' },
    destination: sink.stream,
  });
});
afterAll(() => {
  useProviders({});
  context.disable();
});
beforeEach(() => {
  exporter.reset();
  lines.length = 0;
});

/** How much `logs:invalid_field` grew while `f` ran, and what `f` returned. */
const counted = <T>(f: () => T): [T, number] => dropGrowth('logs:invalid_field', f);

const prototypeThrows = (): object =>
  new Proxy(
    {},
    {
      getPrototypeOf() {
        throw 1;
      },
    },
  );
const toStringThrows = (): object => ({
  toString() {
    throw new Error('no text');
  },
});

type UntypedLogger = Record<'debug' | 'info' | 'warn' | 'error', (message: unknown, fields?: unknown) => void> & {
  child(fields: unknown): UntypedLogger;
};
const untypedLogOperation = logOperation as (log: unknown, name: unknown, fn: unknown, fields?: unknown) => unknown;
const untypedRunInScope = runInScope as (values: unknown, fn: unknown) => unknown;

describe('a free-form logger given what no typed caller could pass', () => {
  const log = logger('acme.web') as unknown as UntypedLogger;
  const BAD = { 'a Proxy whose getPrototypeOf throws': prototypeThrows, 'a revoked Proxy': revoked };

  for (const level of ['debug', 'info', 'warn', 'error'] as const)
    for (const [what, make] of Object.entries(BAD)) {
      it(`${level}: ${what} as fields, or as the message, writes the line, counting what it cannot read`, () => {
        const [, n] = counted(() => {
          log[level]('fields', make());
          log[level](make(), { order_id: '42' });
        });
        // The first Proxy reads as an empty object, except to error's check for an Error in its place.
        expect(n > 0).toBe(what === 'a revoked Proxy' || level === 'error');
        expect(lines.map((l) => [l['level'], typeof l['message'], l['order_id']])).toEqual([
          [level, 'string', undefined],
          [level, 'string', '42'],
        ]);
        expect(lines.every((l) => l['component'] === 'acme.web' && l['adhoc'] === true)).toBe(true);
      });

      it(`${level}: ${what} as a field value, or bound by a child logger, keeps the other fields`, () => {
        log.child({ bad: make(), request_id: 'req_9' })[level]('nested', { inner: { deeper: make() }, ok: 1 });
        expect(lines).toHaveLength(1);
        expect(lines[0]).toMatchObject({ request_id: 'req_9', ok: 1, message: 'nested' });
      });
    }

  it('error: a child logger bound to a revoked Proxy still writes, with the stack of the call', () => {
    const [, n] = counted(() => log.child(revoked()).error('failed', revoked()));
    expect(n).toBeGreaterThanOrEqual(1);
    expect(lines).toHaveLength(1);
    expect(String(lines[0]!['stack'])).toContain('escape-hatch.test');
  });

  it('error: an Error passed in place of the fields is still written with its type and message', () => {
    log.error('failed', new RangeError('too far'));
    expect(lines[0]!['error']).toMatchObject({ type: 'RangeError', message: 'too far' });
  });
});

describe('logOperation given what no typed caller could pass', () => {
  const log = logger('acme.jobs');
  const NAMES: Record<string, () => unknown> = {
    'a Symbol': () => Symbol('load'),
    'an object whose toString throws': toStringThrows,
    'a revoked Proxy': revoked,
    'a number': () => 7,
  };

  for (const [what, make] of Object.entries(NAMES)) {
    it(`${what} as the name: the operation runs once, its result comes back, the name is counted`, () => {
      let runs = 0;
      const result = { rows: 3 };
      const [got, n] = counted(() =>
        untypedLogOperation(log, make(), () => {
          runs++;
          return result;
        }),
      );
      expect(runs).toBe(1);
      expect(got).toBe(result);
      expect(n).toBe(1);
      expect(lines.map((l) => l['outcome'] ?? 'started')).toEqual(['started', 'ok']);
    });

    it(`${what} as the name: the operation's error comes back unchanged, and its promise settles the same`, async () => {
      const boom = new Error('boom');
      let runs = 0;
      expect(() =>
        untypedLogOperation(log, make(), () => {
          runs++;
          throw boom;
        }),
      ).toThrow(boom);
      await expect(
        untypedLogOperation(log, make(), () => {
          runs++;
          return Promise.reject(boom);
        }),
      ).rejects.toBe(boom);
      await expect(untypedLogOperation(log, make(), () => (runs++, Promise.resolve('done')))).resolves.toBe('done');
      expect(runs).toBe(3);
      expect(lines.map((l) => l['outcome'] ?? 'started')).toEqual([
        'started',
        'error',
        'started',
        'error',
        'started',
        'ok',
      ]);
    });
  }

  it('a logger, or fields, that cannot be used: the operation runs once, its result comes back, counted', () => {
    for (const bad of [null, undefined, 'log', revoked(), { info: 1 }]) {
      let runs = 0;
      const [got, n] = counted(() => untypedLogOperation(bad, 'load', () => ++runs));
      expect(got).toBe(1);
      expect(n).toBeGreaterThanOrEqual(1);
    }
    let runs = 0;
    const [got, n] = counted(() => untypedLogOperation(log, 'load', () => ++runs, revoked()));
    expect([got, n]).toEqual([1, 1]);
    expect(lines.at(-1)).toMatchObject({ operation: 'load', outcome: 'ok' });
  });

  it('a result whose getPrototypeOf throws comes back as it is', () => {
    const odd = prototypeThrows();
    expect(untypedLogOperation(log, 'load', () => odd)).toBe(odd);
  });
});

describe('runInScope given what no typed caller could pass', () => {
  const SCOPES: Record<string, () => unknown> = {
    null: () => null,
    undefined: () => undefined,
    'a string': () => 'run_1',
    'a throwing getter': () => ({
      get run_id(): string {
        throw new Error('getter');
      },
    }),
    'a revoked Proxy': revoked,
    'an array': () => ['run_1'],
  };

  for (const [what, make] of Object.entries(SCOPES))
    it(`${what}: the function runs once in the outer scope, its result comes back, the scope is counted`, () => {
      let runs = 0;
      const [got, n] = counted(() =>
        runInScope({ run_id: 'outer' }, () =>
          untypedRunInScope(make(), () => {
            runs++;
            logger('acme.web').info('inside');
            return 'result';
          }),
        ),
      );
      expect([runs, got, n]).toEqual([1, 'result', 1]);
      // The outer scope stays; nothing of the bad one (a string's characters as keys '0', '1'…) is added.
      expect(lines).toHaveLength(1);
      expect(lines[0]!['run_id']).toBe('outer');
      expect(Object.keys(lines[0]!)).not.toContain('0');
    });

  it("the function's error comes back unchanged", () => {
    const boom = new Error('boom');
    expect(() =>
      untypedRunInScope(null, () => {
        throw boom;
      }),
    ).toThrow(boom);
  });

  it('a huge string, as the scope or as a value, costs bounded work: values are cut as log fields are', () => {
    const huge = 'x'.repeat(5_000_000);
    let runs = 0;
    untypedRunInScope(huge, () => runs++);
    runInScope({ run_id: huge, symbol: 'AAPL' }, () => {
      runs++;
      logger('acme.web').info('inside');
      trace('quotes.refresh', () => undefined);
    });
    expect(runs).toBe(2);
    const [span] = exporter.getFinishedSpans();
    const onSpan = String(span!.attributes['run_id']);
    expect(onSpan.length).toBeLessThan(MAX_VALUE_LENGTH + 64);
    expect(onSpan).toMatch(/^x+…\[truncated 4934464 chars\]$/);
    expect(lines[0]!['run_id']).toBe(onSpan);
    expect(span!.attributes['symbol']).toBe('AAPL');
  });

  it('a scope holds at most 128 values, outer ones included; the rest are left out, counted once', () => {
    const many = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, `v${i}`]));
    const [, n] = counted(() =>
      runInScope({ run_id: 'outer' }, () => runInScope(many, () => logger('acme.web').info('inside'))),
    );
    expect(n).toBe(1);
    const keys = Object.keys(lines[0]!).filter((k) => /^k\d+$/.test(k));
    expect(keys).toHaveLength(127);
    expect(lines[0]!['run_id']).toBe('outer');
  });

  it('scopeValues and activeTraceIds given a context that is not one answer none, counted once each', () => {
    for (const bad of [
      null,
      'ctx',
      { getValue: 1 },
      revoked(),
      {
        getValue: () => {
          throw new Error('x');
        },
      },
    ]) {
      const [values, n] = counted(() => (scopeValues as (c: unknown) => unknown)(bad));
      const [ids, m] = counted(() => (activeTraceIds as (c: unknown) => unknown)(bad));
      expect([values, n, ids, m]).toEqual([{}, 1, {}, 1]);
    }
  });

  it('withScopeValues given a context that is not one puts the values on the active context, counted', () => {
    const [ctx, n] = counted(() => withScopeValues({ run_id: 'r1' }, { getValue: 1 } as never));
    expect(n).toBe(1);
    context.with(ctx, () => logger('acme.web').info('inside'));
    expect(lines[0]!['run_id']).toBe('r1');
  });
});

describe('an ad-hoc span given a name that is not a string', () => {
  it('runs its callback once, names the span as String() gives it, and counts the name once', () => {
    let runs = 0;
    const [, n] = dropGrowth('traces:invalid_field', () => {
      (trace as unknown as (n: unknown, fn: () => void) => void)(Symbol('sym'), () => runs++);
      (trace as unknown as (n: unknown, fn: () => void) => void)(toStringThrows(), () => runs++);
    });
    expect(runs).toBe(2);
    expect(n).toBe(2);
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['Symbol(sym)', 'adhoc']);
  });
});
