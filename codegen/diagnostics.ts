import type { RuleId } from './diagnostic-rules.js';
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

/** Formats one diagnostic the way editors and CI logs link it: `file:line:col error rule: message`. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col} ${d.severity} ${d.rule}: ${d.message}`;
}

/** Orders diagnostics by file, then position, so a run's report is stable. */
export function sortDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  return [...list].sort(
    (a, b) =>
      compareText(a.file, b.file) || a.line - b.line || a.col - b.col || compareText(a.rule, b.rule),
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
