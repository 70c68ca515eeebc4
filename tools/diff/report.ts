// What `ampyobs diff` prints: a line per change (text), the whole result (json), or migration notes
// (markdown): what dashboards, alerts and services must change, with PromQL before and after.
import { mdCode, mdText } from '../../codegen/escape/markdown.js';
import type { Change } from './compare.js';
import type { Level } from './rules.js';
import type { Bump } from './version.js';

export interface Verdict {
  readonly base: { readonly name: string; readonly version: string; readonly source: string };
  readonly current: { readonly name: string; readonly version: string; readonly source: string };
  readonly changes: readonly Change[];
  /** The bump the changes need. */
  readonly required: Bump;
  /** The bump the manifest's version makes; 'down' when it goes back, undefined when not a version. */
  readonly actual: Bump | 'down' | undefined;
  readonly ok: boolean;
  /** The smallest version that would do. */
  readonly suggested: string;
}

const LEVELS: readonly Level[] = ['breaking', 'compatible', 'cosmetic'];
const count = (v: Verdict, l: Level): number => v.changes.filter((c) => c.level === l).length;

/** The version sentence: what is needed, what the manifest does, and the fix when it is not enough. */
export function versionLine(v: Verdict): string {
  const counts = LEVELS.map((l) => `${count(v, l)} ${l}`).join(', ');
  const moves = `${v.base.version} → ${v.current.version}`;
  const made =
    v.actual === 'down'
      ? 'goes back'
      : v.actual === undefined
        ? 'is not a version'
        : v.actual === 'none'
          ? 'is unchanged'
          : `is a ${v.actual} bump`;
  if (v.ok)
    return `${counts}: needs ${v.required === 'none' ? 'no' : `a ${v.required}`} version bump; ${moves} ${made}: ok`;
  return `${counts}: needs a ${v.required} version bump, but ${moves} ${made}: set registry.version to ${v.suggested} or later in the manifest (ampyobs.yaml)`;
}

/** One line per change, breaking first. */
export function textReport(v: Verdict): string {
  const lines = [
    `ampyobs diff: ${v.base.name} ${v.base.version} (${v.base.source}) → ${v.current.name} ${v.current.version} (${v.current.source})`,
  ];
  for (const level of LEVELS)
    for (const c of v.changes.filter((x) => x.level === level)) {
      lines.push(`${level.padEnd(10)} ${c.kind} ${c.name}: ${c.detail} [${c.rule}]`, `           ${c.why}`);
      for (const s of c.steps) lines.push(`           → ${s}`);
      for (const q of c.queries) lines.push(`             before: ${q.before}`, `             after:  ${q.after}`);
    }
  if (!v.changes.length) lines.push('no changes');
  lines.push(`ampyobs diff: ${versionLine(v)}`);
  return lines.join('\n');
}

export function jsonReport(v: Verdict): string {
  return JSON.stringify(v, null, 2);
}

/** PromQL before and after, in one fenced block. */
function queryBlock(c: Change): string[] {
  if (!c.queries.length) return [];
  return [
    '',
    '  ```promql',
    ...c.queries.flatMap((q) => [`  # before`, `  ${q.before}`, `  # after`, `  ${q.after}`]),
    '  ```',
  ];
}

/** Migration notes: breaking changes and renames with what to do, then the rest as lists. */
export function markdownReport(v: Verdict): string {
  const out = [
    `# Migration notes: ${mdText(v.base.name)} ${mdText(v.base.version)} → ${mdText(v.current.version)}`,
    '',
    `Compared with ${mdText(v.base.source)}. ${mdText(versionLine(v))}.`,
  ];
  const act = v.changes.filter((c) => c.level === 'breaking' || c.steps.length || c.queries.length);
  const sections: [string, readonly Change[]][] = [
    ['Breaking changes: what dashboards, alerts and services must change', act.filter((c) => c.level === 'breaking')],
    ['Changes to act on before a transition ends', act.filter((c) => c.level !== 'breaking')],
  ];
  for (const [title, list] of sections) {
    if (!list.length) continue;
    out.push('', `## ${title}`, '');
    for (const c of list) {
      out.push(`- **${c.kind} ${mdCode(c.name, false)}**: ${mdText(c.detail)}. ${mdText(c.why)}`);
      for (const s of c.steps) out.push(`  - ${s}`);
      out.push(...queryBlock(c));
    }
  }
  const rest = v.changes.filter((c) => !act.includes(c));
  for (const level of ['compatible', 'cosmetic'] as const) {
    const list = rest.filter((c) => c.level === level);
    if (!list.length) continue;
    out.push('', `## ${level === 'compatible' ? 'Compatible changes' : 'Cosmetic changes'}`, '');
    for (const c of list) out.push(`- ${c.kind} ${mdCode(c.name, false)}: ${mdText(c.detail)}`);
  }
  if (!v.changes.length) out.push('', 'No changes.');
  return out.join('\n');
}
