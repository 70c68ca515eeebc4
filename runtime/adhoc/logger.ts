// Free-form loggers for what the spec lists no event for: logger(component).info(message, fields). A line
// carries what an event's line carries (base fields, trace ids, the context core, redaction of keys and
// values), then the component, the bound fields of the logger and the call's fields, and the ad-hoc
// marker "adhoc": true. logOperation times an operation with a start and an end line.
import type { AnyValue } from '@opentelemetry/api-logs';
import { invalidInput, nameOf, ownEntries, textOf } from '../hooks.js';
import { quote } from '../json-text.js';
import { jsonOf, OMIT, sanitize } from '../log-json.js';
import { isBaseField, lineEnabled, writeFreeLine, type LineLevel } from '../logs.js';
import { redactor } from '../redact.js';
import { whenSettled } from '../settle.js';
import { countAdhoc } from './count.js';

/** Fields of a free-form line: any JSON-able values; an Error is written with its type, message and stack. */
export type LogFields = Readonly<Record<string, unknown>>;

/** A free-form structured logger (the escape hatch); never throws. */
export interface Logger {
  /** The component every line names (`aurum.api.scenarios`). */
  readonly component: string;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  /**
   * An error line. An Error among the fields, or passed instead of them, is written with its type,
   * message and stack; without one, the line carries the stack of the call.
   */
  error(message: string, fields?: LogFields | Error): void;
  /** A logger whose lines also carry these fields (a call's own field of the same name wins). */
  child(fields: LogFields): Logger;
}

/** An Error as a line writes it: plain fields, read defensively (a Proxy or throwing getter gives what it can). */
function errorValue(e: Error): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, read] of [
    ['type', () => e.name],
    ['message', () => e.message],
    ['stack', () => e.stack],
    ['code', () => (e as { code?: unknown }).code],
  ] as const) {
    try {
      const v = read();
      if (typeof v === 'string' || typeof v === 'number') out[k] = v;
    } catch {
      invalidInput('invalid_field', 'logs');
    }
  }
  return out;
}

/**
 * Whether an untyped value is an Error, never throwing: `instanceof` runs a Proxy's getPrototypeOf trap,
 * which may throw (or be revoked); such a value is counted and read as fields.
 */
function isError(v: unknown): v is Error {
  if (typeof v !== 'object' || v === null) return false;
  try {
    return v instanceof Error;
  } catch {
    invalidInput('invalid_field', 'logs');
    return false;
  }
}

/** The stack of the application's call, without the logger's own frames. */
function callStack(): string {
  const lines = (new Error('logged here').stack ?? '').split('\n');
  return [lines[0], ...lines.slice(3)].join('\n');
}

class FreeLogger implements Logger {
  constructor(
    readonly component: string,
    private readonly bound: readonly [string, unknown][],
  ) {}

  debug(message: string, fields?: LogFields): void {
    this.write('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.write('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.write('warn', message, fields);
  }
  error(message: string, fields?: LogFields | Error): void {
    this.write('error', message, fields, true);
  }
  child(fields: LogFields): Logger {
    const own = ownEntries(fields, 'logs');
    const keys = new Set(own.map(([k]) => k));
    return new FreeLogger(this.component, [...this.bound.filter(([k]) => !keys.has(k)), ...own]);
  }

  /** Writes one line; `errorArgument`: `fields` may be an Error passed in their place (error()). */
  private write(level: LineLevel, message: unknown, fields: unknown, errorArgument = false): void {
    if (!lineEnabled(level)) return;
    try {
      const r = redactor();
      const call = ownEntries(errorArgument && isError(fields) ? { error: fields } : fields, 'logs');
      const callKeys = new Set(call.map(([k]) => k));
      const all: [string, unknown][] = [
        ['component', this.component],
        ...this.bound.filter(([k]) => !callKeys.has(k) && k !== 'component'),
        ...call,
      ];
      let hasError = false;
      let text = '';
      const keys = new Set<string>();
      const attributes: Record<string, AnyValue> = {};
      for (const [k, raw] of all) {
        if (isBaseField(k) || keys.has(k)) {
          if (isBaseField(k)) invalidInput('invalid_field', 'logs');
          continue;
        }
        let v = raw;
        if (isError(v)) {
          hasError = true;
          v = errorValue(v);
        }
        const x = sanitize(r, k, v);
        if (x === OMIT) continue;
        keys.add(k);
        text += `,${quote(k)}:${jsonOf(x)}`;
        attributes[k] = x as AnyValue;
      }
      if (level === 'error' && !hasError && !keys.has('stack')) {
        const stack = r.text(callStack());
        text += `,"stack":${quote(stack)}`;
        attributes['stack'] = stack;
      }
      writeFreeLine(level, text, keys, textOf(message, 'logs'), attributes);
      countAdhoc('log');
    } catch {
      // Logging must never throw into application code.
      invalidInput('invalid_field', 'logs');
    }
  }
}

/**
 * A free-form structured logger for `component`, for lines the spec lists no event for. Lines go where
 * the events' lines go, once init() has run (nothing is written before), and are marked ad-hoc:
 * `ampyobs live-check` lists them by component as candidates for events in the spec.
 *
 * @example
 * ```ts
 * const log = logger('aurum.api.scenarios');
 * log.info('Scenario created', { scenario_id: 'scn_123', tenant: 'acme' });
 * log.child({ request_id: 'req_9' }).error('Scenario failed', err);
 * ```
 */
export function logger(component: string, fields?: LogFields): Logger {
  return new FreeLogger(textOf(component, 'logs'), ownEntries(fields, 'logs'));
}

/** Milliseconds with microsecond digits, as duration_ms is written. */
function elapsed(start: number): number {
  return Math.round((performance.now() - start) * 1000) / 1000;
}

/** Writes one of logOperation's lines through the caller's logger; whatever that logger does, it never throws. */
function say(log: unknown, level: 'info' | 'error', message: string, fields: LogFields): void {
  try {
    (log as Logger)[level](message, fields);
  } catch {
    // Not a Logger (null, a Proxy) or one that throws: the line is lost, the operation still runs.
    invalidInput('invalid_field', 'logs');
  }
}

/**
 * Times an operation: an `info` line `<name> started` before `fn` runs, and when it (or its promise)
 * settles an `info` line `<name> completed` with `duration_ms` and `outcome: "ok"`, or an `error` line
 * `<name> failed` with `duration_ms`, `outcome: "error"` and the error. `fields` go on both lines.
 * `fn` runs exactly once and its result or error passes through unchanged, whatever else is passed: a
 * name that is not a string, fields or a logger that cannot be read are counted in ampy.obs.dropped
 * (`invalid_field`), never thrown.
 *
 * @example
 * ```ts
 * const scenario = await logOperation(log, 'create_scenario', () => db.insert(row), { tenant: 'acme' });
 * ```
 */
export function logOperation<T>(log: Logger, name: string, fn: () => T, fields: LogFields = {}): T {
  const text = nameOf(name, 'logs');
  const operation: LogFields = Object.fromEntries([...ownEntries(fields, 'logs'), ['operation', text]]);
  say(log, 'info', `${text} started`, operation);
  const start = performance.now();
  return whenSettled(
    fn,
    () => say(log, 'info', `${text} completed`, { ...operation, duration_ms: elapsed(start), outcome: 'ok' }),
    (error) =>
      say(log, 'error', `${text} failed`, { ...operation, duration_ms: elapsed(start), outcome: 'error', error }),
  );
}
