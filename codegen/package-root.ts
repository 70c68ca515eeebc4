import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface PackageJson {
  readonly name?: string;
  readonly version?: string;
}

let root: { dir: string; pkg: PackageJson } | undefined;

/** Root of the installed ampyobs package, whether running from source or from dist/. */
export function packageRoot(): string {
  return found().dir;
}

/** The version of the installed ampyobs package, from its package.json (`ampyobs --version`). */
export function packageVersion(): string {
  return found().pkg.version ?? 'unknown';
}

function found(): { dir: string; pkg: PackageJson } {
  if (root) return root;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = path.join(dir, 'package.json');
    const pkg = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as PackageJson) : undefined;
    if (pkg?.name === 'ampyobs') {
      root = { dir, pkg };
      return root;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('ampyobs: cannot find the package root (package.json named ampyobs)');
    dir = parent;
  }
}
