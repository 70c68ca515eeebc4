// What `ampyobs emit` delivered, signal by signal, from the exporters' own results: the queue counters
// of spans and log records, and for metrics whether the last export (cumulative: every series' totals)
// went through. What was only recorded is never reported as sent.
import type { ObsStatus } from '../../runtime/index.js';
import type { QueueStats } from '../../runtime/export-queue.js';
import type { Signal } from '../../runtime/self-metrics.js';

/** What emit recorded, for the report. */
export interface Recorded {
  readonly points: number;
  readonly metrics: number;
  readonly spanKinds: number;
  readonly eventKinds: number;
}

export interface Delivery {
  /** One line per signal. */
  readonly lines: readonly string[];
  /** Everything exported was delivered, and nothing was dropped on the way. */
  readonly complete: boolean;
  /** Not one signal delivered anything. */
  readonly nothing: boolean;
  /** The latest export error of each failing signal, in words. */
  readonly reasons: readonly string[];
}

/** Drop reasons an export accounts for; any other drop happened before export (ampy.obs.dropped). */
const EXPORT_ACCOUNTED = new Set(['export_failed', 'export_failures', 'queue_full', 'shutdown']);

/**
 * The delivery of each signal: `status` and `successes` read after the final flush, before shutdown
 * (which clears the export errors). `exported` says which signals were exported at all.
 */
export function delivery(
  status: ObsStatus,
  successes: Readonly<Partial<Record<Signal, number>>>,
  exported: Readonly<Record<Signal, boolean>>,
  recorded: Recorded,
): Delivery {
  const reasons = new Set<string>();
  const lines: string[] = [];
  let complete = true;
  let delivered = false;
  const failing = (signal: Signal): void => {
    complete = false;
    const error = status.errors[signal];
    if (error) reasons.add(error.message);
  };

  const metrics = `${recorded.points} observations of ${recorded.metrics} metrics`;
  if (!exported.metrics) lines.push(`  metrics  ${metrics}; not exported (switched off)`);
  else {
    const error = status.errors.metrics;
    const success = successes.metrics;
    const pointsDropped = status.drops['metrics:export_failed'] ?? 0;
    const dropped = pointsDropped ? ` (${pointsDropped} points dropped by failed exports)` : '';
    if (success !== undefined && (!error || success >= error.at)) {
      delivered = true;
      lines.push(`  metrics  ${metrics}: delivered by the last export${dropped}`);
    } else {
      failing('metrics');
      lines.push(
        `  metrics  ${metrics}: not delivered, ${error ? 'the last export failed' : 'no export finished'}${dropped}`,
      );
    }
  }

  const queued = (signal: 'traces' | 'logs', label: string, kinds: number, stats: QueueStats | undefined): void => {
    if (!exported[signal] || !stats) {
      lines.push(`  ${label.padEnd(7)}  not exported (switched off)`);
      return;
    }
    const unconfirmed = stats.dropped.shutdown + stats.queued + stats.inFlight;
    const parts = [
      `${stats.exported} of ${stats.accepted} delivered (${kinds} ${kinds === 1 ? 'kind' : 'kinds'})`,
      ...(stats.dropped.export_failed ? [`${stats.dropped.export_failed} failed to export`] : []),
      ...(stats.dropped.queue_full ? [`${stats.dropped.queue_full} dropped (queue full)`] : []),
      ...(unconfirmed ? [`${unconfirmed} not confirmed by the deadline`] : []),
    ];
    lines.push(`  ${label.padEnd(7)}  ${parts.join(', ')}`);
    if (stats.exported) delivered = true;
    if (stats.exported < stats.accepted) failing(signal);
  };
  queued('traces', 'spans', recorded.spanKinds, status.traces);
  queued('logs', 'logs', recorded.eventKinds, status.logs);

  const before = Object.entries(status.drops)
    .filter(([key]) => !EXPORT_ACCOUNTED.has(key.slice(key.indexOf(':') + 1)))
    .reduce((n, [, v]) => n + v, 0);
  if (before) {
    complete = false;
    lines.push(`  ${before} dropped before export (see ampy.obs.dropped)`);
  }
  return { lines, complete, nothing: !delivered, reasons: [...reasons] };
}
