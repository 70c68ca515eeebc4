/// <reference types="node" preserve="true" />
// Reading one setting through its precedence chain (OBS_* variable, init() option, OTEL_* variable, the
// spec's default), and parsing what was read, so that an error names the setting that supplied the value.
import { readFileSync } from 'node:fs';

/** A configuration value that cannot be used; names the variable or option and what is wrong. */
export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`ampyobs: ${setting}: ${message}`);
    this.name = 'ConfigError';
  }
}

/** The environment variables configuration reads. */
export type Env = Readonly<Record<string, string | undefined>>;

/** A value, and the variable or option that supplied it. */
export interface Resolved<T> {
  readonly value: T;
  readonly setting: string;
}

/**
 * One place a setting may come from: its name, and how to read it (undefined when it is not set there).
 * Reading is deferred, so a lower layer is parsed only when every higher one is unset.
 */
export type Layer<T> = readonly [setting: string, read: () => T | undefined];

/** The first layer that is set, highest precedence first; `fallback` (or undefined) when none is. */
export function first<T>(layers: readonly Layer<T>[]): Resolved<T> | undefined;
export function first<T>(layers: readonly Layer<T>[], fallback: Resolved<T>): Resolved<T>;
export function first<T>(layers: readonly Layer<T>[], fallback?: Resolved<T>): Resolved<T> | undefined {
  for (const [setting, read] of layers) {
    const value = read();
    if (value !== undefined) return { value, setting };
  }
  return fallback;
}

/** A variable as a layer: unset when missing or blank, trimmed otherwise, and parsed when `parse` is given. */
export function variable(env: Env, name: string): Layer<string>;
export function variable<T>(env: Env, name: string, parse: (text: string, setting: string) => T): Layer<T>;
export function variable<T>(env: Env, name: string, parse?: (text: string, setting: string) => T): Layer<T | string> {
  return [
    name,
    () => {
      const text = nonEmpty(env, name);
      return text === undefined || !parse ? text : parse(text, name);
    },
  ];
}

/** An init() option as a layer, named by its path (`otlp.endpoint`); unset when undefined. */
export function option<T>(name: string, value: T | undefined): Layer<T> {
  return [name, () => value];
}

/** A variable's trimmed value, or undefined when it is missing or blank. */
export function nonEmpty(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** A boolean: true/1/yes or false/0/no, any case. */
export function parseBool(text: string, setting: string): boolean {
  if (/^(true|1|yes)$/i.test(text)) return true;
  if (/^(false|0|no)$/i.test(text)) return false;
  throw new ConfigError(setting, `'${text}' is not a boolean (use true or false)`);
}

/** A number between 0 and 1, from an option or the decimal text of a variable. */
export function parseRatio(value: unknown, setting: string): number {
  const text = String(value).trim();
  const n = typeof value === 'number' ? value : /^(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(n) || n < 0 || n > 1)
    throw new ConfigError(setting, `'${String(value)}' is not a ratio between 0.0 and 1.0`);
  return n;
}

/** A TCP port, from an option or the decimal text of a variable. */
export function parsePort(value: unknown, setting: string): number {
  const n =
    typeof value === 'number' ? value : /^\d+$/.test(String(value).trim()) ? Number(String(value).trim()) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new ConfigError(setting, `'${String(value)}' is not a TCP port (1-65535)`);
  return n;
}

/** `key1=val1,key2=val2` (values may be percent-encoded, as in OTEL_EXPORTER_OTLP_HEADERS), checked by checkHeaders. */
export function parseHeaders(raw: string, setting: string): Record<string, string> {
  return checkHeaders(parseKeyValues(raw, setting, 'header'), setting);
}

/** `k=v,k2=v2` with percent-encoded values, as OTEL_RESOURCE_ATTRIBUTES holds them. */
export function parseAttributes(raw: string, setting: string): Record<string, string> {
  return parseKeyValues(raw, setting, 'attribute');
}

/** An HTTP header name: a token (RFC 9110). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/**
 * A character a header value may not hold on both transports: anything but printable ASCII and spaces
 * (gRPC metadata refuses it; HTTP refuses CR, LF and NUL). It would fail every export, so it fails init.
 */
const NOT_IN_HEADER_VALUE = /[^\x20-\x7e]/;

/** `U+000D`: a character named by its code point, for messages that must not print it. */
function codePoint(c: string): string {
  return `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * `value`, unless it holds a control character (a line break, a tab, NUL, ESC…): a ConfigError naming
 * `setting` and the character, with `what` (`an attribute name `) saying which part of the setting.
 */
export function refuseControl(value: string, setting: string, what = ''): string {
  const c = /\p{Cc}/u.exec(value)?.[0];
  if (c !== undefined)
    throw new ConfigError(
      setting,
      `${what}${JSON.stringify(value)} holds ${codePoint(c)}, a control character; it would land in every log line and label`,
    );
  return value;
}

/**
 * Headers sent with every export, checked: each name an HTTP token, each value a string of printable
 * ASCII. A ConfigError names the header, never its value (it is often a credential).
 */
export function checkHeaders(headers: unknown, setting: string): Record<string, string> {
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers))
    throw new ConfigError(setting, 'is not an object of header names and values');
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!HEADER_NAME.test(name))
      throw new ConfigError(setting, `'${name.replace(/[^\x21-\x7e]/g, codePoint)}' is not a valid header name`);
    if (typeof value !== 'string')
      throw new ConfigError(
        setting,
        `the value of header '${name}' is ${value === null ? 'null' : typeof value}, not a string`,
      );
    const bad = NOT_IN_HEADER_VALUE.exec(value)?.[0];
    if (bad !== undefined)
      throw new ConfigError(
        setting,
        `the value of header '${name}' holds ${codePoint(bad)}${/\p{Cc}/u.test(bad) ? ' (a control character, such as CR or LF)' : ''}; a header value is printable ASCII`,
      );
    out[name] = value;
  }
  return out;
}

/** Comma-separated `key=value` pairs; header names must be HTTP tokens and are lower-cased. */
function parseKeyValues(raw: string, setting: string, kind: 'header' | 'attribute'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of raw.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    // A header's value is often a credential: messages name the header only.
    if (kind === 'attribute' && (eq <= 0 || key === ''))
      throw new ConfigError(setting, `'${part.trim()}' is not key=value`);
    if (eq <= 0 || key === '')
      throw new ConfigError(setting, 'has an entry that is not key=value (expected key1=val1,key2=val2)');
    if (kind === 'header' && !HEADER_NAME.test(key))
      throw new ConfigError(setting, `'${key}' is not a valid header name (expected key1=val1,key2=val2)`);
    let value: string;
    try {
      value = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      throw new ConfigError(setting, `the value of '${key}' has a malformed percent-encoding`);
    }
    if (kind === 'header') out[key.toLowerCase()] = value;
    else
      out[refuseControl(key, setting, 'an attribute name ')] = refuseControl(value, setting, `the value of '${key}', `);
  }
  return out;
}

/** The bytes of a TLS file (CA, certificate or key); an empty or unreadable file is a ConfigError. */
export function readTlsFile(path: string, setting: string): Buffer {
  try {
    const data = readFileSync(path);
    if (data.length === 0) throw new Error('file is empty');
    return data;
  } catch (e) {
    throw new ConfigError(setting, `cannot read '${path}': ${(e as Error).message}`);
  }
}
