import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** Every path below a directory (files and folders, symlinks not followed), relative to it. */
export function listTree(dir: string): { readonly rel: string; readonly isDirectory: boolean }[] {
  const out: { rel: string; isDirectory: boolean }[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      out.push({ rel: path.relative(dir, p), isDirectory: e.isDirectory() });
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

/** The text of every file below a directory, by relative path: compare two trees byte for byte. */
export function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(
    listTree(dir)
      .filter((e) => !e.isDirectory)
      .map((e) => [e.rel, readFileSync(path.join(dir, e.rel), 'utf8')]),
  );
}
