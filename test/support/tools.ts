import { execFileSync } from 'node:child_process';

/**
 * Path of a command-line tool the tests need, or undefined locally when it is missing. In CI a missing
 * tool is a failure, never a skip: .ci/run installs it.
 */
export function requireTool(name: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    if (process.env['CI']) throw new Error(`${name} is not installed; CI must install it (see .ci/run)`);
    return undefined;
  }
}
