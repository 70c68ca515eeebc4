// Value patterns reach the collector, which compiles them with Go's RE2: each construct JavaScript takes
// and RE2 refuses, or reads otherwise, is named with its place; patterns RE2 reads as JavaScript does
// pass. Every pattern here compiles in JavaScript, as a spec pattern must before this check runs.
import { describe, expect, it } from 'vitest';
import { re2ValuePattern } from '../../codegen/emit/collector-components.js';
import { re2Problem } from '../../codegen/validate/re2-syntax.js';
import { registry } from '../../generated/index.js';
import { superLinear } from '../../runtime/redos.js';

/** Pattern, the construct named, and a word of the reason: what Go's regexp refuses to compile. */
const RE2_REFUSES: readonly (readonly [string, string, RegExp])[] = [
  ['sess-(?=[0-9a-f]{8})[0-9a-f]+', '(?=', /lookahead/],
  ['sess-(?![0-9a-f]{8})[0-9a-f]+', '(?!', /lookahead/],
  ['key=(?<!api)[A-Za-z0-9]{20}', '(?<!', /lookbehind/],
  ['key=(?<=api)[A-Za-z0-9]{20}', '(?<=', /lookbehind/],
  ['([A-Z])\\1{7}', '\\1', /backreference/],
  ['(?<c>[A-Z])\\k<c>', '\\k', /named backreference/],
  ['(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)(l)\\12', '\\12', /backreference/],
  ['x\\1', '\\1', /octal escape of one digit/],
  ['x\\8', '\\8', /digit 8/],
  ['[\\9]', '\\9', /digit 9/],
  ['\\u00a7[0-9]{6}', '\\u', /\\u escape/],
  ['\\cJ', '\\cJ', /control escape/],
  ['a\\Z', '\\Z', /escaped letter/],
  ['a\\C', '\\C', /escaped letter/],
  ['a\\e', '\\e', /escaped letter/],
  ['[\\B]', '\\B', /escaped letter/],
  ['[\\b]', '\\b', /backspace/],
  ['\\é', '\\é', /non-ASCII/],
  ['\\xZZ', '\\x', /two hex digits/],
  ['x[]', '[]', /empty class/],
  ['x[^]y', '[^]', /empty class/],
  ['[[:nope:]x]', '[:nope:]', /POSIX class/],
  ['[a-\\d]', 'a-\\d', /range ending in a class escape/],
  ['(?<$id>x)', '(?<$id>', /group name/],
  ['(?<é>x)', '(?<é>', /group name/],
];

/**
 * What RE2 compiles but reads otherwise than JavaScript (without the u flag): the collector would
 * redact other text than the SDK, so these are refused too.
 */
const READ_OTHERWISE: readonly (readonly [string, string, RegExp])[] = [
  ['x\\400', '\\400', /octal/],
  ['\\x{41}', '\\x{', /code point/],
  ['\\Aabc', '\\A', /start of the text/],
  ['abc\\z', '\\z', /end of the text/],
  ['\\Qa.b\\E', '\\Q', /quoted run/],
  ['\\a', '\\a', /bell/],
  ['\\pL', '\\p', /Unicode class/],
  ['[\\P]', '\\P', /Unicode class/],
  ['[[:alpha:]]', '[:alpha:]', /POSIX class/],
  ['a{01}', '{01}', /leading zero/],
];

const ACCEPTED: readonly string[] = [
  '[Bb]earer\\s+[A-Za-z0-9._~+/-]+=*',
  '\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b',
  '\\b(?:4\\d{3}|5[1-5]\\d{2}|3[47]\\d{2}|6011)[ -]?\\d{4}[ -]?\\d{4}[ -]?\\d{1,4}\\b',
  '-----BEGIN [A-Z ]*PRIVATE KEY-----',
  '://[^/\\s:@]+:[^/\\s@]+@',
  '(?<user>[a-z_]+)=(?:\\d{1,3}\\.){3}\\d{1,3}',
  '^id-\\x41\\t\\n\\r\\f\\v\\0\\012\\377[\\x00-\\x1f\\w\\-\\]\\\\]$',
  '(?:a{10}){100}',
  'a{1000}',
  'x{,5}y{a}z{1,2,3}',
  '[--/][a-][\\d-z][\\\\-]',
  '\\-\\/\\.\\_\\ \\{\\}\\(\\)\\[\\]\\|\\?\\*\\+\\^\\$',
  'x*?y+?z??w{2,}?',
  '\\Bfoo\\b.',
  'a|(b|)|c',
  '(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)\\12',
  '[:x]]',
];

describe('re2Problem', () => {
  it.each([...RE2_REFUSES, ...READ_OTHERWISE])('names %s: %s', (pattern, construct, reason) => {
    expect(() => new RegExp(pattern, 'g')).not.toThrow();
    const p = re2Problem(pattern);
    expect(p?.construct).toBe(construct);
    expect(pattern.slice(p!.index, p!.index + construct.length)).toBe(construct);
    expect(p?.reason).toMatch(reason);
  });

  it.each(ACCEPTED)('passes %s', (pattern) => {
    expect(() => new RegExp(pattern, 'g')).not.toThrow();
    expect(re2Problem(pattern)).toBeUndefined();
  });

  it("passes the base registry's value patterns as the collector gets them", () => {
    for (const p of registry.redaction!.valuePatterns)
      expect(re2Problem(re2ValuePattern(p.regex)), p.id).toBeUndefined();
  });

  it('leaves counts over 1000, which RE2 refuses too, to the redos rule', () => {
    for (const pattern of ['a{1001}', 'a{2,1001}', '(?:a{2}){600}', '(?:(?:a{10}){10}){11}']) {
      expect(re2Problem(pattern), pattern).toBeUndefined();
      expect(superLinear(pattern, 'pure'), pattern).toMatch(/more than 1000/);
    }
  });

  it('names groups nested past the depth RE2 parses, without exhausting the stack', () => {
    const deep = `${'('.repeat(5000)}a${')'.repeat(5000)}`;
    expect(() => new RegExp(deep, 'g')).not.toThrow();
    expect(re2Problem(deep)?.reason).toMatch(/nested more than 1000/);
  });
});
