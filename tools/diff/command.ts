// `ampyobs diff --baseline <dir | git:<ref> | npm:<package>@<version>> [--spec DIR] [--format text|json|markdown]`
import { loadModel, oneOf, options, ToolError, type Io } from '../common.js';
import { BaselineError, openBaseline } from './baseline.js';
import { compareModels } from './compare.js';
import { jsonReport, markdownReport, textReport, versionLine, type Verdict } from './report.js';
import { actualBump, enough, nextVersion, requiredBump } from './version.js';

export const DIFF_USAGE = `Usage: ampyobs diff --baseline <dir | git:<ref> | npm:<package>@<version>> [--spec DIR] [--format text|json|markdown]
  Compares the spec with a baseline, classifies every change (breaking, compatible, cosmetic) and exits 1
  when the manifest's registry.version is not bumped enough for them (README, "Registry lifecycle").`;

/** Runs `ampyobs diff`; returns the exit code. */
export function runDiff(argv: readonly string[], io: Io): number {
  const o = options(
    argv,
    {
      baseline: { type: 'string' },
      spec: { type: 'string', default: 'spec' },
      format: { type: 'string', default: 'text' },
      help: { type: 'boolean', short: 'h' },
    },
    DIFF_USAGE,
    'diff',
  );
  if (o.help) {
    io.out(DIFF_USAGE);
    return 0;
  }
  const format = oneOf('format', o.format, ['text', 'json', 'markdown'] as const, DIFF_USAGE);
  if (!o.baseline) throw new ToolError(`diff needs --baseline\n${DIFF_USAGE}`, 2);
  const cur = loadModel(o.spec, io);
  let baseline;
  try {
    baseline = openBaseline(o.baseline, o.spec);
  } catch (e) {
    if (e instanceof BaselineError) throw new ToolError(e.message);
    throw e;
  }
  try {
    const base = loadModel(baseline.dir, io, `the baseline (${baseline.label})`, true);
    const changes = compareModels(base, cur);
    const required = requiredBump(
      changes.map((c) => c.level),
      base.registry.version,
    );
    const actual = actualBump(base.registry.version, cur.registry.version);
    const ok = changes.length === 0 ? actual !== 'down' && actual !== undefined : enough(actual, required);
    const verdict: Verdict = {
      base: { name: base.registry.name, version: base.registry.version, source: baseline.label },
      current: { name: cur.registry.name, version: cur.registry.version, source: o.spec },
      changes,
      required,
      actual,
      ok,
      suggested: nextVersion(base.registry.version, required),
    };
    io.out(
      format === 'json' ? jsonReport(verdict) : format === 'markdown' ? markdownReport(verdict) : textReport(verdict),
    );
    if (!ok && format !== 'text') io.err(`ampyobs diff: ${versionLine(verdict)}`);
    return ok ? 0 : 1;
  } finally {
    baseline.dispose();
  }
}
