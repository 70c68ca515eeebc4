// Sampling of the trading path: parent-based at 0.25 in five processes. Kept traces are
// complete across every process they reach; rejects and dead-lettered messages are always kept, with
// everything after them, even when the head sampler dropped the start of their trace.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDemo } from '../../examples/trading-path/run.js';
import { TOPICS } from '../../examples/trading-path/services/common.js';
import type { BarBatch } from '../../examples/trading-path/services/ingest.js';
import { readLocalTelemetry, type LocalSpan, type LocalTelemetry } from '../../tools/inspect/read.js';
import { CLEAN_ENV, withEnv } from '../support/env.js';
import { childrenOf, parentOf } from './helpers.js';

const BATCHES = 40;
const CORRUPT = new Set([3, 12, 21, 30, 39]);
const ALWAYS = 'ampy.always_sample';

/** Forty one-minute bar batches shaped like the demo's scenario; five are corrupt and end in the DLQ. */
function batches(): BarBatch[] {
  return Array.from({ length: BATCHES }, (_, i) => {
    const base = 1_000_000 + i * 37_100;
    return {
      symbol: `SMP${String(i).padStart(2, '0')}`,
      mic: i % 3 ? 'XNAS' : 'XNYS',
      ...(CORRUPT.has(i) && { corrupt: true }),
      bars: Array.from({ length: 5 }, (_, k) => ({
        ts: `2025-09-05T19:3${k}:00Z`,
        open: { scaled: base + k * 700 * (i % 2 ? -1 : 1), scale: 4 },
        close: { scaled: base + (k + 1) * 700 * (i % 2 ? -1 : 1), scale: 4 },
        volume: 1000 + k * 10,
      })),
    };
  });
}

/** Span names per service of a complete trace, by how it ends. */
const COMPLETE: Record<'filled' | 'rejected' | 'dead-lettered', Record<string, string[]>> = {
  filled: {
    'ampy-ingest': ['bus.publish', 'ingest.fetch', 'ingest.publish'],
    'ampy-model-server': ['bus.consume', 'bus.publish', 'features.compute', 'model.infer', 'signals.emit'],
    'ampy-oms': ['bus.consume', 'bus.consume', 'bus.publish', 'oms.submit'],
    'broker-alpaca': ['broker.ack', 'bus.consume', 'bus.publish', 'bus.publish'],
    'ampy-positions': ['bus.consume', 'fills.update', 'positions.snapshot'],
  },
  rejected: {
    'ampy-ingest': ['bus.publish', 'ingest.fetch', 'ingest.publish'],
    'ampy-model-server': ['bus.consume', 'bus.publish', 'features.compute', 'model.infer', 'signals.emit'],
    'ampy-oms': ['bus.consume', 'bus.consume', 'bus.publish', 'oms.reject', 'oms.submit'],
    'broker-alpaca': ['broker.ack', 'bus.consume', 'bus.publish'],
  },
  'dead-lettered': {
    'ampy-ingest': ['bus.publish', 'ingest.fetch', 'ingest.publish'],
    'ampy-model-server': ['bus.consume', 'bus.dlq'],
  },
};

const shape = (spans: readonly LocalSpan[]): Record<string, string[]> => {
  const out: Record<string, string[]> = {};
  for (const s of spans) (out[s.service] ??= []).push(s.name);
  for (const names of Object.values(out)) names.sort();
  return out;
};

let dir = '';
let t: LocalTelemetry;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'ampyobs-sampling-'));
  await withEnv(CLEAN_ENV, () =>
    runDemo({ dir, env: { OBS_ENV: 'paper', OBS_SAMPLER_RATIO: '0.25' }, batches: batches(), quiet: true }),
  );
  t = readLocalTelemetry(dir);
}, 90_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('sampling at OBS_SAMPLER_RATIO=0.25 across five processes', () => {
  it('ran the whole scenario (logs and metrics are not sampled)', () => {
    expect(t.logs.filter((l) => l.event === 'bars.ingest')).toHaveLength(BATCHES);
    expect(t.logs.filter((l) => l.event === 'order.submit')).toHaveLength(BATCHES - CORRUPT.size);
    expect(
      t.points.find(
        (p) => p.service === 'ampy-ingest' && p.metric === 'ampy.bus.produced' && p.attributes['topic'] === TOPICS.bars,
      )?.value,
    ).toBe(BATCHES);
    expect(t.points.find((p) => p.metric === 'ampy.bus.dlq')?.value).toBe(CORRUPT.size);
    expect(t.points.find((p) => p.metric === 'ampy.oms.rejections')?.value).toBe(1);
    expect(new Set(t.logs.map((l) => l['env']))).toEqual(new Set(['paper']));
  });

  it('keeps roughly a quarter of the root traces', () => {
    const roots = t.spans.filter((s) => s.name === 'ingest.fetch');
    expect(roots.every((s) => s.parentSpanId === '')).toBe(true);
    console.info(`sampling: ${roots.length} of ${BATCHES} root traces kept`);
    expect(roots.length).toBeGreaterThanOrEqual(1);
    expect(roots.length).toBeLessThanOrEqual(30);
  });

  it('keeps every trace whose root was kept complete across the processes it reaches', () => {
    const roots = t.spans.filter((s) => s.name === 'ingest.fetch');
    for (const root of roots) {
      const trace = t.spans.filter((s) => s.traceId === root.traceId);
      const i = Number(String(root.attributes['symbol']).slice(3));
      const submit = trace.find((s) => s.name === 'oms.submit');
      const ending = CORRUPT.has(i)
        ? 'dead-lettered'
        : String(submit?.attributes['client_order_id']).endsWith('_003')
          ? 'rejected'
          : 'filled';
      expect(shape(trace), `trace of ${String(root.attributes['symbol'])} (${ending})`).toEqual(COMPLETE[ending]);
      for (const s of trace)
        if (s !== root) expect(parentOf(trace, s), `parent of ${s.name}@${s.service}`).toBeDefined();
      if (ending !== 'dead-lettered') expect(new Set(trace.map((s) => s.service)).size).toBeGreaterThanOrEqual(4);
    }
  });

  it('keeps no span without its parent except safety-critical ones, and nothing of a dropped trace but them and what follows', () => {
    const rootKept = new Set(t.spans.filter((s) => s.name === 'ingest.fetch').map((s) => s.traceId));
    for (const s of t.spans) {
      const parent = parentOf(t.spans, s);
      if (s.parentSpanId && !parent)
        expect(s.attributes[ALWAYS], `${s.name}@${s.service} kept without its parent`).toBe(true);
      if (rootKept.has(s.traceId)) continue;
      // In a trace whose root was dropped, walk up: the top of what was kept is a safety-critical span.
      let top = s;
      for (let p = parentOf(t.spans, top); p; p = parentOf(t.spans, top)) top = p;
      expect(top.attributes[ALWAYS], `${s.name}@${s.service} kept in a dropped trace under ${top.name}`).toBe(true);
    }
  });

  it('keeps every reject: broker.ack (rejected), the ack it publishes, the OMS consume and oms.reject', () => {
    const rejects = t.logs.filter((l) => l.event === 'order.reject');
    expect(rejects.map((l) => l['client_order_id'])).toEqual(['co_20250905_003']);
    let droppedRoots = 0;
    for (const l of rejects) {
      const coid = String(l['client_order_id']);
      const ack = t.spans.find((s) => s.name === 'broker.ack' && s.attributes['client_order_id'] === coid);
      expect(ack, `broker.ack of ${coid}`).toBeDefined();
      expect(ack!.attributes).toMatchObject({ status: 'rejected', [ALWAYS]: true });
      // The reject's log line is on the kept span: the pivot works whatever the head sampler decided.
      expect({ trace_id: l.trace_id, span_id: l['span_id'] }).toEqual({ trace_id: ack!.traceId, span_id: ack!.spanId });
      const publish = childrenOf(t.spans, ack!).find(
        (s) => s.name === 'bus.publish' && s.attributes['topic'] === TOPICS.acks,
      );
      expect(publish, 'bus.publish of the ack').toBeDefined();
      const consume = childrenOf(t.spans, publish!).find((s) => s.name === 'bus.consume' && s.service === 'ampy-oms');
      expect(consume, 'bus.consume of the ack in ampy-oms').toBeDefined();
      const reject = childrenOf(t.spans, consume!).find((s) => s.name === 'oms.reject');
      expect(reject?.attributes).toMatchObject({
        client_order_id: coid,
        reject_reason: 'risk_check',
        http_status: 429,
        [ALWAYS]: true,
      });
      if (!t.spans.some((s) => s.traceId === ack!.traceId && s.name === 'ingest.fetch')) droppedRoots++;
    }
    console.info(`sampling: ${droppedRoots} of ${rejects.length} reject traces had their root dropped`);
  });

  it('keeps every dead-lettered message: a bus.dlq span for each DLQ log line', () => {
    const dlqs = t.logs.filter((l) => l.event === 'bus.dlq');
    expect(dlqs).toHaveLength(CORRUPT.size);
    let droppedRoots = 0;
    for (const l of dlqs) {
      const span = t.spans.find((s) => s.name === 'bus.dlq' && s.attributes['message_id'] === l['message_id']);
      expect(span, `bus.dlq span of ${String(l['message_id'])}`).toBeDefined();
      expect(span!.attributes).toMatchObject({ reason: 'decode_error', topic: TOPICS.bars, [ALWAYS]: true });
      expect(span!.traceId).toBe(l.trace_id);
      if (!t.spans.some((s) => s.traceId === span!.traceId && s.name === 'ingest.fetch')) droppedRoots++;
    }
    expect(t.spans.filter((s) => s.name === 'bus.dlq')).toHaveLength(CORRUPT.size);
    console.info(`sampling: ${droppedRoots} of ${dlqs.length} DLQ traces had their root dropped`);
  });
});
