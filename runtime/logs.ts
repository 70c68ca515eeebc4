import { SeverityNumber, type AnyValue, type Logger as OtelLogger } from '@opentelemetry/api-logs';
import { context } from '@opentelemetry/api';
import { pino, type Logger } from 'pino';
import { activeTraceIds, scopeValues } from './context.js';
import { fingerprint, redactor } from './redact.js';
import { isoNanos } from './time.js';
import type { EventDescriptor, FieldDescriptor } from './types.js';
import { isDecimal } from './values.js';

/** Resource fields every log line carries (base fields from the spec's log_base). */
export interface LogResource {
  readonly service: string;
  readonly env: string;
  readonly service_version: string;
}

/** ampy-bus correlation object mirrored into a log line (the spec's bus section). */
export interface BusCorrelation {
  readonly topic?: string | undefined;
  readonly schema_fqdn?: string | undefined;
  readonly message_id?: string | undefined;
  readonly partition_key?: string | undefined;
}

/** A generated log event helper: event name and level are fixed by the spec. */
export interface EventHelper<F> {
  /** Writes one JSON log line with the base fields, the context core, and `fields`. */
  (fields: F, message: string): void;
  readonly descriptor: EventDescriptor;
}

let logger: Logger | undefined;
// One object per level, not one per line.
const LEVEL_FIELDS: Record<string, { level: string }> = Object.fromEntries(['trace', 'debug', 'info', 'warn', 'error', 'fatal'].map((l) => [l, Object.freeze({ level: l })]));
let otelLogger: OtelLogger | undefined;

function defaultResource(): LogResource {
  return {
    service: process.env['OBS_SERVICE_NAME'] ?? 'unknown_service',
    env: process.env['OBS_ENV'] ?? 'dev',
    service_version: process.env['OBS_SERVICE_VERSION'] ?? '0.0.0',
  };
}

let stdoutDest: ReturnType<typeof pino.destination> | undefined;
let flushTimer: NodeJS.Timeout | undefined;

/**
 * stdout, buffered: one write per 4 KiB instead of one per line (the line writes cost more than the
 * rest of logging), flushed every 250 ms, at shutdown (flushLogs) and when the process exits.
 */
function bufferedStdout(): ReturnType<typeof pino.destination> {
  if (!stdoutDest) {
    const dest = pino.destination({ dest: 1, sync: false, minLength: 4096 });
    stdoutDest = dest;
    flushTimer = setInterval(() => flushLogs(), 250);
    flushTimer.unref();
    process.once('exit', () => {
      try {
        dest.flushSync();
      } catch {
        // Nothing more can be done at exit.
      }
    });
  }
  return stdoutDest;
}

/** Writes out buffered stdout log lines now (shutdown calls it). */
export function flushLogs(): void {
  try {
    stdoutDest?.flush();
  } catch {
    // A destination that is not ready yet holds its lines until it is.
  }
}

/**
 * Sets where log lines go and the resource fields they carry (init calls this). Defaults: stdout,
 * buffered (see bufferedStdout), and OBS_SERVICE_NAME / OBS_ENV / OBS_SERVICE_VERSION.
 */
export function configureLogs(opts: { resource?: LogResource; destination?: { write(line: string): unknown }; level?: string } = {}): void {
  const resource = opts.resource ?? defaultResource();
  logger = pino(
    {
      level: opts.level ?? 'debug',
      messageKey: 'message',
      base: { ...resource },
      timestamp: () => `,"ts":"${isoNanos()}"`,
      formatters: { level: (label) => LEVEL_FIELDS[label] ?? { level: label } },
    },
    (opts.destination as pino.DestinationStream | undefined) ?? bufferedStdout(),
  );
}

/** Also sends every log event as an OpenTelemetry log record (init sets it when log export is on). */
export function setOtelLogger(l: OtelLogger | undefined): void {
  otelLogger = l;
}

function activeLogger(): Logger {
  if (!logger) configureLogs();
  return logger!;
}

const SEVERITY: Record<EventDescriptor['level'], SeverityNumber> = {
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
  fatal: SeverityNumber.FATAL,
};

function fieldValue(f: FieldDescriptor | undefined, members: ReadonlySet<unknown> | undefined, key: string, v: unknown): unknown {
  if (f?.secret) return f.fingerprint ? fingerprint(String(v)) : redactor().replacement;
  // A member of the attribute's enum is a value the spec wrote: nothing to scrub (and scanning costs).
  if (members?.has(v)) return v;
  // Decimals stay structured; a bigint beyond 2^53 keeps its digits as a string.
  if (isDecimal(v)) {
    const n = Number(v.scaled);
    return { scaled: typeof v.scaled === 'bigint' && !Number.isSafeInteger(n) ? v.scaled.toString() : n, scale: v.scale };
  }
  if (v instanceof Date) return v.toISOString();
  return redactor().value(key, v);
}

/** Defines a log event helper from its spec descriptor (called by generated code). */
export function defineEvent<F>(d: EventDescriptor): EventHelper<F> {
  const byName = new Map(d.fields.map((f) => [f.name, f]));
  const members = new Map(d.fields.filter((f) => f.values).map((f) => [f.name, new Set<unknown>(f.values)]));
  const emit = (fields: F, message: string): void => {
    try {
      const line: Record<string, unknown> = activeTraceIds();
      const scope = scopeValues();
      for (const k in scope) {
        const v = scope[k];
        if (v !== undefined) line[k] = redactor().value(k, v);
      }
      if (fields !== null && typeof fields === 'object') {
        const given = fields as Record<string, unknown>;
        for (const k in given) {
          const v = given[k];
          if (v !== undefined) line[k] = fieldValue(byName.get(k), members.get(k), k, v);
        }
      }
      line['event'] = d.name;
      const text = redactor().text(String(message));
      activeLogger()[d.level](line, text);
      otelLogger?.emit({
        severityNumber: SEVERITY[d.level],
        severityText: d.level.toUpperCase(),
        body: text,
        eventName: d.name,
        attributes: line as Record<string, AnyValue>,
        context: context.active(),
      });
    } catch {
      // Logging must never throw into application code.
    }
  };
  return Object.assign(emit, { descriptor: d });
}
