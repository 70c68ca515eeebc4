import path from 'node:path';

/**
 * How generated file headers say to regenerate. Headers name no directory: the output must not depend
 * on where or how the command ran (only `check`'s message, printed at run time, names the real ones).
 */
export const REGENERATE_HINT = 'npx ampyobs generate --spec <spec dir> --out <this dir>';

/** Where a run reads its spec and writes its output, as given on the command line. */
export interface OutputTarget {
  readonly specDir: string;
  readonly outDir: string;
}

/**
 * The command that regenerates an output, for file headers and hints: `npx ampyobs generate --spec
 * telemetry --out src/telemetry`. It must work in a service, which has the bin but not this
 * repository's npm scripts. Directories are relative to the working directory with `/` separators,
 * so the text, and with it every generated file, is the same on every machine that runs the same
 * command from the same place.
 */
export function generateCommand(target: OutputTarget, cwd = process.cwd()): string {
  return `npx ampyobs generate --spec ${shellArg(relative(cwd, target.specDir))} --out ${shellArg(relative(cwd, target.outDir))}`;
}

function relative(cwd: string, dir: string): string {
  const rel = path.relative(cwd, path.resolve(cwd, dir));
  return (rel === '' ? '.' : rel).split(path.sep).join('/');
}

/**
 * A path as one shell word. The command lands in line comments of TypeScript, YAML and jsonnet, so
 * line terminators must never reach it verbatim: they are written as `\uXXXX` (such a path is
 * pathological, and a hint that does not run beats a comment that ends early).
 */
function shellArg(s: string): string {
  if (/^[\w./@%+=:,-]+$/.test(s)) return s;
  const quoted = `'${s.replace(/'/g, `'\\''`)}'`;
  return quoted.replace(/[\p{Cc}\u2028\u2029]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
