import { SeverityNumber, type AnyValue } from '@opentelemetry/api-logs';
import { context, trace, type Context, type SpanContext } from '@opentelemetry/api';
import { pino } from 'pino';
import { ADHOC_LINE_KEY } from '../conventions/index.js';
import { scopeValues, type ScopeValues } from './context.js';
import { invalidInput, textOf } from './hooks.js';
import { quote } from './json-text.js';
import { jsonOf, OMIT, sanitize } from './log-json.js';
import { fingerprint, FINGERPRINT, redactor, type Redactor } from './redact.js';
import { emitRecord, exportingRecords, type Severity } from './log-records.js';
import { countDropped } from './self-metrics.js';
import { isoOf, now } from './time.js';
import type { EventDescriptor, FieldDescriptor } from './types.js';
import { isDecimal, scaledValue } from './values.js';

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
  /**
   * Writes one JSON log line with the base fields, the context core, and `fields`. Never throws: input
   * an untyped caller passes that cannot be represented is left out and counted.
   */
  (fields: F, message: string): void;
  readonly descriptor: EventDescriptor;
}

/** Where log lines go: a pino destination (sonic-boom) or any stream with write(). */
export interface LogDestination {
  write(line: string): unknown;
}

type Level = EventDescriptor['level'] | 'trace';
const LEVEL_VALUES: Readonly<Record<Level, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
};

/** Keys of the base fields: an untyped caller's extra field of that name would duplicate them. */
const RESERVED = new Set([
  'level',
  'ts',
  'service',
  'env',
  'service_version',
  'trace_id',
  'span_id',
  'event',
  'message',
  ADHOC_LINE_KEY,
]);

/** Whether a key is a base field of every line, which a caller's field may not set. */
export function isBaseField(key: string): boolean {
  return RESERVED.has(key);
}

// Nothing is written before configureLogs (init calls it): helpers are no-ops until then.
let sink: LogDestination | undefined;
let minLevel = LEVEL_VALUES.debug;
let resourceText = '';

// Lines for a buffering destination gather here and reach it in chunks of its own buffer size (its
// minLength), or when the 250 ms flush timer, shutdown or exit drains them: the destination would hold
// them that long anyway. Handing it each line, or each tick's lines, cost more than building them: a pino
// destination (sonic-boom) measures its whole pending buffer on every write, and a per-tick drain is a
// scheduled callback per tick. A full chunk goes out after the current callback, not inside the helper
// call that filled it (that write was the helper's p99); a burst that fills MAX_PENDING in one callback
// goes out at once.
let pending = '';
let drainScheduled = false;
/** Gathered characters that go out at once: the destination's own buffer size, at most MAX_PENDING; 0 when lines go straight to it. */
let gatherLength = 0;
let flushTimer: NodeJS.Timeout | undefined;
let stdoutDest: ReturnType<typeof pino.destination> | undefined;

/** Hands the gathered lines to the destination. */
function drain(): void {
  if (pending === '' || !sink) return;
  const chunk = pending;
  pending = '';
  try {
    sink.write(chunk);
  } catch {
    // A destroyed destination: the lines are lost, the application goes on.
  }
}

/** Gathered lines never exceed this many characters, whatever the destination's buffer size. */
const MAX_PENDING = 65_536;

function drainLater(): void {
  drainScheduled = false;
  drain();
}

function out(line: string): void {
  if (gatherLength === 0) sink!.write(line);
  else {
    pending += line;
    if (pending.length >= MAX_PENDING) drain();
    else if (pending.length >= gatherLength && !drainScheduled) {
      drainScheduled = true;
      setImmediate(drainLater);
    }
  }
}

interface SonicBoomLike {
  readonly sync?: boolean;
  readonly minLength?: number;
  flushSync?(): void;
}

/** A pino destination that buffers anyway (async, minLength > 0): lines may gather before it. */
function buffers(dest: LogDestination): boolean {
  const d = dest as SonicBoomLike;
  return typeof d.flushSync === 'function' && d.sync === false && typeof d.minLength === 'number' && d.minLength > 0;
}

/**
 * How much stdout's destination buffers: one write per 16 KiB (a quarter of a pipe's capacity) instead
 * of one per line; lines wait at most the 250 ms flush timer. Each write is whole lines.
 */
const STDOUT_BUFFER = 16 * 1024;

/**
 * How much of stdout may wait in memory for its reader. A reader that stops (a stalled log collector, a
 * full pipe) would otherwise let the pending lines grow until the service runs out of memory; past this,
 * lines are dropped and counted (`ampy.obs.dropped{signal="logs",reason="stdout_full"}`, apart from the
 * export queue's `queue_full`).
 */
export const STDOUT_MAX_PENDING = 16 * 1024 * 1024;

/** Lines in a chunk handed to the destination: each ends with a newline. */
function linesIn(chunk: unknown): number {
  const text = String(chunk);
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** stdout through pino's destination: async, buffered, flushed every 250 ms, at shutdown and at exit. */
function bufferedStdout(): ReturnType<typeof pino.destination> {
  if (!stdoutDest) {
    stdoutDest = pino.destination({
      dest: 1,
      sync: false,
      minLength: STDOUT_BUFFER,
      maxWrite: 4 * STDOUT_BUFFER,
      maxLength: STDOUT_MAX_PENDING,
    });
    stdoutDest.on('drop', (chunk: unknown) => countDropped('logs', 'stdout_full', linesIn(chunk)));
  }
  return stdoutDest;
}

const exitHooked = new WeakSet<object>();

/** Writes `dest`'s gathered lines synchronously; a destination not yet open loses them (nothing else can be done). */
function flushSync(dest: LogDestination): void {
  try {
    if (sink === dest) drain();
    (dest as SonicBoomLike).flushSync?.();
  } catch {
    // Nothing more can be done this late.
  }
}

/** At exit, gathered lines go out synchronously. */
function flushAtExit(dest: LogDestination): void {
  if (exitHooked.has(dest)) return;
  exitHooked.add(dest);
  process.once('exit', () => flushSync(dest));
}

/** Writes the gathered log lines now, synchronously, before a signal may end the process (runtime/exit-hooks.ts). */
export function flushLinesSync(): void {
  if (sink) flushSync(sink);
}

/**
 * Writes out buffered log lines now: into the destination, and stdout's to the terminal or collector
 * (shutdown calls it; a 250 ms timer does too while lines are buffered).
 */
export function flushLogs(): void {
  drain();
  try {
    stdoutDest?.flush();
  } catch {
    // A destination that is not ready yet holds its lines until it is.
  }
}

/**
 * Sets where log lines go, the resource fields they carry and the minimum level (init calls this).
 * Defaults: stdout through an async pino destination (flushed every 250 ms, at shutdown and at exit),
 * OBS_SERVICE_NAME / OBS_ENV / OBS_SERVICE_VERSION, and `debug`. Until it is called, log helpers write
 * nothing.
 */
export function configureLogs(
  opts: { resource?: LogResource; destination?: LogDestination; level?: string } = {},
): void {
  const level = opts.level ?? 'debug';
  if (!Object.hasOwn(LEVEL_VALUES, level))
    throw new TypeError(`ampyobs: log level '${level}' is not one of ${Object.keys(LEVEL_VALUES).join(', ')}`);
  const r = opts.resource ?? {
    service: process.env['OBS_SERVICE_NAME'] ?? 'unknown_service',
    env: process.env['OBS_ENV'] ?? 'dev',
    service_version: process.env['OBS_SERVICE_VERSION'] ?? '0.0.0',
  };
  drain();
  resourceText = `,"service":${quote(String(r.service))},"env":${quote(String(r.env))},"service_version":${quote(String(r.service_version))}`;
  minLevel = LEVEL_VALUES[level as Level];
  const dest = opts.destination ?? bufferedStdout();
  sink = dest;
  gatherLength = buffers(dest) ? Math.min((dest as SonicBoomLike).minLength!, MAX_PENDING) : 0;
  if (gatherLength > 0 || dest === stdoutDest) {
    flushAtExit(dest);
    if (!flushTimer) {
      flushTimer = setInterval(() => flushLogs(), 250);
      flushTimer.unref();
    }
  }
}

/** Each level's OTLP severity: its number and its text. */
const SEVERITY: Record<EventDescriptor['level'], Severity> = {
  debug: { number: SeverityNumber.DEBUG, text: 'DEBUG' },
  info: { number: SeverityNumber.INFO, text: 'INFO' },
  warn: { number: SeverityNumber.WARN, text: 'WARN' },
  error: { number: SeverityNumber.ERROR, text: 'ERROR' },
  fatal: { number: SeverityNumber.FATAL, text: 'FATAL' },
};

function bad(): void {
  invalidInput('invalid_field', 'logs');
}

// ── trace ids and context core, serialised once and reused ─────────────────────────────────────────

let lastSpanContext: SpanContext | undefined;
let lastTraceText = '';

/** `,"trace_id":…,"span_id":…` of the active span (ids are validated hex: nothing to escape). */
function traceText(sc: SpanContext | undefined): string {
  if (sc === undefined) return '';
  if (sc !== lastSpanContext) {
    lastSpanContext = sc;
    lastTraceText = trace.isSpanContextValid(sc) ? `,"trace_id":"${sc.traceId}","span_id":"${sc.spanId}"` : '';
  }
  return lastTraceText;
}

/** A scope's context core, redacted and serialised once per scope (scopes are immutable). */
class ScopeText {
  readonly keys: string[] = [];
  readonly texts: string[] = [];
  readonly values: unknown[] = [];
  readonly joined: string;
  private readonly masks = new Map<CompiledEvent, number>();

  constructor(
    scope: ScopeValues,
    readonly redactor: Redactor,
  ) {
    for (const k of Object.keys(scope)) {
      const v = sanitize(redactor, k, scope[k]);
      if (v === OMIT) continue;
      this.keys.push(k);
      this.values.push(v);
      this.texts.push(`,${quote(k)}:${jsonOf(v)}`);
    }
    this.joined = this.texts.join('');
  }

  /** Bits of the event's fields (the first 31) that this scope also has: an event's own value wins. */
  overlap(ev: CompiledEvent): number {
    let m = this.masks.get(ev);
    if (m === undefined) {
      m = 0;
      for (const k of this.keys) {
        const i = ev.index.get(k);
        if (i !== undefined) m |= i < 31 ? 1 << i : 1 << 31;
      }
      this.masks.set(ev, m);
    }
    return m;
  }
}

const scopeTexts = new WeakMap<object, ScopeText>();

function scopeTextOf(scope: ScopeValues, r: Redactor): ScopeText | undefined {
  let s = scopeTexts.get(scope);
  if (s === undefined || s.redactor !== r) {
    s = new ScopeText(scope, r);
    scopeTexts.set(scope, s);
  }
  return s.keys.length ? s : undefined;
}

// ── one event: its fields, their pre-escaped keys, and the line under construction ──────────────────

/** What the runtime derives once from an event descriptor: keys pre-escaped, enum members pre-written. */
class CompiledEvent {
  readonly names: string[];
  readonly keys: string[];
  readonly index = new Map<string, number>();
  /** Per enum field: member → the whole `,"key":"member"` text. */
  readonly members: (Map<unknown, string> | undefined)[];
  readonly level: number;
  readonly head: string;
  readonly tail: string;
  /** Fields whose key matches a redaction key pattern, for the redactor they were computed with. */
  secretKey: boolean[] = [];
  redactor: Redactor | undefined;
  busy = false;
  readonly line: EventLine;

  constructor(readonly d: EventDescriptor) {
    const all = [...d.fields.map((f) => f.name), ...(d.objects ?? [])];
    this.names = all;
    this.keys = all.map((n) => `,${quote(n)}:`);
    all.forEach((n, i) => this.index.set(n, i));
    this.members = d.fields.map((f, i) =>
      f.values ? new Map(f.values.map((m) => [m, `${this.keys[i]}${quote(m)}`])) : undefined,
    );
    this.level = LEVEL_VALUES[d.level];
    this.head = `{"level":${quote(d.level)},"ts":"`;
    this.tail = `,"event":${quote(d.name)},"message":`;
    this.line = new EventLine(this);
  }

  /** Recomputes what depends on the redactor, when init installed another one. */
  refresh(r: Redactor): void {
    if (this.redactor === r) return;
    // Spec-secret fields leave the fast paths too: fieldValue replaces or fingerprints them.
    this.secretKey = this.names.map((n, i) => r.isSecretKey(n) || this.d.fields[i]?.secret === true);
    this.redactor = r;
  }

  field(i: number): FieldDescriptor | undefined {
    return this.d.fields[i];
  }
}

/**
 * The fields part of one line, built by the event's serializer (generated per event, in spec order):
 * each method takes a field's index and the caller's value, writes the pre-escaped key and the value,
 * and leaves out, and counts, what cannot be represented.
 */
export class EventLine {
  /** The `,"key":value` text written so far. */
  text = '';
  /** How many fields had a value (to notice extra keys from untyped callers). */
  given = 0;
  /** Which fields (the first 31; bit 31 for the rest) were written, to drop them from the context core. */
  written = 0;
  private r!: Redactor;

  constructor(private readonly ev: CompiledEvent) {}

  reset(r: Redactor): void {
    this.text = '';
    this.given = 0;
    this.written = 0;
    this.r = r;
  }

  private mark(i: number): void {
    this.given++;
    this.written |= i < 31 ? 1 << i : 1 << 31;
  }

  /** A string field. */
  string(i: number, v: unknown): void {
    if (v === undefined) return;
    if (typeof v !== 'string' || this.ev.secretKey[i]) return this.value(i, v);
    this.mark(i);
    this.text += this.ev.keys[i]! + this.r.quoted(v);
  }

  /** An enum field: a member is written as the spec spells it, with no scan. */
  enumValue(i: number, v: unknown): void {
    if (v === undefined) return;
    const t = this.ev.secretKey[i] ? undefined : this.ev.members[i]?.get(v);
    if (t === undefined) return this.value(i, v);
    this.mark(i);
    this.text += t;
  }

  /** An int or double field (a bigint beyond 2^53 keeps its digits as a string). */
  number(i: number, v: unknown): void {
    if (v === undefined) return;
    if (typeof v !== 'number' || this.ev.secretKey[i]) return this.value(i, v);
    this.mark(i);
    this.text += this.ev.keys[i]! + (Number.isFinite(v) ? String(v) : 'null');
  }

  /** A bool field. */
  bool(i: number, v: unknown): void {
    if (v === undefined) return;
    if (typeof v !== 'boolean' || this.ev.secretKey[i]) return this.value(i, v);
    this.mark(i);
    this.text += this.ev.keys[i]! + (v ? 'true' : 'false');
  }

  /** A decimal field: `{scaled, scale}` stays structured. */
  decimal(i: number, v: unknown): void {
    if (v === undefined) return;
    this.value(i, v);
  }

  /** A timestamp field: a Date as ISO-8601, a string as given (scanned). */
  timestamp(i: number, v: unknown): void {
    if (v === undefined) return;
    if (typeof v === 'string') return this.string(i, v);
    this.value(i, v);
  }

  /** Any field value, by its descriptor: the general (and untyped-input) path. */
  value(i: number, v: unknown): void {
    if (v === undefined) return;
    const x = fieldValue(this.ev, this.r, i, v);
    if (x === OMIT) return;
    this.mark(i);
    this.text += this.ev.keys[i]! + jsonOf(x);
  }

  /** An untyped caller's field the spec does not list (written after the spec's, in the caller's order). */
  extra(k: string, v: unknown): void {
    const x = sanitize(this.r, k, v);
    if (x === OMIT) return;
    this.text += `,${quote(k)}:${jsonOf(x)}`;
  }
}

/** A field's value as it leaves the process (line and OTLP record alike), or OMIT (counted). */
function fieldValue(ev: CompiledEvent, r: Redactor, i: number, v: unknown): unknown {
  const f = ev.field(i);
  if (f?.secret) {
    if (!f.fingerprint) return r.replacement;
    if (typeof v === 'string') return fingerprint(v);
    const x = sanitize(r, '', v);
    return x === OMIT ? OMIT : fingerprint(jsonOf(x));
  }
  if (ev.secretKey[i]) return typeof v === 'string' && FINGERPRINT.test(v) ? v : r.replacement;
  if (ev.members[i]?.has(v)) return v;
  try {
    if (f?.type === 'decimal' && isDecimal(v)) {
      const { scaled, scale } = v;
      if ((typeof scaled === 'number' || typeof scaled === 'bigint') && typeof scale === 'number')
        return {
          scaled: typeof scaled === 'number' && !Number.isFinite(scaled) ? null : scaledValue(scaled),
          scale: Number.isFinite(scale) ? scale : null,
        };
    }
  } catch {
    bad();
    return OMIT;
  }
  return sanitize(r, ev.names[i]!, v);
}

/** The serializer of one event: writes the caller's fields into the line, in spec order. */
export type EventSerializer<F> = (line: EventLine, fields: F) => void;

const WRITERS: Record<FieldDescriptor['type'], (line: EventLine, i: number, v: unknown) => void> = {
  string: (l, i, v) => l.string(i, v),
  enum: (l, i, v) => l.enumValue(i, v),
  int: (l, i, v) => l.number(i, v),
  double: (l, i, v) => l.number(i, v),
  bool: (l, i, v) => l.bool(i, v),
  decimal: (l, i, v) => l.decimal(i, v),
  timestamp: (l, i, v) => l.timestamp(i, v),
};

/**
 * The general serializer for a descriptor: what the generated per-event serializer does, by keyed reads
 * and one guarded read per field. Used when no serializer was generated, and when a generated one threw
 * (a throwing getter or Proxy from an untyped caller): then every field is read once more, defensively.
 */
function guardedSerializer(ev: CompiledEvent): EventSerializer<unknown> {
  return (line, fields) => {
    const names = ev.names;
    for (let i = 0; i < names.length; i++) {
      let v: unknown;
      try {
        v = (fields as Record<string, unknown>)[names[i]!];
      } catch {
        bad();
        continue;
      }
      const f = ev.field(i);
      if (f) WRITERS[f.type](line, i, v);
      else line.value(i, v);
    }
  };
}

/** Writes the caller's keys the spec does not list; reserved base-field names are dropped and counted. */
function writeExtras(ev: CompiledEvent, line: EventLine, fields: object): string[] {
  const extras: string[] = [];
  let keys: string[];
  try {
    keys = Object.keys(fields);
  } catch {
    bad();
    return extras;
  }
  for (const k of keys) {
    if (ev.index.has(k)) continue;
    let v: unknown;
    try {
      v = (fields as Record<string, unknown>)[k];
    } catch {
      bad();
      continue;
    }
    if (v === undefined) continue;
    if (RESERVED.has(k)) {
      bad();
      continue;
    }
    line.extra(k, v);
    extras.push(k);
  }
  return extras;
}

/** The context core part of a line: a scope value the event sets itself is left to the event. */
function scopePart(
  s: ScopeText | undefined,
  ev: CompiledEvent,
  line: EventLine,
  extras: string[] | undefined,
  fields: unknown,
): string {
  if (s === undefined) return '';
  const overlap = s.overlap(ev) & line.written;
  if (overlap === 0 && extras === undefined) return s.joined;
  let out = '';
  for (let j = 0; j < s.keys.length; j++) {
    const k = s.keys[j]!;
    const i = ev.index.get(k);
    if (i !== undefined && (i < 31 ? (line.written & (1 << i)) !== 0 : read(fields, k) !== undefined)) continue;
    if (extras?.includes(k)) continue;
    out += s.texts[j];
  }
  return out;
}

function read(o: unknown, k: string): unknown {
  try {
    return (o as Record<string, unknown>)[k];
  } catch {
    return undefined;
  }
}

/** The attributes of the OTLP log record: what the line carries besides its base fields. */
function recordAttributes(
  ev: CompiledEvent,
  r: Redactor,
  s: ScopeText | undefined,
  fields: unknown,
  extras: string[] | undefined,
): Record<string, AnyValue> {
  // The span's ids travel in the record's own fields (emitRecord): as attributes too, Loki would store
  // trace_id and span_id twice in each entry's structured metadata.
  const a: Record<string, AnyValue> = {};
  if (s) for (let j = 0; j < s.keys.length; j++) a[s.keys[j]!] = s.values[j] as AnyValue;
  if (typeof fields === 'object' && fields !== null) {
    for (let i = 0; i < ev.names.length; i++) {
      const v = read(fields, ev.names[i]!);
      if (v === undefined) continue;
      const x = fieldValue(ev, r, i, v);
      if (x !== OMIT) a[ev.names[i]!] = x as AnyValue;
    }
    if (extras)
      for (const k of extras) {
        const x = sanitize(r, k, read(fields, k));
        if (x !== OMIT) a[k] = x as AnyValue;
      }
  }
  a['event'] = ev.d.name;
  return a;
}

/**
 * Defines a log event helper from its spec descriptor (called by generated code, which passes the
 * event's own serializer: fields in spec order, pre-escaped keys, only the values escaped). The line is
 * `{"level","ts",service,env,service_version,trace_id,span_id,<context core>,<fields>,"event","message"}`;
 * a context-core value the event's own fields set is written with the fields.
 */
export function defineEvent<F>(d: EventDescriptor, serializer?: EventSerializer<F>): EventHelper<F> {
  const ev = new CompiledEvent(d);
  const guarded = guardedSerializer(ev);
  const write = (serializer ?? guarded) as EventSerializer<unknown>;
  const emit = (fields: F, message: string): void => {
    if (sink === undefined || ev.level < minLevel) return;
    const nested = ev.busy;
    try {
      ev.busy = true;
      const r = redactor();
      ev.refresh(r);
      // A getter that logs the same event re-enters here: it gets a line of its own.
      const line = nested ? new EventLine(ev) : ev.line;
      line.reset(r);
      let extras: string[] | undefined;
      if (typeof fields === 'object' && fields !== null) {
        try {
          write(line, fields);
          let n = 0;
          for (const _ in fields) n++;
          if (n > line.given) extras = writeExtras(ev, line, fields);
        } catch {
          line.reset(r);
          guarded(line, fields);
          extras = writeExtras(ev, line, fields);
        }
        if (extras?.length === 0) extras = undefined;
      } else bad();
      const ctx: Context = context.active();
      const sc = trace.getSpanContext(ctx);
      const scope = scopeValues(ctx);
      const s = scopeTextOf(scope, r);
      const text = textOf(message, 'logs');
      const t = now();
      out(
        ev.head +
          isoOf(t) +
          '"' +
          resourceText +
          traceText(sc) +
          scopePart(s, ev, line, extras, fields) +
          line.text +
          ev.tail +
          r.quoted(text) +
          '}\n',
      );
      if (exportingRecords())
        emitRecord(
          'events',
          t,
          SEVERITY[d.level],
          r.text(text),
          d.name,
          recordAttributes(ev, r, s, fields, extras),
          sc,
        );
    } catch {
      // Logging must never throw into application code.
      bad();
    } finally {
      if (!nested) ev.busy = false;
    }
  };
  return Object.assign(emit, { descriptor: d });
}

// ── free-form lines (the escape hatch's loggers) ─────────────────────────────────────────────────────

/** Levels of a free-form line. */
export type LineLevel = 'debug' | 'info' | 'warn' | 'error';

/** Whether a line of this level would be written now (before init(), none is). */
export function lineEnabled(level: LineLevel): boolean {
  return sink !== undefined && LEVEL_VALUES[level] >= minLevel;
}

const ADHOC_TAIL = `,${quote(ADHOC_LINE_KEY)}:true,"message":`;

/**
 * Writes a free-form line of runtime/adhoc/logger.ts: the base fields, trace ids and context core as an
 * event's line has them (a core value the caller's fields set is left to the fields), then `fieldsText`
 * (`,"key":value` pairs the logger serialised and redacted), `"adhoc":true` and the message. With log
 * export on, the same content goes out as an OTLP record of the ad-hoc instrumentation scope.
 */
export function writeFreeLine(
  level: LineLevel,
  fieldsText: string,
  fieldKeys: ReadonlySet<string>,
  message: string,
  attributes: Record<string, AnyValue>,
): void {
  if (sink === undefined || LEVEL_VALUES[level] < minLevel) return;
  try {
    const r = redactor();
    const ctx: Context = context.active();
    const sc = trace.getSpanContext(ctx);
    const s = scopeTextOf(scopeValues(ctx), r);
    let core = '';
    if (s) for (let j = 0; j < s.keys.length; j++) if (!fieldKeys.has(s.keys[j]!)) core += s.texts[j];
    const t = now();
    out(
      `{"level":${quote(level)},"ts":"${isoOf(t)}"${resourceText}${traceText(sc)}${core}${fieldsText}${ADHOC_TAIL}${r.quoted(message)}}\n`,
    );
    if (exportingRecords()) {
      const a: Record<string, AnyValue> = {};
      if (s)
        for (let j = 0; j < s.keys.length; j++) if (!fieldKeys.has(s.keys[j]!)) a[s.keys[j]!] = s.values[j] as AnyValue;
      emitRecord('adhoc', t, SEVERITY[level], r.text(message), undefined, Object.assign(a, attributes), sc);
    }
  } catch {
    // Logging must never throw into application code.
    bad();
  }
}
