// `ampyobs generate --watch` as a user runs it: a spec error is reported, and the fix saved after it,
// by an editor's write-and-rename and then in place, is generated.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MINI = path.join(ROOT, 'test', 'fixtures', 'mini-spec');
const dir = mkdtempSync(path.join(tmpdir(), 'ampyobs-watch-cli-'));
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill();
  rmSync(dir, { recursive: true, force: true });
});

const WAIT = { timeout: 60_000, interval: 100 };

describe('generate --watch', () => {
  it('reports a spec error, then generates the fix saved after it, however the editor saves', async () => {
    const spec = path.join(dir, 'spec');
    const out = path.join(dir, 'generated');
    cpSync(MINI, spec, { recursive: true });
    const signals = path.join(spec, 'signals.yaml');
    const original = readFileSync(signals, 'utf8');
    let output = '';
    child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'codegen', 'bin.ts'), 'generate', '--spec', spec, '--out', out, '--watch'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    await vi.waitFor(() => expect(output).toContain('watching'), WAIT);
    const generated = (): string => readFileSync(path.join(out, 'metrics.ts'), 'utf8');
    expect(generated()).toContain('Rejections.');

    // A typo, saved the way sed -i and many editors save: a new file renamed over the old one.
    writeFileSync(`${signals}.tmp`, original.replace('instrument: counter', 'instrumnt: counter'));
    renameSync(`${signals}.tmp`, signals);
    await vi.waitFor(() => expect(output).toMatch(/signals\.yaml:\d+:\d+ error schema: .*instrumnt/), WAIT);
    expect(output).toContain('nothing was written');

    // The fix, with a changed brief, written in place into the file that replaced the original.
    writeFileSync(signals, original.replace('brief: Rejections.', 'brief: Rejections, as fixed.'));
    await vi.waitFor(() => expect(generated()).toContain('Rejections, as fixed.'), WAIT);
    expect(output).not.toMatch(/^\s+at /m);
  }, 120_000);
});
