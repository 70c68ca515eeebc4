// A command's options: what the user typed wrong comes back in words naming the command, with the
// option it most resembles and the command's usage, as a usage error (exit 2).
import { describe, expect, it } from 'vitest';
import { options, ToolError } from '../../tools/common.js';

const USAGE = 'Usage: ampyobs generate [--spec DIR] [--out DIR] [--watch]';
const OPTS = {
  spec: { type: 'string' },
  out: { type: 'string' },
  watch: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function problem(...argv: string[]): { message: string; code: number } {
  try {
    options(argv, OPTS, USAGE, 'generate');
  } catch (e) {
    if (e instanceof ToolError) return { message: e.message, code: e.code };
    throw e;
  }
  throw new Error(`accepted: ${argv.join(' ')}`);
}

describe('options', () => {
  it.each([
    [['--bogus'], "unknown option '--bogus' for 'generate'"],
    [['--ot', 'x'], "unknown option '--ot' for 'generate'; did you mean '--out'?"],
    [['--spec', 's', "--it's"], "unknown option '--it's' for 'generate'"],
    [['-x'], "unknown option '-x' for 'generate'"],
    [['--constructor'], "unknown option '--constructor' for 'generate'"],
    [['stray'], "unexpected argument 'stray' for 'generate', which takes options only"],
    [['--spec'], '--spec needs a value'],
    [['--spec', '--out', 'x'], '--spec needs a value'],
    [['--watch=yes'], '--watch takes no value'],
  ])('%j: %s, then the usage', (argv, expected) => {
    expect(problem(...argv)).toEqual({ message: `${expected}\n${USAGE}`, code: 2 });
  });

  it('returns the values when all is well', () => {
    expect(options(['--spec', 's', '--watch'], OPTS, USAGE, 'generate')).toEqual({ spec: 's', watch: true });
  });
});
