// `ampyobs` as a child process, as a user runs it: codegen/bin.ts under tsx, OBS_* and OTEL_* variables
// cleared unless given.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { CLEAN_ENV } from './env.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `ampyobs ...args` in `cwd` (default the repository) and resolves with its output once it exits. */
export function ampyobs(
  args: readonly string[],
  opts: { readonly env?: Readonly<Record<string, string>>; readonly cwd?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    const env = { ...process.env, ...CLEAN_ENV, ...opts.env } as NodeJS.ProcessEnv;
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'codegen/bin.ts'), ...args], {
      cwd: opts.cwd ?? ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
