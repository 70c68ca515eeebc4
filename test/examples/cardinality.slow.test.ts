// Cardinality under stress: the trading-path handlers, in process, for thousands of
// symbols and client order ids. Every metric keeps its series within the spec's budget, and no label
// value carries a symbol or an order id: those go to logs and span attributes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../examples/trading-path/bus.js';
import { onOrder } from '../../examples/trading-path/services/broker.js';
import { TOPICS } from '../../examples/trading-path/services/common.js';
import { ingestBatch, type BarBatch } from '../../examples/trading-path/services/ingest.js';
import { onBars } from '../../examples/trading-path/services/model-server.js';
import { onAck, onSignal } from '../../examples/trading-path/services/oms.js';
import { onFill } from '../../examples/trading-path/services/positions.js';
import { init, registry } from '../../generated/index.js';
import { OVERFLOW_VALUE } from '../../runtime/index.js';
import { readLocalTelemetry, type LocalTelemetry } from '../../tools/inspect/read.js';
import { CLEAN_ENV, withEnv } from '../support/env.js';

const SYMBOLS = 3000;
/** A few undecodable batches, so the DLQ path is part of the stress too. */
const CORRUPT = new Set([7, 1700, 2900]);
const symbolOf = (i: number): string => `STRS${String(i).padStart(4, '0')}`;
const SYMBOL_RE = /STRS\d{4}/;
const ORDER_RE = /co_\d{8}_\d+/;

/** A small in-memory ampy-bus: the demo's topics routed to the handlers, each delivery in a fresh context. */
function bus(): {
  publish: (e: Envelope) => void;
  drain: () => Promise<void>;
  errors: unknown[];
  delivered: Map<string, number>;
} {
  const inflight = new Set<Promise<void>>();
  const errors: unknown[] = [];
  const delivered = new Map<string, number>();
  const routes: Record<string, (e: Envelope) => Promise<void>> = {
    [TOPICS.bars]: (e) => onBars(e, publish),
    [TOPICS.signals]: (e) => onSignal(e, publish),
    [TOPICS.orders]: (e) => onOrder(e, publish),
    [TOPICS.acks]: (e) => onAck(e),
    [TOPICS.fills]: (e) => onFill(e),
  };
  function publish(e: Envelope): void {
    const handler = routes[e.topic];
    if (!handler) {
      errors.push(new Error(`no route for ${e.topic}`));
      return;
    }
    // As on the wire: a copy, delivered later, with nothing of the producer's context but the headers.
    const copy = structuredClone(e);
    const p: Promise<void> = new Promise<void>((r) => setImmediate(r))
      .then(() => context.with(ROOT_CONTEXT, () => handler(copy)))
      .then(() => void delivered.set(e.topic, (delivered.get(e.topic) ?? 0) + 1))
      .catch((err: unknown) => void errors.push(err))
      .finally(() => inflight.delete(p));
    inflight.add(p);
  }
  const drain = async (): Promise<void> => {
    while (inflight.size) await Promise.all([...inflight]);
  };
  return { publish, drain, errors, delivered };
}

function batch(i: number): BarBatch {
  const base = 500_000 + ((i * 7919) % 4_000_000);
  return {
    symbol: symbolOf(i),
    mic: i % 2 ? 'XNAS' : 'XNYS',
    ...(CORRUPT.has(i) && { corrupt: true }),
    bars: [
      {
        ts: '2025-09-05T19:30:00Z',
        open: { scaled: base, scale: 4 },
        close: { scaled: base + (i % 2 ? -700 : 700), scale: 4 },
        volume: 1000,
      },
    ],
  };
}

let dir = '';
let t: LocalTelemetry;
let logText = '';
let stats = {
  ms: 0,
  delivered: {} as Record<string, number>,
  errors: [] as unknown[],
  drops: {} as Record<string, number>,
};

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ampyobs-stress-'));
  const logFile = path.join(dir, 'log-stress.jsonl');
  await withEnv(CLEAN_ENV, async () => {
    const obs = init({
      serviceName: 'stress',
      otlp: { endpoint: `file://${dir}` },
      logFile,
      metricIntervalMillis: 60_000,
      queue: { maxSize: 65_536, maxBatch: 4096, flushIntervalMillis: 500 },
    });
    const started = Date.now();
    const b = bus();
    try {
      // Many fetches at once, in waves, like a busy ingester.
      const WAVE = 250;
      for (let from = 0; from < SYMBOLS; from += WAVE)
        await Promise.all(
          Array.from({ length: Math.min(WAVE, SYMBOLS - from) }, (_, k) =>
            ingestBatch(batch(from + k), 'stress_run_001', b.publish),
          ),
        );
      await b.drain();
    } finally {
      stats = {
        ms: Date.now() - started,
        delivered: Object.fromEntries(b.delivered),
        errors: b.errors,
        drops: obs.status().drops,
      };
      await obs.shutdown(20_000);
    }
  });
  t = readLocalTelemetry(dir);
  logText = readFileSync(logFile, 'utf8');
  console.info(
    `stress: ${SYMBOLS} symbols through the five handlers in ${stats.ms} ms; delivered ${JSON.stringify(stats.delivered)}; drops ${JSON.stringify(stats.drops)}`,
  );
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('cardinality under stress (thousands of symbols and client order ids)', () => {
  it('pushed every symbol and order through the path', () => {
    expect(stats.errors).toEqual([]);
    const orders = SYMBOLS - CORRUPT.size;
    expect(stats.delivered).toEqual({
      [TOPICS.bars]: SYMBOLS,
      [TOPICS.signals]: orders,
      [TOPICS.orders]: orders,
      [TOPICS.acks]: orders,
      [TOPICS.fills]: orders - 1,
    });
    const sum = (metric: string, labels: Record<string, string> = {}): number =>
      t.points
        .filter((p) => p.metric === metric && Object.entries(labels).every(([k, v]) => p.attributes[k] === v))
        .reduce((n, p) => n + (p.value ?? 0), 0);
    expect(sum('ampy.bus.produced', { topic: TOPICS.bars })).toBe(SYMBOLS);
    expect(sum('ampy.oms.order_submit')).toBe(orders);
    expect(sum('ampy.oms.rejections')).toBe(1);
    expect(sum('ampy.bus.dlq')).toBe(CORRUPT.size);
  });

  it('keeps every metric within its series budget (max_series and series_estimate of the spec)', () => {
    const series = new Map<string, Set<string>>();
    for (const p of t.points) {
      const key = JSON.stringify(
        Object.keys(p.attributes)
          .sort()
          .map((k) => [k, p.attributes[k]]),
      );
      series.set(p.metric, (series.get(p.metric) ?? new Set()).add(key));
    }
    const budgets = new Map<string, (typeof registry.metrics)[number]>(registry.metrics.map((m) => [m.name, m]));
    const summary: string[] = [];
    for (const [metric, sets] of [...series].sort(([a], [b]) => a.localeCompare(b))) {
      const spec = budgets.get(metric);
      expect(spec, `${metric} is declared in the spec`).toBeDefined();
      expect(sets.size, `${metric}: series vs max_series`).toBeLessThanOrEqual(spec!.max_series);
      expect(sets.size, `${metric}: series vs series_estimate`).toBeLessThanOrEqual(spec!.series_estimate);
      summary.push(`${metric}=${sets.size}/${spec!.series_estimate}`);
    }
    console.info(`stress series (actual/estimate): ${summary.join(' ')}`);
    // The path's metrics are all there: the budget check is not vacuous.
    for (const m of [
      'ampy.bus.consumed',
      'ampy.bus.produced',
      'ampy.bus.delivery_latency_ms',
      'ampy.bus.dlq',
      'ampy.oms.order_submit',
      'ampy.oms.order_latency_ms',
      'ampy.oms.rejections',
      'ampy.oms.fills',
      'ampy.ml.inference_latency_ms',
      'ampy.positions.snapshots',
      'ampy.ingest.batch_records',
    ])
      expect(series.has(m), m).toBe(true);
    // Thousands of symbols and orders, yet a handful of series per metric.
    expect(Math.max(...[...series.values()].map((s) => s.size))).toBeLessThan(20);
  });

  it('puts no symbol or client order id in any label value (and needs no overflow bucket)', () => {
    const symbols = new Set(Array.from({ length: SYMBOLS }, (_, i) => symbolOf(i)));
    for (const p of t.points)
      for (const [k, v] of Object.entries(p.attributes)) {
        const text = String(v);
        expect(SYMBOL_RE.test(text) || symbols.has(text), `${p.metric}{${k}="${text}"} carries a symbol`).toBe(false);
        expect(ORDER_RE.test(text), `${p.metric}{${k}="${text}"} carries a client order id`).toBe(false);
        expect(text, `${p.metric}{${k}} overflowed`).not.toBe(OVERFLOW_VALUE);
      }
    expect(
      t.points.filter((p) => p.metric === 'ampy.obs.dropped' && p.attributes['reason'] === 'invalid_label'),
    ).toEqual([]);
  });

  it('keeps symbols and order ids where they belong: log lines and span attributes', () => {
    for (const i of [0, 1234, SYMBOLS - 1]) expect(logText).toContain(`"symbol":"${symbolOf(i)}"`);
    expect(logText).toContain('"client_order_id":"co_20250905_1500"');
    const submits = t.spans.filter((s) => s.name === 'oms.submit');
    expect(submits.length).toBeGreaterThan(0);
    for (const s of submits) {
      expect(String(s.attributes['client_order_id'])).toMatch(ORDER_RE);
      expect(String(s.attributes['symbol'])).toMatch(SYMBOL_RE);
    }
  });
});
