import { createHash } from 'node:crypto';

/** Replacement for a secret value that must not be correlated. */
export const REDACTED = '***';

/**
 * A non-reversible, correlatable stand-in for a secret: the same input gives the same short digest,
 * and nothing of the input can be recovered from it.
 */
export function fingerprint(value: string): string {
  return `fp:${createHash('sha256').update('ampyobs:').update(value).digest('hex').slice(0, 16)}`;
}

const MAX_DEPTH = 8;
const FINGERPRINT = /^fp:[0-9a-f]{16}$/;

/**
 * Scrubs secrets from telemetry before any sink sees them: values under keys that match a key pattern
 * (case-insensitive substring, at any depth) are replaced, and secret-looking substrings of every
 * string (bearer tokens, JWTs, AWS keys, secret refs, card numbers…) are replaced wherever they appear.
 */
export class Redactor {
  private readonly keyPatterns: readonly string[];
  private readonly values: RegExp | undefined;
  private readonly keyCache = new Map<string, boolean>();

  constructor(keyPatterns: readonly string[], valuePatterns: readonly RegExp[], readonly replacement: string = REDACTED) {
    this.keyPatterns = keyPatterns.map((p) => p.toLowerCase());
    // One alternation scans a string once, whatever the number of patterns.
    this.values = valuePatterns.length ? new RegExp(valuePatterns.map((r) => `(?:${r.source})`).join('|'), 'g') : undefined;
  }

  /** Whether values under this key are always redacted. */
  isSecretKey(key: string): boolean {
    let hit = this.keyCache.get(key);
    if (hit === undefined) {
      const k = key.toLowerCase();
      hit = this.keyPatterns.some((p) => k.includes(p));
      if (this.keyCache.size < 10_000) this.keyCache.set(key, hit);
    }
    return hit;
  }

  private readonly scanned = new Map<string, string>();

  /** A string with every secret-looking substring replaced. */
  text(s: string): string {
    if (!this.values) return s;
    // Ids, symbols and messages repeat across a unit of work: remember recent results (bounded).
    const hit = this.scanned.get(s);
    if (hit !== undefined) return hit;
    this.values.lastIndex = 0;
    const out = this.values.test(s) ? s.replace(this.values, this.replacement) : s;
    if (s.length <= 256) {
      if (this.scanned.size >= 4096) this.scanned.clear();
      this.scanned.set(s, out);
    }
    return out;
  }

  /** A value as it may leave the process: redacted by key, scrubbed by value, nested objects included. */
  value(key: string, v: unknown, depth = 0): unknown {
    // A fingerprint is already the safe form of a secret; keep it correlatable.
    if (this.isSecretKey(key)) return typeof v === 'string' && FINGERPRINT.test(v) ? v : this.replacement;
    if (typeof v === 'string') return this.text(v);
    if (v === null || typeof v !== 'object' || v instanceof Date || depth >= MAX_DEPTH) return v;
    if (Array.isArray(v)) return v.map((x) => this.value('', x, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = this.value(k, x, depth + 1);
    return out;
  }
}

/** Until init() configures one: the built-in key patterns and no value patterns. */
let active = new Redactor(['secret', 'password', 'token'], []);

/** The redactor every sink path uses. */
export function redactor(): Redactor {
  return active;
}

/** Installs the redactor built from configuration (init calls this). */
export function setRedactor(r: Redactor): void {
  active = r;
}
