// Every bad spec of the catalogue reports its rule id at its file and line. An error leaves the output
// untouched; a warning is printed and generation goes on. The catalogue and the README's rule list
// derive from the rule table (codegen/diagnostic-rules.ts): each rule's example case is in the
// catalogue, every case names a rule of the table, and the README lists the table's rules.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../../codegen/cli.js';
import { RULES, SPEC_RULES, type SpecRule, type Stage } from '../../codegen/diagnostic-rules.js';
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

/** The paragraph of the README that lists the rules (from "Validation rules" to the next blank line). */
function readmeRules(): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('Validation rules');
  return readme.slice(start, readme.indexOf('\n\n', start));
}

const STAGE_WORDS: Record<Stage, string> = {
  load: 'reading files',
  schema: 'the schema',
  merge: 'merging',
  resolve: 'resolving references',
  validate: 'validation',
  emit: 'rendering',
};

/** The README paragraph the rule table makes: errors by stage, then warnings, wrapped like the README. */
function expectedReadmeRules(): string {
  const ids = (pick: (r: (typeof RULES)[SpecRule]) => boolean): string =>
    (Object.keys(RULES) as SpecRule[])
      .filter((id) => pick(RULES[id]))
      .map((id) => `\`${id}\``)
      .join(', ');
  const errors = (Object.keys(STAGE_WORDS) as Stage[]).map((stage) => `${STAGE_WORDS[stage]} ${ids((r) => r.severity === 'error' && r.stage === stage)}`);
  const text = `Validation rules, by the stage that checks them (each diagnostic names its rule; the table in [\`codegen/diagnostic-rules.ts\`](codegen/diagnostic-rules.ts) gives each rule its module and says what it refuses). Errors: ${errors.join('; ')}. Warnings: ${ids((r) => r.severity === 'warning')}.`;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > 104) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join('\n');
}

describe('bad spec catalogue', () => {
  const rules = Object.keys(SPEC_RULES) as SpecRule[];

  it('is what the README lists: the rules of the table, by stage and severity', () => {
    const expected = expectedReadmeRules();
    expect(readmeRules(), `README.md must list the rules of codegen/diagnostic-rules.ts; paste this paragraph:\n\n${expected}\n`).toBe(expected);
  });

  it("holds each rule's example case, and cases only for rules of the table, with their severity", () => {
    for (const id of rules) {
      const example = `${RULES[id].example}.yaml`;
      expect(cases.get(example)?.rule, `${id}: its example test/fixtures/bad-specs/${example}`).toBe(id);
    }
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
