import { RULES, type RuleId, type RuleOf, type SpecRule } from './diagnostic-rules.js';
import { compareText } from './order.js';

/** A problem found in a spec, reported as `file:line:col severity rule: message`. */
export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly severity: 'error' | 'warning';
  readonly rule: RuleId;
  readonly message: string;
}

/**
 * The diagnostics a module raises about a file as a whole, or at a line and column it found itself. The
 * module names itself, so the compiler accepts only the rules the rule table gives it, and the table
 * decides their severity.
 */
export function fileReporter<M extends string>(
  module: M,
): (file: string, rule: RuleOf<M>, message: string, line?: number, col?: number) => Diagnostic {
  return (file, rule, message, line = 1, col = 1) => {
    assertOwner(module, rule);
    return { file, line, col, severity: RULES[rule].severity, rule, message };
  };
}

/** Refuses a rule raised by a module the rule table does not name (the compiler catches it, unless cast away). */
export function assertOwner(module: string, rule: SpecRule): void {
  if (RULES[rule].module !== module)
    throw new Error(`${module} raised rule ${rule}, which the rule table gives to ${RULES[rule].module}`);
}

/** Formats one diagnostic the way editors and CI logs link it: `file:line:col error rule: message`. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col} ${d.severity} ${d.rule}: ${d.message}`;
}

/** Orders diagnostics by file, then position, so a run's report is stable. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) => compareText(a.file, b.file) || a.line - b.line || a.col - b.col || compareText(a.rule, b.rule),
  );
}

/** True when any diagnostic is an error (warnings alone do not fail a run). */
export function hasErrors(list: readonly Diagnostic[]): boolean {
  return list.some((d) => d.severity === 'error');
}

/** Raised by the pipeline when a spec has errors; carries every diagnostic of the run. */
export class SpecError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super(`spec has ${errors.length} error(s):\n${errors.map(formatDiagnostic).join('\n')}`);
    this.name = 'SpecError';
  }
}

/**
 * An unexpected error inside ampyobs, tagged with what it was doing, so the CLI can report it as one
 * `internal` diagnostic instead of a stack trace.
 */
export class InternalError extends Error {
  constructor(
    readonly stage: string,
    cause: unknown,
  ) {
    super(`${stage}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'InternalError';
  }
}

/** The one diagnostic an unexpected error becomes. */
export function internalDiagnostic(file: string, stage: string, cause: unknown): Diagnostic {
  const why = cause instanceof Error ? `${cause.name}: ${cause.message.split('\n')[0]}` : String(cause);
  return {
    file,
    line: 1,
    col: 1,
    severity: 'error',
    rule: 'internal',
    message: `unexpected error while ${stage} (${why}); this is a bug in ampyobs: please report it with the spec that triggers it`,
  };
}
