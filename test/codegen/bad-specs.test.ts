// Every bad spec of the catalogue fails generate with its rule id at its file and line, and leaves the output untouched.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../../codegen/cli.js';
import { MARKER } from '../../codegen/write.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const CATALOGUE = path.join(FIXTURES, 'bad-specs');

interface Case {
  /** Expected rule id. */
  rule: string;
  /** Spec-relative file the diagnostic points at. */
  file: string;
  /** Expected 1-based line of the diagnostic. */
  line: number;
  /** Optional substring the message must contain. */
  message?: string;
  /** Files written over the mini spec (path → content); null deletes a file. */
  files: Record<string, string | null>;
}

const root = mkdtempSync(path.join(tmpdir(), 'ampyobs-bad-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cases = readdirSync(CATALOGUE)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('bad spec catalogue', () => {
  it('has a case for each rule it documents', async () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)('%s', async (name) => {
    const c = parse(readFileSync(path.join(CATALOGUE, name), 'utf8')) as Case;
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
    // A previous, good generation that must survive the failed run byte for byte.
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, MARKER), 'previous\n');
    writeFileSync(path.join(out, 'index.ts'), '// previous output\n');

    const errors: string[] = [];
    const code = await runCli(['generate', '--spec', spec, '--out', out], { out: () => {}, err: (s) => errors.push(s) });

    expect(code).toBe(1);
    const where = `${path.join(spec, c.file)}:${c.line}:`;
    const hit = errors.find((e) => e.startsWith(where) && e.includes(` error ${c.rule}: `));
    expect(hit, `expected "${where}<col> error ${c.rule}: …" among:\n${errors.join('\n')}`).toBeDefined();
    if (c.message) expect(hit).toContain(c.message);
    expect(readdirSync(out).sort()).toEqual([MARKER, 'index.ts']);
    expect(readFileSync(path.join(out, 'index.ts'), 'utf8')).toBe('// previous output\n');
  });
});
