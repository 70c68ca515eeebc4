// Checks of generated output by the tools that consume it: tsc for the TypeScript, promtool for the rules.
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

/** What tsc reports for the project `tsconfig` (this repository's strict options, extended), or '' when it compiles. */
export function tscErrors(tsconfig: string): string {
  try {
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', tsconfig, '--pretty', 'false'], {
      encoding: 'utf8',
    });
    return '';
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? e);
  }
}

/** promtool accepts the rules of a generated prometheus/ folder, and both of its rule test files pass. */
export async function expectRulesPass(promtool: string, dir: string): Promise<void> {
  const { stdout } = await run(promtool, ['check', 'rules', 'ampyobs.rules.yaml'], { cwd: dir });
  expect(stdout).toMatch(/SUCCESS: \d+ rules found/);
  for (const file of ['ampyobs.rules.test.yaml', 'ampyobs.rules.slow.test.yaml']) {
    const { stdout: t } = await run(promtool, ['test', 'rules', file], { cwd: dir, maxBuffer: 16 << 20 });
    expect(t, file).toContain('SUCCESS');
  }
}
