import { setInvalidInputHook } from './hooks.js';
import { defineCounter, defineGauge, defineHistogram } from './metrics.js';

/** Telemetry signals of the SDK's own accounting. */
export type Signal = 'traces' | 'metrics' | 'logs';
export type DropReason = 'queue_full' | 'export_failed' | 'shutdown' | 'invalid_label' | 'invalid_value' | 'invalid_field';

// Descriptors of the spec's ampy.obs.* and ampy.runtime.* metrics. The runtime cannot import a service's
// generated code, so they are written here; a test checks them against the generated registry.
const SIGNALS = ['traces', 'metrics', 'logs'] as const;

/** ampy.obs.dropped{signal,reason} */
export const dropped = defineCounter<{ signal: Signal; reason: DropReason }>({
  name: 'ampy.obs.dropped',
  instrument: 'counter',
  unit: '{item}',
  description: 'Telemetry the SDK dropped rather than block the application.',
  labels: [
    { name: 'signal', values: SIGNALS },
    { name: 'reason', values: ['queue_full', 'export_failed', 'shutdown', 'invalid_label', 'invalid_value', 'invalid_field'] },
  ],
});

/** ampy.obs.export_failures{signal} */
export const exportFailures = defineCounter<{ signal: Signal }>({
  name: 'ampy.obs.export_failures',
  instrument: 'counter',
  unit: '{export}',
  description: 'Export attempts that failed.',
  labels: [{ name: 'signal', values: SIGNALS }],
});

/** ampy.runtime.gc_pause_ms{kind} */
export const gcPause = defineHistogram<{ kind: 'minor' | 'major' | 'incremental' | 'weakcb' }>({
  name: 'ampy.runtime.gc_pause_ms',
  instrument: 'histogram',
  unit: 'ms',
  description: 'Garbage collection pauses.',
  buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250],
  labels: [{ name: 'kind', values: ['minor', 'major', 'incremental', 'weakcb'] }],
});

/** ampy.runtime.mem_bytes{type} */
export const memBytes = defineGauge<{ type: 'rss' | 'heap_used' | 'heap_total' | 'external' }>({
  name: 'ampy.runtime.mem_bytes',
  instrument: 'gauge',
  unit: 'By',
  description: 'Process memory.',
  labels: [{ name: 'type', values: ['rss', 'heap_used', 'heap_total', 'external'] }],
});

/** ampy.runtime.cpu_utilization */
export const cpuUtilization = defineGauge<void>({
  name: 'ampy.runtime.cpu_utilization',
  instrument: 'gauge',
  unit: '1',
  description: 'Process CPU time over wall time since the previous sample (1 = one core).',
  labels: [],
});

/** ampy.runtime.open_fds */
export const openFds = defineGauge<void>({
  name: 'ampy.runtime.open_fds',
  instrument: 'gauge',
  unit: '{file_descriptor}',
  description: 'Open file descriptors of the process.',
  labels: [],
});

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
  const message = explain(error);
  const prev = lastError.get(signal);
  const reported = prev && now - prev.reported < REPORT_EVERY_MS && prev.message === message ? prev.reported : now;
  lastError.set(signal, { message, at: now, reported });
  if (reported === now) process.stderr.write(`ampyobs: ${signal} export to ${describeEndpoint(signal)} failed: ${message}; telemetry is being dropped and counted in ampy.obs.dropped\n`);
}

/** Latest export error per signal, if any. */
export function exportErrors(): Readonly<Partial<Record<Signal, { message: string; at: number }>>> {
  return Object.fromEntries([...lastError.entries()].map(([k, v]) => [k, { message: v.message, at: v.at }]));
}

/** Clears remembered errors (shutdown). */
export function resetExportErrors(): void {
  lastError.clear();
}

function explain(error: Error | undefined): string {
  if (!error) return 'unknown error';
  const code = (error as { code?: string }).code ?? (error.cause as { code?: string } | undefined)?.code;
  const msg = error.message || String(error);
  const hints: Record<string, string> = {
    ECONNREFUSED: 'connection refused (is the collector running?)',
    ENOTFOUND: 'host not found (check OBS_OTLP_ENDPOINT)',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'server certificate is self-signed and not trusted (set OBS_TLS_CA_FILE to its CA)',
    SELF_SIGNED_CERT_IN_CHAIN: 'server certificate chain is not trusted (set OBS_TLS_CA_FILE to the CA that signed it)',
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'server certificate cannot be verified (check OBS_TLS_CA_FILE)',
    CERT_HAS_EXPIRED: 'server certificate has expired',
    ERR_TLS_CERT_ALTNAME_INVALID: 'server certificate does not match the endpoint host name',
  };
  return code && hints[code] ? `${hints[code]} [${code}]` : msg;
}

// Bad input from untyped callers is counted as a drop of the signal it was meant for.
setInvalidInputHook((reason, signal) => countDropped(signal, reason));
