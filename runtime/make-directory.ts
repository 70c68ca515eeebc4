// Creating a directory and its missing parents without Node's recursive mkdir, which never returns where
// mkdir fails with ENOENT under a parent that exists (/proc, /sys): it retries the parent, finds it
// there, and tries again, at 100 % CPU with no timer firing.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Creates `dir` and the parents it lacks, each level tried once, from the deepest existing one down;
 * throws the first failure (naming the directory) rather than retrying.
 */
export function makeDirectory(dir: string): void {
  const missing: string[] = [];
  for (let d = path.resolve(dir); !existsSync(d); d = path.dirname(d)) {
    missing.push(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (e) {
      // Another process created it in between: what was asked for exists.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}
