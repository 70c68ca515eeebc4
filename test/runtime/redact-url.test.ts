// URLs on spans (url.full, url.query) keep no secret, however the query encodes it: the spec's value
// patterns match the text a server decodes, not only the bytes on the wire.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../generated/index.js';
import { displayUrl, redactor } from '../../runtime/redact.js';
import type { Observability } from '../../runtime/index.js';
import { CLEAN_ENV, withEnv } from '../support/env.js';

let obs: Observability | undefined;
beforeAll(() =>
  withEnv(CLEAN_ENV, () => {
    obs = init({
      serviceName: 'redact-url',
      export: { traces: false, metrics: false, logs: false },
      logDestination: { write: () => true },
    });
  }),
);
afterAll(() => obs?.shutdown(1000));

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U';

describe('URL redaction', () => {
  it('replaces a bearer token or URL credentials percent-encoded or form-encoded in a query value', () => {
    const r = redactor();
    const query =
      'q=Bearer%20abcdefghijklmnopqrstuvwxyz012345&f=Bearer+zyxwvutsrqponmlkjihgfedcba543210&u=https%3A%2F%2Fbob%3Ahunter2pass%40db.example.com%2F&page=2';
    const out = r.url(query, true);
    expect(out).not.toMatch(/abcdefghijklmnopqrstuvwxyz012345|zyxwvutsrqponmlkjihgfedcba543210|hunter2pass/);
    // The parameters stay where they were; a value without a secret is left byte for byte.
    expect(out.split('&').map((p) => p.split('=')[0])).toEqual(['q', 'f', 'u', 'page']);
    expect(out.endsWith('&page=2')).toBe(true);
    const full = r.url(`https://api.example.com/orders?${query}#top`);
    expect(full).toMatch(/^https:\/\/api\.example\.com\/orders\?q=/);
    expect(full).not.toMatch(/hunter2pass|abcdefghijklmnopqrstuvwxyz012345/);
    expect(full.endsWith('&page=2#top')).toBe(true);
  });

  it('keeps what it did before: secret-named parameters, raw secrets, plain values', () => {
    const r = redactor();
    expect(r.url('token=abc&page=2', true)).toBe('token=***&page=2');
    expect(r.url(`j=${JWT}&q=a%20b+c`, true)).toBe('j=***&q=a%20b+c');
  });

  it('scans a value with a malformed escape too, and never throws', () => {
    const r = redactor();
    const out = r.url('q=%E0%A4%A%20Bearer%20abcdefghijklmnopqrstuvwxyz012345', true);
    expect(out).not.toContain('abcdefghijklmnopqrstuvwxyz012345');
    expect(() => r.url('q=%%%+%ZZ&=x&&%', true)).not.toThrow();
  });
});

describe('displayUrl: a URL shown to people', () => {
  it('replaces userinfo, query values and the fragment, keeping scheme, host, port and path readable', () => {
    expect(displayUrl('http://user:s3cretpass@127.0.0.1:4999/v1/traces')).toBe('http://***@127.0.0.1:4999/v1/traces');
    // The authority ends at its last @, as URL parsers read it; an @ in the path is the path's.
    expect(displayUrl('https://u:p@ss@collector:4318/a@b?token=t0k&sig=x&bare#frag')).toBe(
      'https://***@collector:4318/a@b?token=***&sig=***&***#***',
    );
    expect(displayUrl('grpcs://user@collector:4317')).toBe('grpcs://***@collector:4317');
    expect(displayUrl('user:pass@collector:4317')).toBe('***@collector:4317');
  });

  it('leaves a URL without secrets, a file path and plain words as they are', () => {
    for (const text of [
      'https://collector:4318/v1/logs',
      'grpc://collector:4317',
      'file:///var/tmp/tel',
      '/tmp/a@b?c',
      'the console',
    ])
      expect(displayUrl(text)).toBe(text);
  });
});
