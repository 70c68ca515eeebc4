// Whatever sits in a spec directory, generate answers with located diagnostics and exit 1, never a
// stack trace, and leaves the previous output as it was.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../codegen/cli.js';
import { InternalError } from '../../codegen/diagnostics.js';
import { renderFiles } from '../../codegen/generate.js';
import { MAX_SPEC_FILE_BYTES } from '../../codegen/load.js';
import { readSpec } from '../../codegen/pipeline.js';
import { MARKER } from '../../codegen/write.js';

const MINI = path.resolve(import.meta.dirname, '../fixtures/mini-spec');
const root = mkdtempSync(path.join(tmpdir(), 'ampyobs-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
/** A copy of the mini spec, changed by `setup`, and an output directory holding a previous generation. */
function workspace(setup: (spec: string) => void): { spec: string; out: string } {
  const dir = path.join(root, String(n++));
  const spec = path.join(dir, 'spec');
  const out = path.join(dir, 'generated');
  cpSync(MINI, spec, { recursive: true });
  setup(spec);
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, MARKER), 'previous\n');
  writeFileSync(path.join(out, 'index.ts'), '// previous output\n');
  return { spec, out };
}

async function generate(spec: string, out: string): Promise<{ code: number | 'watching'; lines: string[] }> {
  const lines: string[] = [];
  const io = { out: (s: string) => lines.push(s), err: (s: string) => lines.push(s) };
  return { code: await runCli(['generate', '--spec', spec, '--out', out], io), lines };
}

/** Exit 1, a diagnostic of `rule` at `file:line:`, no stack trace, previous output untouched. */
async function expectRejected(
  setup: (spec: string) => void,
  file: string,
  line: number,
  rule: string,
  message: RegExp,
): Promise<void> {
  const { spec, out } = workspace(setup);
  const { code, lines } = await generate(spec, out);
  expect(code).toBe(1);
  const where = `${path.join(spec, file)}:${line}:`;
  const hit = lines.find((l) => l.startsWith(where) && l.includes(` error ${rule}: `));
  expect(hit, `expected "${where}<col> error ${rule}: …" among:\n${lines.join('\n')}`).toBeDefined();
  expect(hit).toMatch(message);
  expect(lines.join('\n')).not.toMatch(/^\s+at /m);
  expect(readdirSync(out).sort()).toEqual([MARKER, 'index.ts']);
  expect(readFileSync(path.join(out, 'index.ts'), 'utf8')).toBe('// previous output\n');
}

describe('hostile files in a spec directory', () => {
  it('a YAML alias bomb', async () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    await expectRejected(
      (s) => writeFileSync(path.join(s, 'bomb.yaml'), `${levels.join('\n')}\n`),
      'bomb.yaml',
      1,
      'yaml-syntax',
      /aliases/,
    );
  });

  it('a symbolic link to a directory that contains it', async () => {
    await expectRejected(
      (s) => symlinkSync('..', path.join(s, 'nested-loop')),
      'nested-loop',
      1,
      'spec-file',
      /symbolic link loop/,
    );
  });

  it('a symbolic link to itself', async () => {
    await expectRejected(
      (s) => symlinkSync('self.yaml', path.join(s, 'self.yaml')),
      'self.yaml',
      1,
      'spec-file',
      /symbolic link loop/,
    );
  });

  it('a broken symbolic link', async () => {
    await expectRejected(
      (s) => symlinkSync('missing.yaml', path.join(s, 'dangling.yaml')),
      'dangling.yaml',
      1,
      'spec-file',
      /broken symbolic link/,
    );
  });

  it('a named pipe, which would block a reader forever', async () => {
    await expectRejected(
      (s) => execFileSync('mkfifo', [path.join(s, 'pipe.yaml')]),
      'pipe.yaml',
      1,
      'spec-file',
      /not a regular file/,
    );
  });

  it('a binary file', async () => {
    await expectRejected(
      (s) => writeFileSync(path.join(s, 'blob.yaml'), Buffer.from([0x61, 0x3a, 0x20, 0xff, 0xfe, 0x00, 0x81])),
      'blob.yaml',
      1,
      'spec-file',
      /not UTF-8 text/,
    );
  });

  it('a NUL byte in UTF-8 text', async () => {
    await expectRejected(
      (s) => writeFileSync(path.join(s, 'nul.yaml'), 'attributes: []\nfoo: "a\0b"\n'),
      'nul.yaml',
      2,
      'spec-file',
      /NUL byte/,
    );
  });

  it('a file over the size limit', async () => {
    await expectRejected(
      (s) => writeFileSync(path.join(s, 'huge.yaml'), `# ${'x'.repeat(MAX_SPEC_FILE_BYTES)}\n`),
      'huge.yaml',
      1,
      'spec-file',
      new RegExp(`over the ${MAX_SPEC_FILE_BYTES}-byte limit`),
    );
  });

  it.each([
    ['flow sequences', `x: ${'['.repeat(200_000)}${']'.repeat(200_000)}\n`, 1],
    ['block sequences', `x:\n${'- '.repeat(100_000)}y\n`, 2],
  ])('%s nested deep enough to exhaust the stack', async (_, text, line) => {
    await expectRejected(
      (s) => writeFileSync(path.join(s, 'deep.yaml'), text),
      'deep.yaml',
      line,
      'yaml-syntax',
      /nested too deeply to read/,
    );
  });

  it('a control character written as a YAML escape', async () => {
    await expectRejected(
      (s) =>
        writeFileSync(
          path.join(s, 'bell.yaml'),
          'attributes:\n  - id: bell\n    type: string\n    brief: "ring \\a"\n',
        ),
      'bell.yaml',
      4,
      'invalid-text',
      /U\+0007/,
    );
  });

  it('a spec directory that is a file', async () => {
    const dir = path.join(root, String(n++));
    mkdirSync(dir, { recursive: true });
    const spec = path.join(dir, 'spec.yaml');
    writeFileSync(spec, 'registry: { name: x, version: 1.0.0 }\n');
    const { code, lines } = await generate(spec, path.join(dir, 'out'));
    expect(code).toBe(1);
    expect(lines.join('\n')).toMatch(/error import-not-found: .*spec\.yaml is a file, not a spec directory/);
    expect(lines.join('\n')).not.toMatch(/^\s+at /m);
  });

  it('reads each file once when links lead to it twice, and still generates', async () => {
    const { spec, out } = workspace((s) => {
      mkdirSync(path.join(s, 'shared'));
      symlinkSync('../signals.yaml', path.join(s, 'shared', 'signals.yaml'));
      symlinkSync('shared', path.join(s, 'again'));
    });
    const { code, lines } = await generate(spec, out);
    expect(lines.filter((l) => / error /.test(l))).toEqual([]);
    expect(code).toBe(0);
  });
});

describe('an unexpected error', () => {
  it('in an emitter becomes an InternalError naming the file it was rendering', async () => {
    // renderFiles is public API: a model built by hand may hold what no spec can.
    const model = readSpec(MINI).model!;
    const broken = { ...model, metrics: [{ ...model.metrics[0]!, instrument: 'summary' as never }] };
    const err = await renderFiles(broken).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalError);
    expect((err as InternalError).stage).toBe('rendering metrics.ts');
  });
});
