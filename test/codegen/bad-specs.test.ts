// Every bad spec of the catalogue reports its rule id at its file and line. An error leaves the output
// untouched; a warning is printed and generation goes on. The catalogue and the README's rule list
// derive from the rule table (codegen/diagnostic-rules.ts): each rule's example case is in the
// catalogue, every case names a rule of the table, and the README lists the table's rules.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RULES, SPEC_RULES, type SpecRule, type Stage } from '../../codegen/diagnostic-rules.js';
import { cases, expectBadSpec, runsAnotherProgram } from '../support/bad-spec.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

const root = mkdtempSync(path.join(tmpdir(), 'ampyobs-bad-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The cases run here, in process; the others run in bad-specs-redos.slow.test.ts. */
const names = [...cases].filter(([, c]) => !runsAnotherProgram(c)).map(([name]) => name);

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
  const errors = (Object.keys(STAGE_WORDS) as Stage[]).map(
    (stage) => `${STAGE_WORDS[stage]} ${ids((r) => r.severity === 'error' && r.stage === stage)}`,
  );
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
    expect(
      readmeRules(),
      `README.md must list the rules of codegen/diagnostic-rules.ts; paste this paragraph:\n\n${expected}\n`,
    ).toBe(expected);
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

  it.each(names)('%s', (name) => expectBadSpec(root, name));
});
