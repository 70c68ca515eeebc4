// What the CLI's commands share: output streams, reading a spec, parsing options.
import { existsSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { formatDiagnostic } from '../codegen/diagnostics.js';
import type { Model } from '../codegen/model.js';
import { readSpec } from '../codegen/pipeline.js';
import { suggest } from '../codegen/suggest.js';

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

/**
 * A command's options, strictly: an unknown option, a missing value or a stray argument is a usage error
 * naming the command (`generate`, `dashboards push`), followed by its usage.
 */
export function options<T extends NonNullable<ParseArgsConfig['options']>>(
  argv: readonly string[],
  opts: T,
  usage: string,
  command: string,
): ReturnType<typeof parseArgs<{ options: T; allowPositionals: false }>>['values'] {
  try {
    return parseArgs({ args: [...argv], options: opts, allowPositionals: false, strict: true }).values;
  } catch (e) {
    throw new ToolError(`${usageProblem(e, argv, opts, command)}\n${usage}`, 2);
  }
}

/**
 * What parseArgs refused, in words of our own: its messages name no command, and a bad option comes
 * out of tokens rather than out of their quotes (which a quote in the option would unbalance).
 */
function usageProblem(
  e: unknown,
  argv: readonly string[],
  opts: NonNullable<ParseArgsConfig['options']>,
  command: string,
): string {
  const code = (e as { code?: unknown }).code;
  const message = e instanceof Error ? e.message : String(e);
  const { tokens } = parseArgs({ args: [...argv], options: opts, strict: false, allowPositionals: true, tokens: true });
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const unknown = tokens.find((t) => t.kind === 'option' && !Object.hasOwn(opts, t.name));
    if (unknown?.kind === 'option') {
      const known = Object.keys(opts).map((name) => `--${name}`);
      return `unknown option '${unknown.rawName}' for '${command}'${suggest(unknown.rawName, known)}`;
    }
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const stray = tokens.find((t) => t.kind === 'positional');
    if (stray?.kind === 'positional')
      return `unexpected argument '${stray.value}' for '${command}', which takes options only`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = /'(-[^' ]+)/.exec(message)?.[1];
    if (flag) return /does not take/.test(message) ? `${flag} takes no value` : `${flag} needs a value`;
  }
  return message;
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
