// The bounded export queue under spans and log records: it holds at most maxSize items, sends batches of
// at most maxBatch with one export in flight, accounts for every item (exported, dropped by reason,
// queued or in flight), and its flush and close honour their deadlines even when the collector hangs.
import { createServer, type Server, type Socket } from 'node:net';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../runtime/config.js';
import { ExportQueue, type QueueStats } from '../../runtime/export-queue.js';
import { createSpanExporter } from '../../runtime/exporters.js';
import { QueueSpanProcessor } from '../../runtime/processors.js';
import { dropTotals, exportErrors } from '../../runtime/self-metrics.js';

const SUCCESS: ExportResult = { code: ExportResultCode.SUCCESS };
const FAILED: ExportResult = {
  code: ExportResultCode.FAILED,
  error: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
};

/**
 * The queue's send: records each batch and settles it with `result`, at once or when released. What a
 * send does with a batch is the exporter's business; the queue's contract is this function.
 */
class Sends {
  readonly batches: number[][] = [];
  private readonly held: ((r: ExportResult) => void)[] = [];
  constructor(
    private hold: boolean,
    private result: ExportResult = SUCCESS,
  ) {}
  readonly send = (batch: number[]): Promise<ExportResult> => {
    this.batches.push([...batch]);
    return this.hold ? new Promise((r) => this.held.push(r)) : Promise.resolve(this.result);
  };
  get pending(): number {
    return this.held.length;
  }
  /** Settles the held sends; later sends settle at once. */
  release(result: ExportResult = this.result): void {
    this.hold = false;
    this.result = result;
    for (const r of this.held.splice(0)) r(result);
  }
}

const queues: ExportQueue<number>[] = [];
function queue(
  sends: Sends,
  bounds: { maxSize: number; maxBatch: number; flushIntervalMillis?: number },
): ExportQueue<number> {
  const q = new ExportQueue<number>({ signal: 'logs', flushIntervalMillis: 60_000, ...bounds, send: sends.send });
  queues.push(q);
  return q;
}
afterAll(async () => {
  for (const q of queues) await q.shutdown(Date.now());
});

const pushAll = (q: ExportQueue<number>, from: number, n: number): void => {
  for (let i = from; i < from + n; i++) q.push(i);
};
const total = (key: string): number => dropTotals().get(key) ?? 0;
/** Every item pushed is exported, dropped for a reason, queued or in flight. */
const accountedFor = (s: QueueStats): number =>
  s.exported + s.dropped.queue_full + s.dropped.export_failed + s.dropped.shutdown + s.queued + s.inFlight;
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('ExportQueue', () => {
  it('holds at most maxSize items while an export is in flight, and drops the rest as queue_full, counted', async () => {
    const sends = new Sends(true);
    const q = queue(sends, { maxSize: 4, maxBatch: 4 });
    const before = total('logs:queue_full');
    pushAll(q, 0, 4); // a full batch goes out at once and stays in flight
    pushAll(q, 4, 6); // four fit, two do not
    expect(sends.batches).toEqual([[0, 1, 2, 3]]);
    expect(q.snapshot()).toEqual({
      accepted: 10,
      exported: 0,
      dropped: { queue_full: 2, export_failed: 0, shutdown: 0 },
      queued: 4,
      inFlight: 4,
    });
    expect(total('logs:queue_full') - before).toBe(2);
    sends.release();
    await q.flush(Date.now() + 5000);
    expect(sends.batches).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    expect(q.snapshot()).toMatchObject({ accepted: 10, exported: 8, queued: 0, inFlight: 0 });
    expect(accountedFor(q.snapshot())).toBe(10);
  });

  it('sends batches of at most maxBatch, one at a time, in order', async () => {
    const sends = new Sends(true);
    const q = queue(sends, { maxSize: 100, maxBatch: 3 });
    pushAll(q, 0, 10);
    // The first full batch went out; the others wait for it, whatever fills up behind.
    expect(sends.batches).toEqual([[0, 1, 2]]);
    expect(sends.pending).toBe(1);
    expect(q.snapshot()).toMatchObject({ queued: 7, inFlight: 3 });
    const flushed = q.flush(Date.now() + 5000);
    for (let i = 0; i < 10 && sends.pending < 2; i++) await tick();
    expect(sends.pending).toBe(1);
    sends.release();
    await flushed;
    expect(sends.batches).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]);
    expect(q.snapshot()).toMatchObject({ accepted: 10, exported: 10, queued: 0, inFlight: 0 });
  });

  it('sends a partial batch on the flush interval', async () => {
    const sends = new Sends(false);
    const q = queue(sends, { maxSize: 10, maxBatch: 5, flushIntervalMillis: 10 });
    pushAll(q, 0, 2);
    expect(sends.batches).toEqual([]);
    await vi.waitFor(() => expect(sends.batches).toEqual([[0, 1]]));
    await vi.waitFor(() => expect(q.snapshot().exported).toBe(2));
  });

  it('drops a batch whose export failed as export_failed, and counts the failure and its cause', async () => {
    const sends = new Sends(false, FAILED);
    const q = queue(sends, { maxSize: 10, maxBatch: 3 });
    const [dropped, failures] = [total('logs:export_failed'), total('logs:export_failures')];
    pushAll(q, 0, 4);
    await q.flush(Date.now() + 5000);
    expect(sends.batches).toEqual([[0, 1, 2], [3]]);
    expect(q.snapshot()).toEqual({
      accepted: 4,
      exported: 0,
      dropped: { queue_full: 0, export_failed: 4, shutdown: 0 },
      queued: 0,
      inFlight: 0,
    });
    expect(total('logs:export_failed') - dropped).toBe(4);
    expect(total('logs:export_failures') - failures).toBe(2);
    expect(exportErrors().logs?.message).toBe('connection refused (is the collector running?) [ECONNREFUSED]');
  });

  it('a send that throws or rejects is a failed export, never an unhandled rejection', async () => {
    const q = new ExportQueue<number>({
      signal: 'logs',
      maxSize: 10,
      maxBatch: 1,
      flushIntervalMillis: 60_000,
      send: () => Promise.reject(new Error('socket hang up')),
    });
    queues.push(q);
    q.push(1);
    await q.flush(Date.now() + 5000);
    expect(q.snapshot().dropped.export_failed).toBe(1);
  });

  it('flush returns at its deadline while an export hangs, leaving the items in flight and queued', async () => {
    const sends = new Sends(true);
    const q = queue(sends, { maxSize: 10, maxBatch: 2 });
    pushAll(q, 0, 3);
    await q.flush(Date.now() + 50);
    expect(q.snapshot()).toMatchObject({ exported: 0, inFlight: 2, queued: 1 });
    sends.release();
  });

  it('shutdown flushes until its deadline, then drops what is left, queued or in flight, as shutdown, and every later push too', async () => {
    const sends = new Sends(true);
    const q = queue(sends, { maxSize: 10, maxBatch: 3 });
    const before = total('logs:shutdown');
    pushAll(q, 0, 5);
    await q.shutdown(Date.now() + 50);
    // Once shutdown has resolved, every item is exported or dropped: nothing is left uncounted in flight.
    expect(q.snapshot()).toEqual({
      accepted: 5,
      exported: 0,
      dropped: { queue_full: 0, export_failed: 0, shutdown: 5 },
      queued: 0,
      inFlight: 0,
    });
    q.push(99);
    expect(q.snapshot()).toMatchObject({ accepted: 6, dropped: { shutdown: 6 } });
    expect(total('logs:shutdown') - before).toBe(6);
    expect(accountedFor(q.snapshot())).toBe(6);
    expect(sends.batches).toEqual([[0, 1, 2]]);
  });

  it.each([
    ['succeeds', SUCCESS],
    ['fails', FAILED],
  ])('an export abandoned at shutdown that %s later is not counted again', async (_, result) => {
    const sends = new Sends(true);
    const q = queue(sends, { maxSize: 10, maxBatch: 3 });
    const keys = ['logs:shutdown', 'logs:export_failed', 'logs:export_failures'];
    const before = keys.map(total);
    pushAll(q, 0, 3);
    await q.shutdown(Date.now() + 50);
    sends.release(result);
    for (let i = 0; i < 10; i++) await tick();
    expect(q.snapshot()).toMatchObject({ exported: 0, dropped: { export_failed: 0, shutdown: 3 }, inFlight: 0 });
    expect(accountedFor(q.snapshot())).toBe(3);
    expect(keys.map((k, i) => total(k) - before[i]!)).toEqual([3, 0, 0]);
    // A second shutdown (the provider's, after init's) changes nothing either.
    await q.shutdown(Date.now() + 50);
    expect(total('logs:shutdown') - before[0]!).toBe(3);
  });
});

describe('QueueSpanProcessor against a collector that accepts connections and never answers', () => {
  let server: Server;
  const sockets: Socket[] = [];
  let endpoint: string;
  beforeAll(async () => {
    server = createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });

  it('flushUntil and close return by their deadlines, not the exporter timeout; what is left, in flight too, is dropped as shutdown', async () => {
    // The exporter would wait 30 s for an answer; the deadlines are far shorter.
    const cfg = resolveConfig({ otlp: { endpoint, timeoutMillis: 30_000 } }, {});
    const processor = new QueueSpanProcessor(createSpanExporter(cfg), {
      maxSize: 100,
      maxBatch: 2,
      flushIntervalMillis: 60_000,
    });
    const tracer = new BasicTracerProvider({ spanProcessors: [processor] }).getTracer('test');
    for (let i = 0; i < 5; i++) tracer.startSpan(`s${i}`).end();
    await vi.waitFor(() => expect(sockets.length).toBeGreaterThan(0));
    expect(processor.stats()).toMatchObject({ inFlight: 2, queued: 3 });

    const race = <T>(p: Promise<T>): Promise<T | 'still waiting'> =>
      Promise.race([p, new Promise<'still waiting'>((r) => setTimeout(() => r('still waiting'), 10_000))]);
    await expect(race(processor.flushUntil(Date.now() + 100).then(() => 'returned'))).resolves.toBe('returned');
    await expect(race(processor.close(Date.now() + 100).then(() => 'returned'))).resolves.toBe('returned');
    // The two spans in flight will not be waited for: dropped as shutdown with the three queued.
    expect(processor.stats()).toMatchObject({ accepted: 5, exported: 0, queued: 0, inFlight: 0 });
    expect(processor.stats().dropped).toEqual({ queue_full: 0, export_failed: 0, shutdown: 5 });
  });
});
