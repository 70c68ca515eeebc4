// Every bad spec of the catalogue reports its rule id at its file and line. An error leaves the output
// untouched; a warning is printed and generation goes on. The catalogue, the README's rule list and
// the codegen's own list of rules (codegen/diagnostic-rules.ts) hold exactly the same rules.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../../codegen/cli.js';
import { SPEC_RULES, type SpecRule } from '../../codegen/diagnostic-rules.js';
import { MARKER } from '../../codegen/write.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const CATALOGUE = path.join(FIXTURES, 'bad-specs');

interface Case {
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
}

const root = mkdtempSync(path.join(tmpdir(), 'ampyobs-bad-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const names = readdirSync(CATALOGUE)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const cases = new Map(names.map((name) => [name, parse(readFileSync(path.join(CATALOGUE, name), 'utf8')) as Case]));

/** The README's rule list: backticked ids of its "Validation rules" paragraph, errors then warnings. */
function readmeRules(): { errors: string[]; warnings: string[] } {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('Validation rules');
  const paragraph = readme.slice(start, readme.indexOf('\n\n', start));
  const [errors = '', warnings = ''] = paragraph.split('Warnings:');
  const ids = (s: string): string[] => [...s.matchAll(/`([a-z][a-z-]*)`/g)].map((m) => m[1]!);
  return { errors: ids(errors), warnings: ids(warnings) };
}

describe('bad spec catalogue', () => {
  const rules = Object.keys(SPEC_RULES) as SpecRule[];

  it('lists in the README exactly the rules the codegen reports, with their severity', () => {
    const { errors, warnings } = readmeRules();
    expect([...errors].sort()).toEqual(rules.filter((r) => SPEC_RULES[r] === 'error').sort());
    expect([...warnings].sort()).toEqual(rules.filter((r) => SPEC_RULES[r] === 'warning').sort());
  });

  it('has a case for every rule, and only for rules that exist, with their severity', () => {
    const covered = new Set([...cases.values()].map((c) => c.rule));
    expect(rules.filter((r) => !covered.has(r))).toEqual([]);
    for (const [name, c] of cases) {
      expect(rules, name).toContain(c.rule);
      expect(c.severity ?? 'error', name).toBe(SPEC_RULES[c.rule]);
    }
  });

  it.each(names)('%s', async (name) => {
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
  });
});
