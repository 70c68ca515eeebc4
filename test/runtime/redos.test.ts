// The bound on counted repetitions that runs before the ReDoS analyser: what it counts, and that a
// pattern over it gets its verdict at once (the analyser spent its whole time limit, or more, on one).
import { describe, expect, it } from 'vitest';
import { largestRepeat, MAX_REPEAT, superLinear } from '../../runtime/redos.js';

describe('largestRepeat', () => {
  it.each([
    ['eyJ[A-Za-z0-9_-]{5,}\\.eyJ', 5],
    ['x[0-9]{1,1000}', 1000],
    ['a{3}b{7}', 7],
    ['((a){10}b){10}', 100],
    ['[a-z]{2}(x{9}){9}', 81],
    ['(?:ab)+c*d?', 1],
    [`a{${'9'.repeat(60)}}`, 1e60],
  ])('counts %s as %i: the largest count, nested counts multiplied', (source, n) =>
    expect(largestRepeat(source)).toBe(n),
  );

  it.each([
    ['\\{99999}', 'an escaped brace'],
    ['[{99999}]', 'braces inside a class'],
    ['a{,99999}', 'a brace that is no count in JavaScript'],
  ])('reads %s as characters, not a count (%s)', (source) => expect(largestRepeat(source)).toBe(1));
});

describe('superLinear', () => {
  it('refuses a count over the bound with its size, without running the analyser', () => {
    expect(superLinear('pin-a{99999}', 'pure')).toContain(
      `repeats a piece 99999 times (nested counts multiplied), more than ${MAX_REPEAT}`,
    );
    expect(superLinear('(x{100}){100}', 'pure')).toContain('repeats a piece 10000 times');
  });
});
