// Generation is deterministic, the committed output is what the spec generates, and output is replaced all or nothing.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../codegen/cli.js';
import { renderFiles } from '../../codegen/generate.js';
import { readSpec } from '../../codegen/pipeline.js';
import { diffOutput, MARKER, writeOutput } from '../../codegen/write.js';
import { snapshot } from '../support/files.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SPEC = path.join(ROOT, 'spec');
const tmp = mkdtempSync(path.join(tmpdir(), 'ampyobs-gen-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const quiet = { out: () => {}, err: () => {} };
/** The command a service can run, with directories relative to the working directory and '/' separators. */
function regenerate(spec: string, out: string): string {
  const rel = (p: string): string => path.relative(process.cwd(), p).split(path.sep).join('/');
  return `npx ampyobs generate --spec ${rel(spec)} --out ${rel(out)}`;
}

describe('generate', () => {
  const result = readSpec(SPEC);

  it('accepts the base spec without errors', async () => {
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.model).toBeDefined();
  });

  it('renders byte-identical files from the same spec', async () => {
    const a = await renderFiles(result.model!);
    const b = await renderFiles(readSpec(SPEC).model!);
    expect([...a.keys()]).toEqual([...b.keys()]);
    for (const [k, v] of a) expect(b.get(k), k).toBe(v);
  });

  it('matches the committed generated/ exactly', async () => {
    expect(diffOutput(path.join(ROOT, 'generated'), await renderFiles(result.model!))).toEqual([]);
  });

  it('writes output that depends on the spec alone: not on the working directory, locale, time zone or environment', async () => {
    const out = path.join(tmp, 'elsewhere');
    const env = { ...process.env, LANG: 'tr_TR.UTF-8', LC_ALL: 'tr_TR.UTF-8', TZ: 'Pacific/Chatham', HOME: tmp, USER: 'someone-else' };
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'codegen', 'bin.ts'), 'generate', '--spec', SPEC, '--out', out], { cwd: tmp, env, encoding: 'utf8' });
    expect(diffOutput(out, new Map(Object.entries(snapshot(path.join(ROOT, 'generated'))).filter(([f]) => f !== MARKER)))).toEqual([]);
  });

  it('writes the same bytes on two CLI runs and marks every file do-not-edit, saying how to regenerate it', async () => {
    const one = path.join(tmp, 'one');
    expect(await runCli(['generate', '--spec', SPEC, '--out', one], quiet)).toBe(0);
    renameSync(one, path.join(tmp, 'first'));
    expect(await runCli(['generate', '--spec', SPEC, '--out', one], quiet)).toBe(0);
    const a = snapshot(one);
    expect(a).toEqual(snapshot(path.join(tmp, 'first')));
    for (const [file, text] of Object.entries(a)) {
      if (file === MARKER || file.endsWith('.json')) continue;
      expect(text, file).toMatch(/DO NOT EDIT/);
      // Markdown carries the header inside an HTML comment, where `--` must be broken up.
      if (file.endsWith('.md')) expect(text, file).toContain('npx ampyobs generate');
      else expect(text, file).toContain('run `npx ampyobs generate --spec <spec dir> --out <this dir>`');
      expect(text, file).not.toContain('npm run generate');
    }
  });

  it('check passes on fresh output and fails, naming the file, when output is stale', async () => {
    const out = path.join(tmp, 'stale');
    expect(await runCli(['generate', '--spec', SPEC, '--out', out], quiet)).toBe(0);
    expect(await runCli(['check', '--spec', SPEC, '--out', out], quiet)).toBe(0);
    writeFileSync(path.join(out, 'metrics.ts'), '// edited by hand\n');
    writeFileSync(path.join(out, 'leftover.ts'), '// from an older spec\n');
    const errors: string[] = [];
    expect(await runCli(['check', '--spec', SPEC, '--out', out], { out: () => {}, err: (s) => errors.push(s) })).toBe(1);
    expect(errors).toContain(`${path.join(out, 'metrics.ts')}: changed`);
    expect(errors).toContain(`${path.join(out, 'leftover.ts')}: extra`);
    expect(errors).toContain(`ampyobs: ${out} is stale (2 file(s)); run \`${regenerate(SPEC, out)}\` and commit the result`);
    // generate repairs it, removing the leftover.
    expect(await runCli(['generate', '--spec', SPEC, '--out', out], quiet)).toBe(0);
    expect(readdirSync(out)).not.toContain('leftover.ts');
    expect(await runCli(['check', '--spec', SPEC, '--out', out], quiet)).toBe(0);
  });

  it('refuses to replace a directory it did not generate, leaving it intact', async () => {
    const out = path.join(tmp, 'users-own');
    mkdirSync(out, { recursive: true });
    writeFileSync(path.join(out, 'notes.md'), 'mine\n');
    const errors: string[] = [];
    expect(await runCli(['generate', '--spec', SPEC, '--out', out], { out: () => {}, err: (s) => errors.push(s) })).toBe(1);
    expect(errors.join('\n')).toMatch(/refusing to replace it/);
    expect(snapshot(out)).toEqual({ 'notes.md': 'mine\n' });
    expect(() => writeOutput(out, new Map([['a.ts', 'x']]))).toThrow(/did not generate/);
  });

  it('rejects unknown commands and options with usage (exit 2)', async () => {
    expect(await runCli(['frobnicate'], quiet)).toBe(2);
    expect(await runCli(['generate', '--bogus'], quiet)).toBe(2);
    expect(await runCli([], quiet)).toBe(2);
  });

  it('runs as a program: `ampyobs check` on this repository exits 0', async () => {
    const out = execFileSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['codegen/bin.ts', 'check'], { cwd: ROOT, encoding: 'utf8' });
    expect(out).toMatch(/spec valid, generated up to date/);
  });
});
