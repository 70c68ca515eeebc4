// What `ampyobs emit` reports as delivered comes from the exporters' results: the span and log queues'
// counters, and for metrics whether the last (cumulative) export went through.
import { describe, expect, it } from 'vitest';
import type { ObsStatus } from '../../runtime/index.js';
import type { QueueStats } from '../../runtime/export-queue.js';
import { delivery } from '../../tools/emit/delivery.js';

const ALL = { traces: true, metrics: true, logs: true };
const RECORDED = { points: 120, metrics: 3, spanKinds: 2, eventKinds: 1 };

function queue(accepted: number, exported: number, failed = 0, more: Partial<QueueStats> = {}): QueueStats {
  return {
    accepted,
    exported,
    dropped: { queue_full: 0, export_failed: failed, shutdown: 0 },
    queued: 0,
    inFlight: 0,
    ...more,
  };
}

function status(more: Partial<ObsStatus> = {}): ObsStatus {
  return { traces: queue(4, 4), logs: queue(2, 2), drops: {}, errors: {}, ...more };
}

describe('emit delivery', () => {
  it('is complete when every span and log record was exported and the last metrics export succeeded', () => {
    expect(delivery(status(), { metrics: 1000 }, ALL, RECORDED)).toEqual({
      lines: [
        '  metrics  120 observations of 3 metrics: delivered by the last export',
        '  spans    4 of 4 delivered (2 kinds)',
        '  logs     2 of 2 delivered (1 kind)',
      ],
      complete: true,
      nothing: false,
      reasons: [],
    });
  });

  it('is nothing when every export failed, with the reason in words', () => {
    const refused = { message: 'connection refused (is the collector running?) [ECONNREFUSED]', at: 2000 };
    const d = delivery(
      status({
        traces: queue(4, 0, 1, { inFlight: 3 }),
        logs: queue(2, 0, 2),
        drops: { 'metrics:export_failed': 40, 'metrics:export_failures': 1 },
        errors: { traces: refused, logs: refused, metrics: refused },
      }),
      {},
      ALL,
      RECORDED,
    );
    expect(d.lines).toEqual([
      '  metrics  120 observations of 3 metrics: not delivered, the last export failed (40 points dropped by failed exports)',
      '  spans    0 of 4 delivered (2 kinds), 1 failed to export, 3 not confirmed by the deadline',
      '  logs     0 of 2 delivered (1 kind), 2 failed to export',
    ]);
    expect(d).toMatchObject({ complete: false, nothing: true, reasons: [refused.message] });
  });

  it('is partial when some went through: metrics after an earlier failure count, a later failure does not', () => {
    const timedOut = { message: 'the export timed out', at: 2000 };
    const recovered = delivery(
      status({ drops: { 'metrics:export_failed': 5 }, errors: { metrics: timedOut } }),
      { metrics: 3000 },
      ALL,
      RECORDED,
    );
    expect(recovered.complete).toBe(true);
    expect(recovered.lines[0]).toBe(
      '  metrics  120 observations of 3 metrics: delivered by the last export (5 points dropped by failed exports)',
    );
    const lost = delivery(status({ errors: { metrics: timedOut } }), { metrics: 1000 }, ALL, RECORDED);
    expect(lost).toMatchObject({ complete: false, nothing: false, reasons: ['the export timed out'] });
  });

  it('does not count a signal whose export is switched off, and counts drops before export', () => {
    const d = delivery(
      status({ drops: { 'metrics:invalid_value': 2 } }),
      {},
      { traces: true, metrics: false, logs: true },
      RECORDED,
    );
    expect(d.lines).toEqual([
      '  metrics  120 observations of 3 metrics; not exported (switched off)',
      '  spans    4 of 4 delivered (2 kinds)',
      '  logs     2 of 2 delivered (1 kind)',
      '  2 dropped before export (see ampy.obs.dropped)',
    ]);
    expect(d).toMatchObject({ complete: false, nothing: false });
  });
});
