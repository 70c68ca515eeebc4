// Collector down: helper calls keep returning, queues stay bounded, every span is accounted for as
// exported or dropped (and the drops reach the self-metrics), and delivery resumes when it returns.
import { createServer, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { init, log, metrics, spans } from '../../generated/index.js';
import type { QueueStats } from '../../runtime/export-queue.js';
import { dropTotals } from '../../runtime/self-metrics.js';
import { CLEAN_ENV, withEnv } from '../support/env.js';
import { lineSink } from '../support/lines.js';
import { OtlpReceiver } from '../support/otlp-receiver.js';
import { freePort } from '../support/ports.js';

const receiver = new OtlpReceiver();
afterAll(() => receiver.stop());

/** A collector that accepts connections and never answers. */
const silent = createServer((s) => void held.push(s));
const held: Socket[] = [];
afterAll(async () => {
  for (const s of held) s.destroy();
  await new Promise((r) => silent.close(r));
});

/** Every item a queue accepted, exported or dropped for some reason. */
const settled = (q: QueueStats | undefined): number =>
  q ? q.exported + q.dropped.queue_full + q.dropped.export_failed + q.dropped.shutdown : Number.NaN;

describe('collector outage', () => {
  it('drops with counters, never blocks or throws, and resumes delivery', async () => {
    // Find a free port, then close it: the collector is "down" there.
    await receiver.startHttp();
    const port = receiver.port;
    await receiver.stop();

    await withEnv(
      { ...CLEAN_ENV, OBS_SAMPLER: 'always_on', OBS_OTLP_ENDPOINT: `http://127.0.0.1:${port}` },
      async () => {
        const obs = init({
          serviceName: 'ampy-oms',
          logDestination: lineSink().stream,
          otlp: { timeoutMillis: 300 },
          queue: { maxSize: 500, maxBatch: 100, flushIntervalMillis: 20 },
          metricIntervalMillis: 100,
        });

        const produce = (n: number, tag: string): void => {
          for (let i = 0; i < n; i++) {
            spans.oms.submit.start({ broker: 'alpaca', client_order_id: `${tag}_${i}`, side: 'buy' }).end();
            metrics.oms.orderSubmit.add(1, { broker: 'alpaca', outcome: 'ok' });
          }
        };

        // 20k spans while nothing answers: each call returns, the queue never exceeds its bound.
        let maxQueued = 0;
        for (let round = 0; round < 20; round++) {
          produce(1000, `down${round}`);
          maxQueued = Math.max(maxQueued, obs.status().traces!.queued);
          await new Promise((r) => setTimeout(r, 5));
        }
        await new Promise((r) => setTimeout(r, 400));
        const during = obs.status().traces!;
        expect(maxQueued).toBeLessThanOrEqual(500);
        expect(during.accepted).toBe(20_000);
        expect(during.exported).toBe(0);
        expect(during.dropped.queue_full).toBeGreaterThan(10_000);
        expect(during.dropped.export_failed).toBeGreaterThan(0);
        expect(during.accepted).toBe(
          during.exported + during.dropped.queue_full + during.dropped.export_failed + during.queued + during.inFlight,
        );
        expect(obs.status().errors.traces?.message).toMatch(/connection refused/);

        // The collector returns on the same address: new data arrives, and so do the drop counters.
        await receiver.startHttp({ port });
        produce(50, 'up');
        await obs.forceFlush(5000);
        await new Promise((r) => setTimeout(r, 300));
        await obs.forceFlush(5000);
        expect(receiver.spans.filter((s) => String(s.attributes['client_order_id']).startsWith('up_'))).toHaveLength(
          50,
        );

        const after = obs.status().traces!;
        await obs.shutdown(5000);
        const final = obs.status().traces!;
        expect(final.accepted).toBe(20_050);
        expect(final.accepted).toBe(
          final.exported + final.dropped.queue_full + final.dropped.export_failed + final.dropped.shutdown,
        );
        expect(final.exported).toBe(receiver.spans.length);

        const dropPoint = (reason: string): number =>
          Math.max(
            0,
            ...receiver.points
              .filter(
                (p) =>
                  p.metric === 'ampy.obs.dropped' &&
                  p.attributes['signal'] === 'traces' &&
                  p.attributes['reason'] === reason,
              )
              .map((p) => p.value ?? 0),
          );
        expect(dropPoint('queue_full')).toBe(after.dropped.queue_full);
        expect(dropPoint('export_failed')).toBe(after.dropped.export_failed);
        const failures = receiver.points.filter(
          (p) => p.metric === 'ampy.obs.export_failures' && p.attributes['signal'] === 'traces',
        );
        expect(Math.max(...failures.map((p) => p.value ?? 0))).toBeGreaterThan(0);
      },
    );
  });
});

describe('shutdown while exports are under way', () => {
  /** 20 spans, each with a log record, then shutdown(1000) against `endpoint`; the status after it. */
  async function shutDownAgainst(endpoint: string, timeoutMillis: number) {
    return withEnv({ ...CLEAN_ENV, OBS_OTLP_ENDPOINT: endpoint }, async () => {
      const obs = init({
        serviceName: 'ampy-oms',
        logDestination: lineSink().stream,
        sampler: { type: 'always_on' },
        otlp: { timeoutMillis },
        export: { metrics: false },
      });
      const before = new Map(dropTotals());
      for (let i = 0; i < 20; i++)
        spans.oms.submit({ broker: 'alpaca', client_order_id: `co_${i}`, side: 'buy' }, () =>
          log.orderSubmit({ client_order_id: `co_${i}`, broker: 'alpaca' }, 'Placed'),
        );
      await obs.shutdown(1000);
      const st = obs.status();
      const dropped = (key: string): number => (st.drops[key] ?? 0) - (before.get(key) ?? 0);
      return { st, dropped };
    });
  }

  it('a collector that never answers: what is in flight at the deadline is dropped as shutdown, counted', async () => {
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    // The exporter would wait 30 s for an answer; shutdown does not.
    const { st, dropped } = await shutDownAgainst(`http://127.0.0.1:${port}`, 30_000);
    for (const signal of ['traces', 'logs'] as const) {
      expect(st[signal]).toMatchObject({ accepted: 20, exported: 0, queued: 0, inFlight: 0 });
      expect(settled(st[signal])).toBe(20);
      expect(dropped(`${signal}:shutdown`)).toBe(20);
    }
  });

  it('a collector that refuses: the export retrying at the deadline is dropped as shutdown, counted', async () => {
    const { st, dropped } = await shutDownAgainst(`http://127.0.0.1:${await freePort()}`, 3000);
    for (const signal of ['traces', 'logs'] as const) {
      expect(st[signal]).toMatchObject({ accepted: 20, exported: 0, queued: 0, inFlight: 0 });
      expect(settled(st[signal])).toBe(20);
      expect(dropped(`${signal}:shutdown`) + dropped(`${signal}:export_failed`)).toBe(20);
    }
  });
});
