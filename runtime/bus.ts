import {
  context,
  propagation,
  ROOT_CONTEXT,
  type Context,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { isContext, withScopeValues } from './context.js';
import { invalidInput } from './hooks.js';

/** ampy-bus message headers: string values keyed by lowercase names. */
export type BusHeaders = Record<string, string>;

const w3c = new W3CTraceContextPropagator();

const setter: TextMapSetter<BusHeaders> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};
const getter: TextMapGetter<BusHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const v = carrier[key] ?? carrier[key.toLowerCase()];
    return typeof v === 'string' ? v : undefined;
  },
};

function bad(): void {
  invalidInput('invalid_field', 'traces');
}

/** One header of an untyped carrier: a string, or undefined (counted when it is something else or throws). */
function readHeader(carrier: object, name: string): string | undefined {
  try {
    const v = (carrier as Record<string, unknown>)[name];
    if (v === undefined || typeof v === 'string') return v;
  } catch {
    // A throwing getter or Proxy trap.
  }
  bad();
  return undefined;
}

/** String-valued copies of the carrier's own headers: what a propagator may read without surprises. */
function plainHeaders(carrier: unknown): BusHeaders {
  const out: BusHeaders = {};
  if (typeof carrier !== 'object' || carrier === null) {
    if (carrier !== undefined) bad();
    return out;
  }
  let keys: string[];
  try {
    keys = Object.keys(carrier);
  } catch {
    bad();
    return out;
  }
  for (const k of keys) {
    const v = readHeader(carrier, k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/**
 * Writes W3C `traceparent`/`tracestate` of `ctx` (default: the active context) into bus headers.
 * Uses the global propagator when one is registered, W3C trace context otherwise. Headers that are not
 * an object are replaced by a fresh one (counted); this never throws.
 */
export function injectTraceHeaders(headers: BusHeaders, ctx?: Context): BusHeaders {
  let carrier = headers;
  if (typeof carrier !== 'object' || carrier === null || Object.isFrozen(carrier)) {
    bad();
    carrier = {};
  }
  let active = ctx;
  if (active === undefined) active = context.active();
  else if (!isContext(active)) {
    bad();
    active = context.active();
  }
  try {
    // A registered propagator (init registers W3C trace context and baggage) does it all; else W3C alone.
    if (propagation.fields().length) propagation.inject(active, carrier, setter);
    else w3c.inject(active, carrier, setter);
  } catch {
    bad();
  }
  return carrier;
}

/**
 * Reads W3C trace context from bus headers into a context whose spans continue the producer's trace;
 * `scope` values (e.g. message_id, run_id from the envelope) join the context core. Never throws: bad
 * headers give a context without a remote parent (counted).
 */
export function extractTraceContext(
  headers: BusHeaders,
  scope: Readonly<Record<string, string | undefined>> = {},
  base: Context = ROOT_CONTEXT,
): Context {
  return extractFrom(plainHeaders(headers), scope, base);
}

function extractFrom(carrier: BusHeaders, scope: unknown, base: unknown): Context {
  const from = isContext(base) ? base : ROOT_CONTEXT;
  let ctx = from;
  try {
    ctx = propagation.fields().length ? propagation.extract(from, carrier, getter) : w3c.extract(from, carrier, getter);
  } catch {
    bad();
  }
  const values: Record<string, string> = {};
  if (typeof scope === 'object' && scope !== null)
    for (const k of Object.keys(scope)) {
      const v = readHeader(scope, k);
      if (v !== undefined) values[k] = v;
    }
  return withScopeValues(values, ctx);
}

/**
 * Envelope headers plus trace context (generated injectBusHeaders calls this): every named envelope
 * value that is a string is copied; anything else is left out and counted.
 */
export function injectEnvelope(
  names: readonly string[],
  envelope: unknown,
  headers: BusHeaders | undefined,
  ctx: Context | undefined,
): BusHeaders {
  let carrier = headers === undefined ? {} : headers;
  if (typeof carrier !== 'object' || carrier === null || Object.isFrozen(carrier)) {
    bad();
    carrier = {};
  }
  if (typeof envelope === 'object' && envelope !== null) {
    for (const name of names) {
      const value = readHeader(envelope, name);
      if (value !== undefined)
        try {
          carrier[name] = value;
        } catch {
          bad();
        }
    }
  } else bad();
  return injectTraceHeaders(carrier, ctx);
}

/**
 * Envelope and trace context from bus headers (generated extractBusContext calls this); `scoped` maps
 * context-core attribute ids to the headers that carry them.
 */
export function extractEnvelope(
  names: readonly string[],
  scoped: readonly (readonly [string, string])[],
  headers: unknown,
): { readonly context: Context; readonly envelope: Record<string, string> } {
  const carrier = plainHeaders(headers);
  const envelope: Record<string, string> = {};
  for (const name of names) {
    const value = carrier[name];
    if (value !== undefined) envelope[name] = value;
  }
  const scope: Record<string, string | undefined> = {};
  for (const [id, header] of scoped) scope[id] = envelope[header];
  return { context: extractFrom(carrier, scope, ROOT_CONTEXT), envelope };
}

/** The envelope fields a log line's correlation object carries (generated busCorrelation calls this). */
export function pickEnvelope(names: readonly string[], envelope: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (typeof envelope !== 'object' || envelope === null) {
    bad();
    return out;
  }
  for (const name of names) out[name] = readHeader(envelope, name);
  return out;
}
