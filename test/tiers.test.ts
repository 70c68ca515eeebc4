// The fast tier (`npm run test:fast`, see vitest.config.ts) runs in-process only. A test file that runs
// another program, itself or through a helper of test/ or examples/, belongs to the slow tier: its name
// ends in .slow.test.ts. Product modules are not followed: importing one is not running a program.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const FOLLOWED = ['test', 'examples'].map((d) => path.join(ROOT, d) + path.sep);
const SLOW = /\.slow\.test\.(ts|mjs)$/;
const TEST = /\.test\.(ts|mjs)$/;

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : testFiles(p);
    return TEST.test(e.name) ? [p] : [];
  });
}

/** Module specifiers a file loads at run time (type-only imports are erased and left out). */
function specifiers(source: string): string[] {
  const found: string[] = [];
  for (const m of source.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm))
    found.push(m[1]!);
  for (const m of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(m[1]!);
  return found;
}

function resolveLocal(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  return [base, base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts')].find(
    (p) => existsSync(p) && !p.endsWith(path.sep),
  );
}

/** The chain of files from `file` to one that imports node:child_process, or undefined. */
function chainToChildProcess(file: string, seen = new Set<string>()): string[] | undefined {
  if (seen.has(file)) return undefined;
  seen.add(file);
  const specs = specifiers(readFileSync(file, 'utf8'));
  if (specs.some((s) => s === 'node:child_process' || s === 'child_process')) return [file];
  for (const s of specs) {
    const next = resolveLocal(file, s);
    if (!next || !FOLLOWED.some((d) => next.startsWith(d))) continue;
    const chain = chainToChildProcess(next, seen);
    if (chain) return [file, ...chain];
  }
  return undefined;
}

describe('test tiers', () => {
  const all = testFiles(path.join(ROOT, 'test'));
  const fast = all.filter((f) => !SLOW.test(f));

  it('splits the test files into both tiers', () => {
    expect(fast.length).toBeGreaterThan(10);
    expect(all.length - fast.length).toBeGreaterThan(10);
  });

  it('keeps other programs out of the fast tier', () => {
    const offenders = fast.flatMap((f) => {
      const chain = chainToChildProcess(f);
      return chain
        ? [
            `${chain.map((p) => path.relative(ROOT, p)).join(' → ')} imports node:child_process: rename ${path.relative(ROOT, f)} to *.slow.test.ts`,
          ]
        : [];
    });
    expect(offenders).toEqual([]);
  });

  it('finds node:child_process through a helper, and ignores type-only imports', () => {
    expect(
      chainToChildProcess(path.join(ROOT, 'test/examples/sampling.slow.test.ts'))?.map((p) => path.relative(ROOT, p)),
    ).toEqual(['test/examples/sampling.slow.test.ts', 'examples/trading-path/run.ts']);
    expect(
      specifiers(
        "import type { X } from './x.js';\nimport { y } from './y.js';\nexport { z } from './z.js';\nawait import('./w.js');",
      ),
    ).toEqual(['./y.js', './z.js', './w.js']);
  });
});
