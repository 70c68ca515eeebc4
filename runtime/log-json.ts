// The sanitising walk that makes any value an untyped caller passes safe to write as JSON and to export.
import { invalidInput } from './hooks.js';
import { FINGERPRINT, type Redactor } from './redact.js';
import { quote } from './json-text.js';
import { bigintValue } from './values.js';

/** Left out of an object (JSON drops it): undefined, functions, Symbols, throwing getters. */
export const OMIT: unique symbol = Symbol('omit');

/** Nodes one value may expand to before the rest is cut: bounds the work a huge or cyclic object costs. */
const MAX_NODES = 1000;
const MAX_DEPTH = 8;
export const TRUNCATED = '[Truncated]';
export const CIRCULAR = '[Circular]';

class Walk {
  nodes = 0;
  readonly stack: object[] = [];
  constructor(readonly r: Redactor) {}

  value(key: string, v: unknown, depth: number): unknown {
    if (++this.nodes > MAX_NODES) return TRUNCATED;
    const r = this.r;
    if (key !== '' && r.isSecretKey(key)) return typeof v === 'string' && FINGERPRINT.test(v) ? v : r.replacement;
    switch (typeof v) {
      case 'string':
        return r.text(v);
      case 'number':
        return Number.isFinite(v) ? v : null;
      case 'boolean':
        return v;
      case 'bigint':
        return bigintValue(v);
      case 'undefined':
        return OMIT;
      case 'object':
        if (v === null) return null;
        break;
      default:
        // Functions and Symbols have no JSON form.
        invalidInput('invalid_field', 'logs');
        return OMIT;
    }
    let o: object = v;
    try {
      if (o instanceof Date) return Number.isNaN(o.getTime()) ? null : o.toISOString();
      if (o instanceof Number || o instanceof String || o instanceof Boolean)
        return this.value(key, o.valueOf(), depth);
      const toJSON = (o as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') {
        const j: unknown = toJSON.call(o, key);
        if (typeof j !== 'object' || j === null) return this.value(key, j, depth);
        o = j;
      }
    } catch {
      invalidInput('invalid_field', 'logs');
      return OMIT;
    }
    if (depth >= MAX_DEPTH) return TRUNCATED;
    if (this.stack.includes(o)) {
      invalidInput('invalid_field', 'logs');
      return CIRCULAR;
    }
    this.stack.push(o);
    try {
      if (Array.isArray(o)) {
        const n = Math.min(o.length, MAX_NODES);
        const out: unknown[] = new Array(n);
        for (let i = 0; i < n; i++) {
          const x = this.read(o, i, '', depth);
          out[i] = x === OMIT ? null : x;
        }
        return out;
      }
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(o)) {
        const x = this.read(o, k, k, depth);
        if (x !== OMIT) out[k] = x;
        if (this.nodes > MAX_NODES) break;
      }
      return out;
    } catch {
      // Object.keys on a Proxy whose ownKeys trap throws.
      invalidInput('invalid_field', 'logs');
      return OMIT;
    } finally {
      this.stack.pop();
    }
  }

  private read(o: object, k: string | number, key: string, depth: number): unknown {
    let x: unknown;
    try {
      x = (o as Record<string | number, unknown>)[k];
    } catch {
      invalidInput('invalid_field', 'logs');
      return OMIT;
    }
    return this.value(key, x, depth + 1);
  }
}

/**
 * Any value an untyped caller passes, made safe to leave the process: redacted (by key at any depth, by
 * value in every string), bigints as numbers or digits, cycles marked, at most 1000 nodes and 8 levels.
 * Functions, Symbols and throwing getters are left out (OMIT) and counted; never throws.
 */
export function sanitize(r: Redactor, key: string, v: unknown): unknown {
  return new Walk(r).value(key, v, 0);
}

/** JSON text of a sanitised value (sanitize's output is always plain JSON data). */
export function jsonOf(v: unknown): string {
  return typeof v === 'string' ? quote(v) : JSON.stringify(v);
}
