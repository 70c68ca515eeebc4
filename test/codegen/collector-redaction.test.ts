// The collector's redaction processor compiles value patterns with RE2, which has no lookbehind: the
// generated config carries the spec's patterns in a form RE2 accepts, never narrower than the SDK's.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { re2ValuePattern } from '../../codegen/emit/collector-components.js';
import { registry } from '../../generated/index.js';

describe('collector value patterns', () => {
  it('drop a leading lookbehind and keep everything else', () => {
    expect(re2ValuePattern('(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{5,}\\.x')).toBe('eyJ[A-Za-z0-9_-]{5,}\\.x');
    expect(re2ValuePattern('(?<=[(\\)])a(b)')).toBe('a(b)');
    expect(re2ValuePattern('[Bb]earer\\s+\\S+')).toBe('[Bb]earer\\s+\\S+');
  });

  it('in the generated config have no lookbehind, and still match what the SDK redacts', () => {
    const yaml = readFileSync(
      path.resolve(import.meta.dirname, '../../generated/collector/otel-collector.yaml'),
      'utf8',
    );
    expect(yaml).not.toContain('(?<');
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbXB5In0.c2lnbmF0dXJlLXZhbHVlLXNlY3JldA';
    for (const p of registry.redaction!.valuePatterns) {
      const sdk = new RegExp(p.regex);
      const re2 = new RegExp(re2ValuePattern(p.regex));
      if (sdk.test(`session=${jwt}`)) expect(re2.test(`session=${jwt}`), p.id).toBe(true);
    }
  });
});
