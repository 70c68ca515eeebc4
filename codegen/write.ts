import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { FileSet } from './generate.js';

/** Marks a directory as ours: only such a directory (or an empty or missing one) is ever replaced. */
export const MARKER = '.ampyobs-generated';

/** Files under `dir`, relative with `/`; a symbolic link is a file, never followed (it may loop). */
function listFiles(dir: string, base = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? listFiles(p, base) : [path.relative(base, p).split(path.sep).join('/')];
  });
}

/** A difference between the rendered output and a directory on disk. */
export interface Drift {
  readonly file: string;
  readonly kind: 'missing' | 'changed' | 'extra';
}

/**
 * Compares rendered files with the directory: what `generate` would add, change or remove. Throws,
 * reading nothing, for a directory generate would refuse to replace.
 */
export function diffOutput(outDir: string, files: FileSet): Drift[] {
  assertOwned(outDir);
  const drift: Drift[] = [];
  for (const [rel, content] of files) {
    const p = path.join(outDir, rel);
    if (!existsSync(p)) drift.push({ file: rel, kind: 'missing' });
    else if (readFileSync(p, 'utf8') !== content) drift.push({ file: rel, kind: 'changed' });
  }
  for (const rel of listFiles(outDir)) if (rel !== MARKER && !files.has(rel)) drift.push({ file: rel, kind: 'extra' });
  return drift;
}

/** Where `p` really is: symbolic links resolved in the part of it that exists, the rest appended. */
function realPlace(p: string): string {
  const rest: string[] = [];
  for (let dir = path.resolve(p); ; dir = path.dirname(dir)) {
    try {
      return path.join(realpathSync(dir), ...rest);
    } catch {
      if (path.dirname(dir) === dir) return path.resolve(p);
      rest.unshift(path.basename(dir));
    }
  }
}

/** How directory `out` overlaps directory `spec`, if it does. */
function overlap(out: string, spec: string): 'is' | 'inside' | 'holds' | undefined {
  const within = (inner: string, outer: string): boolean => {
    const rel = path.relative(outer, inner);
    return rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
  };
  if (out === spec) return 'is';
  if (within(out, spec)) return 'inside';
  return within(spec, out) ? 'holds' : undefined;
}

/**
 * Throws unless the output directory `outDir` and the spec directory `specDir` are apart: output
 * inside the spec would be read as spec by the next run, and a spec inside the output would be deleted
 * with it. Both are compared where they really are, through symbolic links, at any depth; an `outDir`
 * that is a link is compared both as the link (what a swap replaces) and as its target.
 */
function assertApart(outDir: string, specDir: string): void {
  const lexOut = path.resolve(outDir);
  const spec = realPlace(specDir);
  for (const out of [realPlace(outDir), path.join(realPlace(path.dirname(lexOut)), path.basename(lexOut))]) {
    const kind = overlap(out, spec);
    if (!kind) continue;
    const links =
      overlap(lexOut, path.resolve(specDir)) === kind ? '' : ` (through symbolic links: ${out} and ${spec})`;
    throw new Error(
      kind === 'is'
        ? `${outDir} is the spec directory ${specDir}${links}: generating there would replace the spec; choose an --out outside ${specDir}`
        : kind === 'inside'
          ? `${outDir} is inside the spec directory ${specDir}${links}, where the next run would read the generated files as spec; choose an --out outside ${specDir}`
          : `${outDir} holds the spec directory ${specDir}${links}, which replacing ${outDir} as a whole would delete; choose an --out that does not hold ${specDir}`,
    );
  }
}

/**
 * Throws unless `outDir` is a place generate may write to, whatever it holds: the filesystem root and
 * the home directory never are, nor a directory inside or holding one of `keep` (the spec).
 */
export function assertOutPlace(outDir: string, keep: readonly string[] = []): void {
  const real = existsSync(outDir) ? realpathSync(outDir) : path.resolve(outDir);
  const home = homedir();
  if (real === path.parse(real).root)
    throw new Error(
      `${outDir} is the root of the filesystem, not a directory of generated files; choose another --out`,
    );
  if (home && existsSync(home) && real === realpathSync(home))
    throw new Error(`${outDir} is your home directory, not a directory of generated files; choose another --out`);
  for (const dir of keep) assertApart(outDir, dir);
}

/**
 * Throws unless `outDir` is a directory generate may replace as a whole: in a place it may write to
 * (assertOutPlace), and a missing or empty one, or one it marked as its own.
 */
function assertOwned(outDir: string, keep: readonly string[] = []): void {
  assertOutPlace(outDir, keep);
  const refuse = (problem: string): never => {
    throw new Error(`${outDir} ${problem}`);
  };
  if (!existsSync(outDir)) return;
  if (!statSync(outDir).isDirectory()) refuse('exists and is not a directory; choose another --out');
  if (readdirSync(outDir).length > 0 && !existsSync(path.join(outDir, MARKER)))
    refuse(
      `holds files that ampyobs did not generate (no ${MARKER}), and ampyobs replaces only a directory of its own; choose another --out or empty it`,
    );
}

/**
 * Replaces the output directory with exactly `files`, all or nothing: everything is written to a
 * sibling directory first and swapped in with renames, so a failure leaves the old output intact.
 * Returns false when the directory already matched and nothing was touched. An `outDir` inside or
 * holding one of the directories of `keep` is refused.
 */
export function writeOutput(outDir: string, files: FileSet, keep: readonly string[] = []): boolean {
  assertOwned(outDir, keep);
  const out = path.resolve(outDir);
  if (diffOutput(out, files).length === 0 && existsSync(path.join(out, MARKER))) return false;
  const tmp = `${out}.tmp-${process.pid}`;
  const old = `${out}.old-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  try {
    mkdirSync(tmp, { recursive: true });
    for (const [rel, content] of files) {
      const p = path.join(tmp, rel);
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, content);
    }
    writeFileSync(
      path.join(tmp, MARKER),
      'Generated by ampyobs: this directory is replaced as a whole by `ampyobs generate`.\n',
    );
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const hadOld = existsSync(out);
  if (hadOld) renameSync(out, old);
  try {
    renameSync(tmp, out);
  } catch (e) {
    if (hadOld) renameSync(old, out);
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  if (hadOld) rmSync(old, { recursive: true, force: true });
  return true;
}
