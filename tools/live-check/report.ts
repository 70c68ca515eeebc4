// What live-check prints: each finding with its count and an example, the promotion candidates, and a
// summary line; or all of it as JSON.
import type { Candidate, Finding } from './check.js';
import type { Observed } from './observed.js';

export interface LiveResult {
  readonly sources: readonly string[];
  readonly seen: Readonly<Record<Observed['signal'], number>>;
  readonly findings: readonly Finding[];
  readonly candidates: readonly Candidate[];
  /** Spans of the auto-instrumentations by scope: named by OpenTelemetry's conventions, not held to the registry. */
  readonly instrumented: Readonly<Record<string, number>>;
  readonly errors: number;
  readonly warnings: number;
}

export function summary(r: LiveResult): string {
  const s = r.seen;
  return `${r.errors} error(s), ${r.warnings} warning(s), ${r.candidates.length} promotion candidate(s) in ${s.metric} metric point(s), ${s.span} span(s), ${s.log + s.line} log record(s) and line(s)`;
}

export function textReport(r: LiveResult): string {
  const lines = [`ampyobs live-check: ${r.sources.join(', ') || 'no input'}`];
  for (const f of r.findings)
    lines.push(
      `${f.severity.padEnd(5)} ${f.rule.padEnd(20)} ${f.subject}: ${f.detail} (${f.count}×; e.g. ${f.example})`,
    );
  if (r.candidates.length) {
    lines.push('Ad-hoc signals, candidates for promotion into the spec:');
    for (const c of r.candidates)
      lines.push(
        `  ${c.signal} ${c.name} (${c.count}×${c.attributes.size ? `; attributes ${[...c.attributes].sort().join(', ')}` : ''}; e.g. from ${c.example})`,
      );
  }
  const instrumented = Object.entries(r.instrumented);
  if (instrumented.length)
    lines.push(
      `Spans of auto-instrumentation (OpenTelemetry's conventions, not listed span by span): ${instrumented.map(([scope, n]) => `${scope} ${n}`).join(', ')}`,
    );
  lines.push(`ampyobs live-check: ${summary(r)}`);
  return lines.join('\n');
}

export function jsonReport(r: LiveResult): string {
  return JSON.stringify(
    { ...r, candidates: r.candidates.map((c) => ({ ...c, attributes: [...c.attributes].sort() })) },
    null,
    2,
  );
}
