// OTEL_LOG_LEVEL: the OpenTelemetry SDK's own diagnostics (exporter retries, instrumentation patching),
// which the SDK otherwise keeps silent. They go to stderr, so stdout keeps only the service's JSON lines.
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import type { ObsConfig } from './config.js';

const LEVELS: Readonly<Record<NonNullable<ObsConfig['diagLevel']>, DiagLogLevel>> = {
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
};

function text(a: unknown): string {
  if (typeof a === 'string') return a;
  try {
    return JSON.stringify(a) ?? String(a);
  } catch {
    return String(a);
  }
}

function line(level: string): (message: string, ...args: unknown[]) => void {
  return (message, ...args) =>
    void process.stderr.write(`opentelemetry ${level}: ${[message, ...args].map(text).join(' ')}\n`);
}

const STDERR: DiagLogger = {
  error: line('error'),
  warn: line('warn'),
  info: line('info'),
  debug: line('debug'),
  verbose: line('verbose'),
};

/** Sends the SDK's diagnostics at this level to stderr (nothing when the level is unset); returns the undo. */
export function startDiagnostics(level: ObsConfig['diagLevel']): () => void {
  if (level === undefined) return () => {};
  diag.setLogger(STDERR, { logLevel: LEVELS[level], suppressOverrideMessage: true });
  return () => diag.disable();
}
