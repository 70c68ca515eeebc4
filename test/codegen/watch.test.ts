// generate --watch regenerates after every save, an editor's atomic rename and a new file included, and
// never runs two generations at once.
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { watchSpec, type SpecWatch } from '../../codegen/watch.js';

let dir = '';
let watching: SpecWatch | undefined;
afterEach(async () => {
  await watching?.close();
  watching = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function specDir(): string {
  dir = mkdtempSync(path.join(tmpdir(), 'ampyobs-watch-'));
  writeFileSync(path.join(dir, 'ops.yaml'), 'v0\n');
  return dir;
}

const WAIT = { timeout: 10_000, interval: 20 };

describe('generate --watch', () => {
  it('runs again after each save: in place, by an atomic rename, after a failed run, in a new subdirectory', async () => {
    const d = specDir();
    const seen: string[] = [];
    const errors: Error[] = [];
    let fail = false;
    watching = watchSpec(
      d,
      async () => {
        seen.push(readFileSync(path.join(d, 'ops.yaml'), 'utf8').trim());
        if (fail) throw new Error('spec error');
      },
      (e) => errors.push(e),
    );
    await watching.ready;

    fail = true;
    writeFileSync(path.join(d, 'ops.yaml'), 'broken\n');
    await vi.waitFor(() => expect(seen.at(-1)).toBe('broken'), WAIT);
    await vi.waitFor(() => expect(errors.map((e) => e.message)).toEqual(['spec error']), WAIT);

    // The fix, saved a moment after the error, the way the watch used to miss it.
    fail = false;
    writeFileSync(path.join(d, 'ops.yaml'), 'fixed\n');
    await vi.waitFor(() => expect(seen.at(-1)).toBe('fixed'), WAIT);

    // Editors save by writing a temporary file and renaming it over the original.
    writeFileSync(path.join(d, '.ops.yaml.swp'), 'renamed\n');
    renameSync(path.join(d, '.ops.yaml.swp'), path.join(d, 'ops.yaml'));
    await vi.waitFor(() => expect(seen.at(-1)).toBe('renamed'), WAIT);
    // And the file that replaced it is watched in turn: an edit of it in place is seen too.
    writeFileSync(path.join(d, 'ops.yaml'), 'edited after the rename\n');
    await vi.waitFor(() => expect(seen.at(-1)).toBe('edited after the rename'), WAIT);

    mkdirSync(path.join(d, 'more'));
    await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(5), WAIT);
    const before = seen.length;
    writeFileSync(path.join(d, 'more', 'x.yaml'), 'x\n');
    await vi.waitFor(() => expect(seen.length).toBeGreaterThan(before), WAIT);
  });

  it('runs one generation at a time: changes during a run give one more run, on the files as they are then', async () => {
    const d = specDir();
    const seen: string[] = [];
    let active = 0;
    let most = 0;
    let release: () => void = () => {};
    let hold = true;
    watching = watchSpec(
      d,
      async () => {
        active++;
        most = Math.max(most, active);
        seen.push(readFileSync(path.join(d, 'ops.yaml'), 'utf8').trim());
        if (hold) await new Promise<void>((r) => (release = r));
        active--;
      },
      () => {},
    );
    await watching.ready;

    writeFileSync(path.join(d, 'ops.yaml'), 'first\n');
    await vi.waitFor(() => expect(seen).toEqual(['first']), WAIT);
    // Two saves while the first run is still going.
    writeFileSync(path.join(d, 'ops.yaml'), 'second\n');
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(path.join(d, 'ops.yaml'), 'third\n');
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual(['first']);
    hold = false;
    release();
    await vi.waitFor(() => expect(seen).toEqual(['first', 'third']), WAIT);
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual(['first', 'third']);
    expect(most).toBe(1);
  });
});
