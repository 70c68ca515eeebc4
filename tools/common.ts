// What the registry tools (diff, live-check, emit) share: output streams, reading a spec, parsing options.
import { existsSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { formatDiagnostic } from '../codegen/diagnostics.js';
import type { Model } from '../codegen/model.js';
import { readSpec } from '../codegen/pipeline.js';

/** Where a command writes: stdout and stderr, one string per line. */
export interface Io {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
}

/** A usage error (exit 2) or a failure (exit 1), printed as one line without a stack trace. */
export class ToolError extends Error {
  constructor(
    message: string,
    readonly code: 1 | 2 = 1,
  ) {
    super(message);
  }
}

/**
 * The resolved model of a spec directory; its errors are printed and end the command (exit 1). A
 * baseline is not validated: it was published under the checks of its day.
 */
export function loadModel(specDir: string, io: Io, what = specDir, baseline = false): Model {
  // The default, ./spec, is this repository's layout; a service's spec is wherever it generates from.
  if (!baseline && !existsSync(specDir))
    throw new ToolError(
      `no spec directory ${specDir}: pass --spec with the folder your telemetry is generated from (the --spec of ampyobs generate)`,
    );
  const result = readSpec(specDir, { validate: !baseline });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  for (const d of errors) io.err(formatDiagnostic(d));
  if (!result.model) throw new ToolError(`${errors.length || 1} error(s) in ${what}; fix the spec first`);
  return result.model;
}

/** A command's options, strictly: an unknown option or a stray argument is a usage error. */
export function options<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: readonly string[],
  opts: T,
  usage: string,
): ReturnType<typeof parseArgs<{ options: T; allowPositionals: false }>>['values'] {
  try {
    return parseArgs({ args: [...argv], options: opts, allowPositionals: false, strict: true }).values;
  } catch (e) {
    throw new ToolError(`${(e as Error).message}\n${usage}`, 2);
  }
}

/** One value out of a fixed set, or a usage error naming them. */
export function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[], usage: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new ToolError(`--${flag} must be one of ${allowed.join(', ')}, not '${value}'\n${usage}`, 2);
}

/** A positive number of seconds, or a usage error. */
export function seconds(flag: string, value: string, usage: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0) || n > 86400)
    throw new ToolError(`--${flag} must be a number of seconds above 0 and at most 86400, not '${value}'\n${usage}`, 2);
  return n;
}
