// Every ad-hoc signal is counted by kind (ampy.obs.adhoc_signals), so a team sees how much of its
// telemetry the spec does not list yet, and what to promote.
import type { AdhocKind } from '../generated/self-metrics.js';
import { adhocSignals } from '../self-metrics.js';

/** Counts one ad-hoc span, line or measurement. */
export function countAdhoc(kind: AdhocKind): void {
  adhocSignals.add(1, { kind });
}
