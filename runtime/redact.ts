import { createHash } from 'node:crypto';
import { DEFAULT_REDACTION_KEY_PATTERNS, REDACTED } from '../conventions/index.js';
import { quote } from './json-text.js';

/**
 * A non-reversible, correlatable stand-in for a secret: the same input gives the same short digest,
 * and nothing of the input can be recovered from it.
 */
export function fingerprint(value: string): string {
  return `fp:${createHash('sha256').update('ampyobs:').update(value).digest('hex').slice(0, 16)}`;
}

const MAX_DEPTH = 8;
/** The safe form a fingerprinted secret already has: kept as it is, so it still correlates. */
export const FINGERPRINT = /^fp:[0-9a-f]{16}$/;

/**
 * Longest string value that leaves the process (UTF-16 code units): longer ones are cut here, before
 * scanning, so one value costs at most a bounded amount of redaction, escaping and export work.
 */
export const MAX_VALUE_LENGTH = 65_536;

/** What a cut value ends with, right after the cut. */
const CUT_MARK = /^…\[truncated \d+ chars\]$/;

/**
 * `s` cut to MAX_VALUE_LENGTH, never inside a surrogate pair, with how much was cut. A value cut here
 * already (a scope's value, then the log line that carries it) is left as it is: it keeps its first count.
 */
export function truncateValue(s: string): string {
  if (s.length <= MAX_VALUE_LENGTH) return s;
  if (
    s.length <= MAX_VALUE_LENGTH + 40 &&
    (CUT_MARK.test(s.slice(MAX_VALUE_LENGTH)) || CUT_MARK.test(s.slice(MAX_VALUE_LENGTH - 1)))
  )
    return s;
  let end = MAX_VALUE_LENGTH;
  const c = s.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return `${s.slice(0, end)}…[truncated ${s.length - end} chars]`;
}

/** A scheme (`http:`), the mark of a URL rather than a path or a host name. */
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
/** `scheme://userinfo@` (the last `@` of the authority ends it), or `userinfo@` heading a URL without `//`. */
const USERINFO = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)?[^/?#]*@/;

/**
 * A URL as it may be shown to people (stderr, /health, error messages): its userinfo and the value of each
 * query parameter replaced with `***`, its fragment too, and the scheme, host, port and path left readable
 * (`http://***@collector:4318/v1/traces`). Text that is not a URL (a file path, `the console`) is returned
 * as it is. The credentials of an endpoint are not telemetry: this is not the spec's value redaction,
 * whose `url_credentials` pattern would swallow the `://` and the `@` with them.
 */
export function displayUrl(url: string): string {
  if (!SCHEME.test(url)) return url;
  const cut = url.search(/[?#]/);
  const head = (cut === -1 ? url : url.slice(0, cut)).replace(USERINFO, `$1${REDACTED}@`);
  if (cut === -1) return head;
  const hash = url.indexOf('#', cut);
  const query = url.slice(cut + 1, hash === -1 ? url.length : hash);
  const hidden = query
    .split('&')
    .map((p) => {
      const eq = p.indexOf('=');
      return p === '' ? p : eq === -1 ? REDACTED : `${p.slice(0, eq)}=${REDACTED}`;
    })
    .join('&');
  return `${head}${url[cut] === '?' ? `?${hidden}` : ''}${hash === -1 ? '' : `#${REDACTED}`}`;
}

/**
 * A query name or value as the server reads it: `+` a space, each run of `%XX` the UTF-8 text it encodes. A
 * malformed escape stays as written rather than failing the whole value (decodeURIComponent throws),
 * so it cannot hide a secret next to it.
 */
function formDecoded(raw: string): string {
  return raw
    .replace(/\+/g, ' ')
    .replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));
}

/**
 * Scrubs secrets from telemetry before any sink sees them: values under keys that match a key pattern
 * (case-insensitive substring, at any depth) are replaced, and secret-looking substrings of every
 * string (bearer tokens, JWTs, AWS keys, secret refs, card numbers…) are replaced wherever they appear.
 */
export class Redactor {
  private readonly keyPatterns: readonly string[];
  private readonly values: RegExp | undefined;
  private readonly keyCache = new Map<string, boolean>();

  constructor(
    keyPatterns: readonly string[],
    valuePatterns: readonly RegExp[],
    readonly replacement: string = REDACTED,
  ) {
    this.keyPatterns = keyPatterns.map((p) => p.toLowerCase());
    // One alternation scans a string once, whatever the number of patterns.
    this.values = valuePatterns.length
      ? new RegExp(valuePatterns.map((r) => `(?:${r.source})`).join('|'), 'g')
      : undefined;
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

  /** A string with every secret-looking substring replaced, cut to MAX_VALUE_LENGTH first. */
  text(s: string): string {
    // Ids, symbols and messages repeat across a unit of work: remember recent results (bounded).
    const hit = this.scanned.get(s);
    if (hit !== undefined) return hit;
    const out = this.scan(s.length > MAX_VALUE_LENGTH ? truncateValue(s) : s);
    if (s.length <= 256) {
      if (this.scanned.size >= 4096) this.scanned.clear();
      this.scanned.set(s, out);
    }
    return out;
  }

  /**
   * The value-pattern scan alone, on the whole string: one pass of one alternation, linear in the length
   * because every pattern is checked for super-linear backtracking at generate time and at init.
   */
  scan(s: string): string {
    if (!this.values) return s;
    this.values.lastIndex = 0;
    return this.values.test(s) ? s.replace(this.values, this.replacement) : s;
  }

  private readonly quotedCache = new Map<string, string>();

  /** text(s) as a JSON string literal, remembered for short strings: the log line's hot path. */
  quoted(s: string): string {
    let q = this.quotedCache.get(s);
    if (q === undefined) {
      q = quote(this.text(s));
      if (s.length <= 256) {
        if (this.quotedCache.size >= 4096) this.quotedCache.clear();
        this.quotedCache.set(s, q);
      }
    }
    return q;
  }

  /**
   * A URL, or the query part of one (`queryOnly`): the value of every query parameter whose name matches a
   * key pattern (`?token=…&api_key=…`), or whose decoded value holds a secret (`q=Bearer%20…`, a URL with
   * credentials percent-encoded), is replaced; then the whole text is scanned like any value.
   */
  url(s: string, queryOnly = false): string {
    const q = s.indexOf('?');
    // url.query holds the query alone, without its '?'.
    const start = queryOnly ? 0 : q === -1 ? -1 : q + 1;
    if (start === -1) return this.text(s);
    const hash = s.indexOf('#', start);
    const end = hash === -1 ? s.length : hash;
    const params = s
      .slice(start, end)
      .split('&')
      .map((p) => {
        const eq = p.indexOf('=');
        if (eq <= 0) return p;
        const name = formDecoded(p.slice(0, eq));
        if (this.isSecretKey(name)) return `${p.slice(0, eq)}=${encodeURIComponent(this.replacement)}`;
        // Value patterns match decoded text: encoded, a bearer token or a URL's password slips past them.
        const raw = p.slice(eq + 1);
        if (!/[%+]/.test(raw)) return p;
        const value = formDecoded(raw);
        const scanned = this.scan(value);
        return scanned === value ? p : `${p.slice(0, eq)}=${encodeURIComponent(scanned)}`;
      })
      .join('&');
    return this.text(s.slice(0, start) + params + s.slice(end));
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
let active = new Redactor(DEFAULT_REDACTION_KEY_PATTERNS, []);

/** The redactor every sink path uses. */
export function redactor(): Redactor {
  return active;
}

/** Installs the redactor built from configuration (init calls this). */
export function setRedactor(r: Redactor): void {
  active = r;
}
