// The bad spec catalogue (test/fixtures/bad-specs/): each case is written over the mini spec and must
// make `ampyobs generate` report its rule at its file and line. An error leaves the previous output
// untouched; a warning is printed and generation goes on. test/codegen/bad-specs.test.ts runs the cases
// in process; the `redos` cases, whose check runs recheck's native binary as a child process and takes
// seconds, run in test/codegen/bad-specs-redos.slow.test.ts.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../../codegen/cli.js';
import type { SpecRule } from '../../codegen/diagnostic-rules.js';
import { MARKER } from '../../codegen/write.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const CATALOGUE = path.join(FIXTURES, 'bad-specs');

export interface Case {
  /** Expected rule id. */
  rule: SpecRule;
  /** `warning` when the rule only warns: generation then succeeds. */
  severity?: 'error' | 'warning';
  /** Spec-relative file the diagnostic points at. */
  file: string;
  /** Expected 1-based line of the diagnostic. */
  line: number;
  /** Optional substring the message must contain. */
  message?: string;
  /** Files written over the mini spec (path → content); null deletes a file. */
  files: Record<string, string | null>;
  /** Symbolic links made in the spec (path → target). */
  symlinks?: Record<string, string>;
  /** The diagnostic is the only one: nothing reported on top of it as a consequence. */
  alone?: boolean;
}

/** Every case of the catalogue, by file name, in name order. */
export const cases: ReadonlyMap<string, Case> = new Map(
  readdirSync(CATALOGUE)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((name) => [name, parse(readFileSync(path.join(CATALOGUE, name), 'utf8')) as Case]),
);

/** Whether checking the case runs another program (recheck's native ReDoS analyser): the slow tier's. */
export function runsAnotherProgram(c: Case): boolean {
  return c.rule === 'redos';
}

/** Generates the case `name` under `root` and asserts its diagnostic and what happened to the output. */
export async function expectBadSpec(root: string, name: string): Promise<void> {
  const c = cases.get(name)!;
  const dir = path.join(root, name.replace(/\.yaml$/, ''));
  const spec = path.join(dir, 'spec');
  const out = path.join(dir, 'generated');
  cpSync(path.join(FIXTURES, 'mini-spec'), spec, { recursive: true });
  for (const [rel, content] of Object.entries(c.files)) {
    const p = path.join(spec, rel);
    if (content === null) rmSync(p, { force: true });
    else {
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, content);
    }
  }
  for (const [rel, target] of Object.entries(c.symlinks ?? {})) symlinkSync(target, path.join(spec, rel));
  // A previous, good generation that must survive a failed run byte for byte.
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, MARKER), 'previous\n');
  writeFileSync(path.join(out, 'index.ts'), '// previous output\n');

  const lines: string[] = [];
  const code = await runCli(['generate', '--spec', spec, '--out', out], { out: () => {}, err: (s) => lines.push(s) });

  const severity = c.severity ?? 'error';
  const where = `${path.join(spec, c.file)}:${c.line}:`;
  const hit = lines.find((e) => e.startsWith(where) && e.includes(` ${severity} ${c.rule}: `));
  expect(hit, `expected "${where}<col> ${severity} ${c.rule}: …" among:\n${lines.join('\n')}`).toBeDefined();
  if (c.message) expect(hit).toContain(c.message);
  if (c.alone) expect(lines.filter((l) => / (error|warning) [a-z-]+: /.test(l))).toEqual([hit]);
  expect(lines.join('\n')).not.toMatch(/^\s+at /m);
  if (severity === 'warning') {
    expect(lines.filter((l) => /:\d+:\d+ error /.test(l))).toEqual([]);
    expect(code).toBe(0);
    expect(existsSync(path.join(out, 'metrics.ts'))).toBe(true);
  } else {
    expect(code).toBe(1);
    expect(readdirSync(out).sort()).toEqual([MARKER, 'index.ts']);
    expect(readFileSync(path.join(out, 'index.ts'), 'utf8')).toBe('// previous output\n');
  }
}
