import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  countDropped,
  countExportFailure,
  noteExportError,
  noteExportSuccess,
  type DropReason,
  type Signal,
} from './self-metrics.js';

export interface ExportQueueOptions<T> {
  readonly signal: Signal;
  readonly maxSize: number;
  readonly maxBatch: number;
  readonly flushIntervalMillis: number;
  /** Sends one batch; resolves with the exporter's result (never rejects). */
  readonly send: (batch: T[]) => Promise<ExportResult>;
}

/** Why a queue drops items (those members of the spec's drop_reason). */
type QueueDropReason = Extract<DropReason, 'queue_full' | 'export_failed' | 'shutdown'>;

/**
 * Counters of one queue: every item accepted is exported, dropped (by reason), queued or in flight, so
 * accepted = exported + dropped + queued + inFlight at any time.
 */
export interface QueueStats {
  readonly accepted: number;
  readonly exported: number;
  readonly dropped: Readonly<Record<QueueDropReason, number>>;
  readonly queued: number;
  readonly inFlight: number;
}

/**
 * A bounded export queue: push() never blocks and never throws; when the queue is full the item is
 * dropped and counted. One export is in flight at a time, so a dead collector costs at most one
 * pending request and maxSize items of memory.
 */
export class ExportQueue<T> {
  private buffer: T[] = [];
  private inFlight: Promise<void> | undefined;
  private inFlightCount = 0;
  /** Marks the export in flight as counted already (at shutdown), so that its outcome is not counted again. */
  private abandonInFlight: (() => void) | undefined;
  private readonly timer: NodeJS.Timeout;
  private closed = false;
  private stats = { accepted: 0, exported: 0, queue_full: 0, export_failed: 0, shutdown: 0 };

  constructor(private readonly opts: ExportQueueOptions<T>) {
    this.timer = setInterval(() => void this.flushOnce(), opts.flushIntervalMillis);
    this.timer.unref();
  }

  /** Accepts an item, or drops and counts it when the queue is full or closed. */
  push(item: T): void {
    this.stats.accepted++;
    if (this.closed) {
      this.drop(1, 'shutdown');
      return;
    }
    if (this.buffer.length >= this.opts.maxSize) {
      this.drop(1, 'queue_full');
      return;
    }
    this.buffer.push(item);
    if (this.buffer.length >= this.opts.maxBatch && !this.inFlight) void this.flushOnce();
  }

  private drop(n: number, reason: QueueDropReason): void {
    this.stats[reason] += n;
    countDropped(this.opts.signal, reason, n);
  }

  /** Starts one export if none is running; resolves when that export settles. */
  private flushOnce(): Promise<void> {
    if (this.inFlight || this.buffer.length === 0) return this.inFlight ?? Promise.resolve();
    const batch = this.buffer.splice(0, this.opts.maxBatch);
    let abandoned = false;
    this.abandonInFlight = () => void (abandoned = true);
    this.inFlightCount = batch.length;
    this.inFlight = this.opts
      .send(batch)
      .catch((error: unknown) => ({
        code: ExportResultCode.FAILED,
        error: error instanceof Error ? error : new Error(String(error)),
      }))
      .then((result) => {
        if (abandoned) return;
        if (result.code === ExportResultCode.SUCCESS) {
          this.stats.exported += batch.length;
          noteExportSuccess(this.opts.signal);
        } else {
          this.drop(batch.length, 'export_failed');
          countExportFailure(this.opts.signal);
          noteExportError(this.opts.signal, result.error);
        }
      })
      .finally(() => {
        if (abandoned) return;
        this.inFlight = undefined;
        this.inFlightCount = 0;
        this.abandonInFlight = undefined;
      });
    return this.inFlight;
  }

  /** Exports everything queued, batch after batch, until empty or the deadline passes. */
  async flush(deadline: number): Promise<void> {
    while ((this.buffer.length || this.inFlight) && Date.now() < deadline)
      await untilDeadline(this.flushOnce(), deadline);
  }

  /**
   * Flushes until the deadline, then drops (and counts) whatever is left, queued or in flight; later
   * pushes are dropped too. An export still under way is not waited for: its items are counted as
   * dropped now, so that accepted = exported + dropped once shutdown resolves, and whatever it ends with
   * later is not counted again.
   */
  async shutdown(deadline: number): Promise<void> {
    if (this.closed) return;
    await this.flush(deadline);
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    let left = this.buffer.length;
    this.buffer = [];
    if (this.inFlight) {
      this.abandonInFlight?.();
      left += this.inFlightCount;
      this.inFlight = undefined;
      this.inFlightCount = 0;
      this.abandonInFlight = undefined;
    }
    if (left) this.drop(left, 'shutdown');
  }

  /** How many items the queue holds at most. */
  get capacity(): number {
    return this.opts.maxSize;
  }

  /** Current counters. */
  snapshot(): QueueStats {
    const { accepted, exported, queue_full, export_failed, shutdown } = this.stats;
    return {
      accepted,
      exported,
      dropped: { queue_full, export_failed, shutdown },
      queued: this.buffer.length,
      inFlight: this.inFlightCount,
    };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

/** Waits for `work`, but not past the deadline (the work goes on; its outcome is counted when it settles). */
export async function untilDeadline(work: Promise<unknown>, deadline: number): Promise<void> {
  await Promise.race([work, sleep(Math.max(0, deadline - Date.now()))]);
}
