import { selfMetrics, type DropReason, type TelemetrySignal } from './generated/self-metrics.js';
import { setInvalidInputHook } from './hooks.js';
import { exportErrorInWords } from './export-error-words.js';
import { displayUrl } from './redact.js';

/** Telemetry signals of the SDK's own accounting (the spec's telemetry_signal). */
export type Signal = TelemetrySignal;
/** Why the SDK dropped telemetry (the spec's drop_reason). */
export type { DropReason };

// The spec's ampy.obs.* and ampy.runtime.* metrics, generated from the base spec into the runtime: the
// runtime cannot import a service's generated code.
export const { adhocSignals, dropped, exportFailures } = selfMetrics.obs;
export const { cpuUtilization, gcPauseMs, memBytes, openFds } = selfMetrics.runtime;

const totals = new Map<string, number>();

/** Counts dropped telemetry (also kept in-process for status()). */
export function countDropped(signal: Signal, reason: DropReason, n = 1): void {
  if (n <= 0) return;
  const key = `${signal}:${reason}`;
  totals.set(key, (totals.get(key) ?? 0) + n);
  // Dropping metrics because of a metric is not recorded as a metric again, so a broken label cannot loop.
  dropped.add(n, { signal, reason });
}

/** Counts one failed export attempt. */
export function countExportFailure(signal: Signal): void {
  totals.set(`${signal}:export_failures`, (totals.get(`${signal}:export_failures`) ?? 0) + 1);
  exportFailures.add(1, { signal });
}

/** In-process totals since start: `<signal>:<reason>` and `<signal>:export_failures`. */
export function dropTotals(): ReadonlyMap<string, number> {
  return totals;
}

const lastError = new Map<Signal, { message: string; at: number; reported: number }>();
let describeEndpoint: (signal: Signal) => string = () => 'the collector';

/** Tells export errors which endpoint they concern (init calls this). */
export function setEndpointDescriber(f: (signal: Signal) => string): void {
  describeEndpoint = f;
}

const REPORT_EVERY_MS = 60_000;

/**
 * Remembers the latest export error of a signal and reports it on stderr at most once a minute, in
 * words an operator can act on: a dead collector must be visible but must not flood the service's logs.
 */
export function noteExportError(signal: Signal, error: Error | undefined): void {
  const now = Date.now();
  const message = exportErrorInWords(error);
  const prev = lastError.get(signal);
  const reported = prev && now - prev.reported < REPORT_EVERY_MS && prev.message === message ? prev.reported : now;
  lastError.set(signal, { message, at: now, reported });
  if (reported === now)
    process.stderr.write(
      `ampyobs: ${signal} export to ${displayUrl(describeEndpoint(signal))} failed: ${message}; telemetry is being dropped and counted in ampy.obs.dropped\n`,
    );
}

/** Latest export error per signal, if any. */
export function exportErrors(): Readonly<Partial<Record<Signal, { message: string; at: number }>>> {
  return Object.fromEntries([...lastError.entries()].map(([k, v]) => [k, { message: v.message, at: v.at }]));
}

const lastSuccess = new Map<Signal, number>();

/** Remembers when a signal was last exported successfully (for GET /health). */
export function noteExportSuccess(signal: Signal): void {
  lastSuccess.set(signal, Date.now());
}

/** When each signal was last exported successfully (milliseconds since the epoch). */
export function exportSuccesses(): Readonly<Partial<Record<Signal, number>>> {
  return Object.fromEntries(lastSuccess);
}

/** Clears remembered errors and successes (shutdown). */
export function resetExportErrors(): void {
  lastError.clear();
  lastSuccess.clear();
}

// Bad input from untyped callers is counted as a drop of the signal it was meant for.
setInvalidInputHook((reason, signal) => countDropped(signal, reason));
