// The runtime built from this checkout into a directory of the repository (so its imports resolve from
// node_modules), for services started as child processes the way users start theirs:
// `node --import <build>/runtime/register.js app`, the app importing `<build>/runtime/index.js`.
// Instrumentation patches modules as they load, so it is tested in processes of its own.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface RuntimeBuild {
  /** The built runtime/index.js: apps import it (test/integration/apps take it from AMPYOBS_RUNTIME). */
  readonly runtime: string;
  /** The built register entry, for `node --import`. */
  readonly register: string;
  remove(): void;
}

/** Compiles the package (tsconfig.build.json) into `.ampyobs/<name>-<pid>`. */
export function buildRuntime(name: string): RuntimeBuild {
  const dir = path.join(ROOT, '.ampyobs', `${name}-${process.pid}`);
  execFileSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json', '--outDir', dir], {
    cwd: ROOT,
    stdio: 'pipe',
  });
  return {
    runtime: path.join(dir, 'runtime', 'index.js'),
    register: path.join(dir, 'runtime', 'register.js'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
