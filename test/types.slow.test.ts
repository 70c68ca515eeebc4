// The compiler is the first line of defence: these run the real tsc on files that must compile and
// on files that must fail, each with the specific, actionable error a user would see.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const TSC = path.join(ROOT, 'node_modules', '.bin', 'tsc');
const FAIL_DIR = path.join(ROOT, 'test', 'types', 'fail');

interface TscError {
  file: string;
  line: number;
  code: string;
  message: string;
}

function runTsc(project: string): { status: number; errors: TscError[] } {
  let output: string;
  let status = 0;
  try {
    output = execFileSync(TSC, ['-p', project, '--pretty', 'false'], { cwd: ROOT, encoding: 'utf8' });
  } catch (e) {
    const err = e as { status: number; stdout: string };
    status = err.status;
    output = err.stdout;
  }
  const errors: TscError[] = [];
  for (const line of output.split('\n')) {
    const m = /^(.+?)\((\d+),\d+\): error (TS\d+): (.*)$/.exec(line);
    if (m) errors.push({ file: path.resolve(ROOT, m[1]!), line: Number(m[2]), code: m[3]!, message: m[4]! });
    else if (line.startsWith('  ') && errors.length) errors[errors.length - 1]!.message += `\n${line.trim()}`;
  }
  return { status, errors };
}

describe('generated types', () => {
  it('accept everyday use of every helper kind', () => {
    const { status, errors } = runTsc('test/types/tsconfig.json');
    expect(errors).toEqual([]);
    expect(status).toBe(0);
  });

  const cases = readdirSync(FAIL_DIR)
    .filter((f) => f.endsWith('.ts'))
    .sort();
  // One compiler run for the whole catalogue, inside the hook timeout (not while tests are collected).
  let failures: { status: number; errors: TscError[] };
  beforeAll(() => {
    failures = runTsc('test/types/tsconfig.fail.json');
  });

  it('reject every misuse in the catalogue, and nothing else', () => {
    expect(failures.status).not.toBe(0);
    expect(cases.length).toBeGreaterThanOrEqual(10);
    // Every error is on a case of the catalogue: none in the generated code or the helpers it uses.
    expect(failures.errors.filter((e) => path.dirname(e.file) !== FAIL_DIR)).toEqual([]);
  });

  it.each(cases)('%s fails with its expected error', (name) => {
    const file = path.join(FAIL_DIR, name);
    const lines = readFileSync(file, 'utf8').split('\n');
    const idx = lines.findIndex((l) => l.includes('// expect-error '));
    expect(idx, 'the case declares // expect-error TSxxxx: text').toBeGreaterThanOrEqual(0);
    const [, code, text] = /expect-error (TS\d+): (.*)$/.exec(lines[idx]!)!;
    const mine = failures.errors.filter((e) => e.file === file);
    expect(mine, 'exactly one error, on the line after the expectation').toHaveLength(1);
    expect(mine[0]!.line).toBe(idx + 2);
    expect(mine[0]!.code).toBe(code);
    expect(mine[0]!.message).toContain(text);
  });
});
