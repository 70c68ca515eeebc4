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

/** `key1=val1,key2=val2` (values may be percent-encoded, as in OTEL_EXPORTER_OTLP_HEADERS). */
export function parseHeaders(raw: string, setting: string): Record<string, string> {
  return parseKeyValues(raw, setting, 'header');
}

/** `k=v,k2=v2` with percent-encoded values, as OTEL_RESOURCE_ATTRIBUTES holds them. */
export function parseAttributes(raw: string, setting: string): Record<string, string> {
  return parseKeyValues(raw, setting, 'attribute');
}

/** Comma-separated `key=value` pairs; header names must be HTTP tokens and are lower-cased. */
function parseKeyValues(raw: string, setting: string, kind: 'header' | 'attribute'): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of raw.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    if (eq <= 0 || key === '' || (kind === 'header' && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)))
      throw new ConfigError(
        setting,
        kind === 'header'
          ? `'${part.trim()}' is not key=value with a valid header name (expected key1=val1,key2=val2)`
          : `'${part.trim()}' is not key=value`,
      );
    try {
      out[kind === 'header' ? key.toLowerCase() : key] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      throw new ConfigError(setting, `the value of '${key}' has a malformed percent-encoding`);
    }
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
