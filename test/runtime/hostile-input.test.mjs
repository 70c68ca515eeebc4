// Plain JavaScript, no types: what an untyped caller can hand to every generated helper. No helper
// throws; the application's callback runs exactly once and its result or error comes back unchanged;
// what cannot be represented is left out and counted in ampy.obs.dropped{signal, reason}.
import { Writable } from 'node:stream';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  AlwaysOnSampler,
  InMemorySpanExporter,
  ParentBasedSampler,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { busCorrelation, extractBusContext, injectBusHeaders, log, metrics, spans } from '../../generated/index.ts';
import { configureLogs, createTracing, runInScope, useProviders } from '../../runtime/index.ts';
import { dropGrowth } from '../support/hostile.ts';

class Reader extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}

const exporter = new InMemorySpanExporter();
const meterProvider = new MeterProvider({ readers: [new Reader()] });
const { tracerProvider, spans: pipeline } = createTracing({
  resource: resourceFromAttributes({ 'service.name': 'ampy-oms' }),
  sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
  processors: [new SimpleSpanProcessor(exporter)],
});
/** The providers, with the pipeline init builds helper spans on when `records`. */
const providers = (records) => ({ meterProvider, tracerProvider, ...(records && { spans: pipeline }) });
const lines = [];
beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  useProviders(providers(true));
  configureLogs({
    resource: { service: 'ampy-oms', env: 'dev', service_version: '1.0.0' },
    destination: new Writable({
      write(chunk, _enc, cb) {
        for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l));
        cb();
      },
    }),
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

/** Runs `f` and returns how much `signal:reason` grew. */
const counted = (signal, reason, f) => dropGrowth(`${signal}:${reason}`, f)[1];

const circular = () => {
  const o = { a: 1 };
  o.self = o;
  return o;
};
const throwingGetter = () =>
  Object.defineProperty({}, 'broker', {
    enumerable: true,
    get() {
      throw new Error('getter blew up');
    },
  });
const throwingProxy = () =>
  new Proxy(
    {},
    {
      get() {
        throw new Error('proxy get');
      },
      has() {
        throw new Error('proxy has');
      },
      ownKeys() {
        throw new Error('proxy ownKeys');
      },
      getPrototypeOf() {
        throw new Error('proxy getPrototypeOf');
      },
      getOwnPropertyDescriptor() {
        throw new Error('proxy descriptor');
      },
    },
  );

/** Attribute objects no typed caller could pass, each with the keys the span helper reads. */
const BAD_ATTRIBUTES = {
  null: () => null,
  undefined: () => undefined,
  number: () => 42,
  string: () => 'alpaca',
  'circular value': () => ({ broker: 'alpaca', client_order_id: circular(), side: 'buy' }),
  'throwing getter': throwingGetter,
  'throwing Proxy': throwingProxy,
  'Symbol value': () => ({ broker: 'alpaca', client_order_id: Symbol('co'), side: 'buy' }),
  'function value': () => ({ broker: 'alpaca', client_order_id: () => 'co_1', side: 'buy' }),
  'invalid Date': () => ({ broker: 'alpaca', client_order_id: new Date(Number.NaN), side: 'buy' }),
};

// Both ways a helper starts its span: records built by the runtime (what init sets up), and the SDK's
// tracer (a provider passed to useProviders alone).
describe.each([
  ['span records', true],
  ['the SDK tracer', false],
])('through %s', (_, records) => {
  beforeAll(() => useProviders(providers(records)));

  describe('span helpers, with-span form, given bad attributes', () => {
    for (const [name, make] of Object.entries(BAD_ATTRIBUTES)) {
      it(`${name}: the callback runs once, its result comes back, the span ends, the input is counted`, () => {
        let runs = 0;
        const result = { ok: true };
        let got;
        const n = counted('traces', 'invalid_field', () => {
          got = spans.oms.submit(make(), (span) => {
            runs++;
            expect(typeof span.end).toBe('function');
            return result;
          });
        });
        expect(runs).toBe(1);
        expect(got).toBe(result);
        expect(n).toBeGreaterThanOrEqual(1);
        expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['oms.submit']);
      });

      it(`${name}: the callback's error is rethrown unchanged and recorded`, () => {
        const err = new Error('broker down');
        let runs = 0;
        expect(() =>
          spans.oms.submit(make(), () => {
            runs++;
            throw err;
          }),
        ).toThrow(err);
        expect(runs).toBe(1);
        expect(exporter.getFinishedSpans()[0]?.status).toEqual({ code: 2, message: 'broker down' });
      });

      it(`${name}: async results and rejections pass through`, async () => {
        let runs = 0;
        await expect(spans.oms.submit(make(), async () => (runs++, 'filled'))).resolves.toBe('filled');
        const err = new Error('rejected later');
        await expect(spans.oms.submit(make(), async () => (runs++, Promise.reject(err)))).rejects.toBe(err);
        expect(runs).toBe(2);
        expect(exporter.getFinishedSpans()).toHaveLength(2);
      });

      it(`${name}: start() returns a span that ends`, () => {
        const n = counted('traces', 'invalid_field', () => spans.oms.submit.start(make()).end());
        expect(n).toBeGreaterThanOrEqual(1);
        expect(exporter.getFinishedSpans()).toHaveLength(1);
      });
    }

    it('keeps the good attributes next to a bad one', () => {
      spans.oms.submit({ broker: 'alpaca', client_order_id: circular(), side: 'buy' }, () => {});
      expect(exporter.getFinishedSpans()[0]?.attributes).toMatchObject({ broker: 'alpaca', side: 'buy' });
      expect(exporter.getFinishedSpans()[0]?.attributes).not.toHaveProperty('client_order_id');
    });

    it('passes a thrown non-Error, even a throwing Proxy, through as the very same value', () => {
      for (const thrown of [throwingProxy(), Symbol('x'), 42, null, undefined]) {
        let caught = 'nothing';
        try {
          spans.oms.submit({ broker: 'alpaca', client_order_id: 'co_1', side: 'buy' }, () => {
            throw thrown;
          });
        } catch (e) {
          caught = e;
        }
        // Object.is, not toBe: the matcher itself would trip over the Proxy's traps.
        expect(Object.is(caught, thrown)).toBe(true);
      }
      expect(exporter.getFinishedSpans()).toHaveLength(5);
      expect(exporter.getFinishedSpans().every((s) => s.status.code === 2)).toBe(true);
    });

    it('returns a result whose `then` getter throws as it is', () => {
      const odd = Object.defineProperty({}, 'then', {
        get() {
          throw new Error('then getter');
        },
      });
      expect(spans.oms.submit({ broker: 'alpaca', client_order_id: 'co_1', side: 'buy' }, () => odd)).toBe(odd);
      expect(exporter.getFinishedSpans()).toHaveLength(1);
    });

    it('runs a non-function callback the way JavaScript would: its TypeError is the caller’s own', () => {
      expect(() =>
        spans.oms.submit({ broker: 'alpaca', client_order_id: 'co_1', side: 'buy' }, 'not a function'),
      ).toThrow(TypeError);
      expect(exporter.getFinishedSpans()[0]?.status.code).toBe(2);
    });
  });

  describe('span options, events, exceptions and links from untyped callers', () => {
    const attrs = { broker: 'alpaca', client_order_id: 'co_1', side: 'buy' };
    const BAD_OPTIONS = [
      null,
      5,
      'parent',
      throwingProxy(),
      { parent: 'not a context' },
      { parent: throwingProxy() },
      { links: 'x' },
      { links: [null, 5, {}, { context: throwingProxy() }, { context: { traceId: 'zz', spanId: 'yy' } }] },
      { startTime: 'yesterday' },
      { startTime: Number.NaN },
    ];

    it('ignores options that are not usable, counted, and still runs the callback once', () => {
      for (const [i, options] of BAD_OPTIONS.entries()) {
        let runs = 0;
        const n = counted('traces', 'invalid_field', () =>
          expect(spans.oms.submit(attrs, () => (runs++, 'r'), options)).toBe('r'),
        );
        expect(runs, `options #${i}`).toBe(1);
        expect(n).toBeGreaterThanOrEqual(1);
        expect(() => spans.oms.submit.start(attrs, options).end()).not.toThrow();
      }
      expect(exporter.getFinishedSpans()).toHaveLength(2 * BAD_OPTIONS.length);
    });

    it('keeps good links next to bad ones', () => {
      const other = spans.oms.submit.start(attrs);
      other.end();
      spans.oms.submit(attrs, () => {}, { links: [null, other.spanContext(), { context: throwingProxy() }] });
      const [, span] = exporter.getFinishedSpans();
      expect(span?.links.map((l) => l.context.spanId)).toEqual([other.spanContext().spanId]);
    });

    it('accepts anything on the span it hands out: attributes, events, exceptions, links, status, name, end time', () => {
      const n = counted('traces', 'invalid_field', () =>
        spans.oms.submit(attrs, (span) => {
          span.setAttribute('a', circular());
          span.setAttribute('b', Symbol('b'));
          span.setAttribute('big', 2n ** 64n);
          span.setAttribute(Symbol('key'), 'v');
          span.setAttributes(throwingProxy());
          span.setAttributes(throwingGetter());
          span.setAttributes(null);
          span.addEvent('e1', throwingProxy());
          span.addEvent(throwingProxy(), { ok: 1, bad: circular() });
          span.addEvent('e3', 'not a time');
          span.recordException(throwingProxy());
          span.recordException(
            Object.defineProperty(new Error('m'), 'code', {
              get: () => {
                throw new Error('code getter');
              },
            }),
          );
          span.recordException(null);
          span.addLink(null);
          span.addLink({ context: throwingProxy() });
          span.addLinks('links');
          span.addLinks([null, { context: {} }]);
          span.setStatus(null);
          span.setStatus(throwingProxy());
          span.setStatus({ code: 7 });
          span.updateName(42);
          return 'done';
        }),
      );
      expect(n).toBeGreaterThanOrEqual(15);
      const [span] = exporter.getFinishedSpans();
      expect(span?.attributes).toMatchObject({ big: '18446744073709551616' });
      expect(span?.attributes).not.toHaveProperty('a');
      expect(span?.attributes).not.toHaveProperty('b');
      expect(span?.events.map((e) => e.name)).toEqual(expect.arrayContaining(['e1', 'e3', 'exception']));
      expect(span?.name).toBe('oms.submit');
    });

    it('ends a started span given a bad end time', () => {
      const s = spans.oms.submit.start(attrs);
      expect(() => s.end('tomorrow')).not.toThrow();
      expect(exporter.getFinishedSpans()).toHaveLength(1);
    });
  });
});

describe('bus inject and extract from untyped callers', () => {
  const envelope = {
    message_id: 'm-1',
    schema_fqdn: 'ampy.orders.v1.OrderRequest',
    topic: 'ampy/prod/orders/v1/requests',
    partition_key: 'co_1',
  };

  it('inject survives bad envelopes and carriers, keeping what is usable', () => {
    for (const [env, headers] of [
      [null, undefined],
      [42, {}],
      [throwingProxy(), {}],
      [{ ...envelope, topic: Symbol('t'), partition_key: 7 }, {}],
      [envelope, null],
      [envelope, Object.freeze({})],
      [envelope, 'headers'],
    ]) {
      let out;
      const n = counted('traces', 'invalid_field', () => {
        out = spans.bus.publish({ topic: 't', message_id: 'm-1', schema_fqdn: 's', partition_key: 'p' }, () =>
          injectBusHeaders(env, headers),
        );
      });
      expect(n).toBeGreaterThanOrEqual(1);
      expect(typeof out).toBe('object');
      expect(out.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    }
  });

  it('extract survives bad headers: an envelope of what is usable, a context without a parent', () => {
    for (const headers of [
      null,
      undefined,
      42,
      throwingProxy(),
      { traceparent: 5, message_id: {} },
      { traceparent: throwingProxy() },
      throwingGetter(),
    ]) {
      let got;
      counted('traces', 'invalid_field', () => {
        got = extractBusContext(headers);
      });
      expect(trace.getSpanContext(got.context)).toBeUndefined();
      expect(typeof got.envelope).toBe('object');
    }
    expect(busCorrelation(null)).toEqual({});
    expect(busCorrelation(throwingProxy())).toEqual({
      message_id: undefined,
      schema_fqdn: undefined,
      topic: undefined,
      partition_key: undefined,
    });
  });
});

describe('log helpers given bad fields', () => {
  const BAD_FIELDS = {
    null: () => null,
    undefined: () => undefined,
    number: () => 42,
    'circular value': () => ({ client_order_id: 'co_1', broker: 'alpaca', details: circular() }),
    'throwing getter': () =>
      Object.defineProperty({ client_order_id: 'co_1' }, 'broker', {
        enumerable: true,
        get: () => {
          throw new Error('x');
        },
      }),
    'throwing Proxy': throwingProxy,
    'Symbol value': () => ({ client_order_id: 'co_1', broker: Symbol('b') }),
    'function value': () => ({ client_order_id: 'co_1', note: () => 1 }),
    'reserved key': () => ({ client_order_id: 'co_1', level: 'fatal', message: 'spoofed' }),
  };
  for (const [name, make] of Object.entries(BAD_FIELDS)) {
    it(`${name}: writes the line with what is usable, counted, never throws`, () => {
      const n = counted('logs', 'invalid_field', () =>
        runInScope({ run_id: 'r1' }, () => log.orderSubmit(make(), 'Placed limit order')),
      );
      expect(n).toBeGreaterThanOrEqual(1);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        level: 'info',
        event: 'order.submit',
        message: 'Placed limit order',
        run_id: 'r1',
        service: 'ampy-oms',
      });
    });
  }

  it('keeps the good fields next to the bad ones and marks cycles', () => {
    log.orderSubmit({ client_order_id: 'co_1', broker: 'alpaca', details: circular() }, 'm');
    expect(lines[0]).toMatchObject({
      client_order_id: 'co_1',
      broker: 'alpaca',
      details: { a: 1, self: '[Circular]' },
    });
  });

  it('writes a message that is not a string as its text, or empty when it has none', () => {
    log.orderSubmit({ client_order_id: 'co_1' }, Symbol('msg'));
    const n = counted('logs', 'invalid_field', () => log.orderSubmit({ client_order_id: 'co_1' }, throwingProxy()));
    expect(n).toBe(1);
    expect(lines.map((l) => l.message)).toEqual(['Symbol(msg)', '']);
  });

  it('survives a getter that logs the same event while its line is being built', () => {
    const fields = {
      client_order_id: 'outer',
      get broker() {
        log.orderSubmit({ client_order_id: 'inner', broker: 'ibkr' }, 'inner line');
        return 'alpaca';
      },
    };
    log.orderSubmit(fields, 'outer line');
    expect(lines.map((l) => [l.client_order_id, l.broker, l.message])).toEqual([
      ['inner', 'ibkr', 'inner line'],
      ['outer', 'alpaca', 'outer line'],
    ]);
  });

  it('bounds the work of a huge or deeply nested value', () => {
    const wide = Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`k${i}`, i]));
    let deep = {};
    for (let i = 0; i < 100; i++) deep = { deep };
    log.orderSubmit({ client_order_id: 'co_1', wide, deep }, 'big');
    expect(Object.keys(lines[0].wide).length).toBeLessThanOrEqual(1000);
    expect(JSON.stringify(lines[0].deep)).toContain('[Truncated]');
  });
});

describe('metric helpers given labels that throw', () => {
  it('counts and skips, never throws', () => {
    for (const labels of [
      throwingGetter(),
      throwingProxy(),
      { broker: Symbol('b'), reason: 'risk_check' },
      { broker: circular(), reason: 'risk_check' },
    ]) {
      const n = counted('metrics', 'invalid_label', () => metrics.oms.rejections.add(1, labels));
      expect(n).toBeGreaterThanOrEqual(1);
    }
    const n = counted('metrics', 'invalid_value', () =>
      metrics.oms.rejections.add(10n, { broker: 'alpaca', reason: 'risk_check' }),
    );
    expect(n).toBe(1);
  });
});
