import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmdirSync,
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

/** A sibling a run of generate works in: `tmp` the new output it writes, `old` the output it replaces. */
type Sibling = 'tmp' | 'old';

/** The pid of the run whose sibling `name` (of output directory `base`) is, if generate names it so. */
function parseSibling(base: string, name: string): { kind: Sibling; pid: number } | undefined {
  if (!name.startsWith(`${base}.`)) return undefined;
  const m = /^(tmp|old)-([1-9][0-9]{0,9})$/.exec(name.slice(base.length + 1));
  return m ? { kind: m[1] as Sibling, pid: Number(m[2]) } : undefined;
}

/**
 * Whether the run of `pid` may still be at work. This process's own pid is not: its writes are
 * synchronous, so a sibling bearing it when one begins was left by an earlier process given the same pid.
 */
function running(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether `dir` is provably generate's: a directory (not a link) that holds its marker, or nothing. */
function provablyOurs(dir: string): boolean {
  if (!lstatSync(dir, { throwIfNoEntry: false })?.isDirectory()) return false;
  const names = readdirSync(dir);
  return names.length === 0 || lstatSync(path.join(dir, MARKER), { throwIfNoEntry: false })?.isFile() === true;
}

/**
 * Deletes a directory of generate's, its marker last: a run killed meanwhile leaves it still provably
 * generate's, for the next run to finish. A link is removed, never followed.
 */
function removeOwn(dir: string): void {
  if (!lstatSync(dir, { throwIfNoEntry: false })?.isDirectory()) return rmSync(dir, { force: true });
  for (const name of readdirSync(dir))
    if (name !== MARKER) rmSync(path.join(dir, name), { recursive: true, force: true });
  rmSync(path.join(dir, MARKER), { force: true });
  rmdirSync(dir);
}

/**
 * Finishes what killed runs left next to `out`: siblings of a run no longer running. A run killed between
 * its two renames left `out` missing and both siblings whole: the replaced output goes back in place.
 * Then every such sibling that is provably generate's is deleted; anything else is left alone.
 */
function finishKilledRuns(out: string): void {
  const parent = path.dirname(out);
  const base = path.basename(out);
  const runs = new Map<number, Partial<Record<Sibling, string>>>();
  for (const name of existsSync(parent) ? readdirSync(parent) : []) {
    const s = parseSibling(base, name);
    if (s && !running(s.pid)) runs.set(s.pid, { ...runs.get(s.pid), [s.kind]: path.join(parent, name) });
  }
  for (const { tmp, old } of runs.values()) {
    // `old` appears only once `tmp` is whole, and `tmp` leaves only by becoming `out`: both present
    // means the run died between its renames, with `old` the output exactly as it was.
    if (tmp && old && !lstatSync(out, { throwIfNoEntry: false }) && provablyOurs(tmp) && provablyOurs(old))
      renameSync(old, out);
    for (const dir of [tmp, old]) if (dir && provablyOurs(dir)) removeOwn(dir);
  }
}

/**
 * Replaces the output directory with exactly `files`, all or nothing: everything is written to a
 * sibling directory first and swapped in with renames, so a failure leaves the old output intact.
 * The one moment `outDir` is missing, between the renames, a later run puts the old output back from
 * its sibling if the process was killed there; every run first deletes what killed runs left behind.
 * Returns false when the directory already matched and nothing was touched. An `outDir` inside or
 * holding one of the directories of `keep` is refused.
 */
export function writeOutput(outDir: string, files: FileSet, keep: readonly string[] = []): boolean {
  assertOwned(outDir, keep);
  const out = path.resolve(outDir);
  finishKilledRuns(out);
  if (diffOutput(out, files).length === 0 && existsSync(path.join(out, MARKER))) return false;
  const tmp = `${out}.tmp-${process.pid}`;
  const old = `${out}.old-${process.pid}`;
  mkdirSync(path.dirname(out), { recursive: true });
  // Not recursive: anything already there is not ours to reuse (finishKilledRuns deleted any of ours).
  mkdirSync(tmp);
  try {
    // The marker first: a run killed while writing leaves a directory the next one can tell is its own.
    writeFileSync(
      path.join(tmp, MARKER),
      'Generated by ampyobs: this directory is replaced as a whole by `ampyobs generate`.\n',
    );
    for (const [rel, content] of files) {
      const p = path.join(tmp, rel);
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, content);
    }
  } catch (e) {
    removeOwn(tmp);
    throw e;
  }
  const hadOld = existsSync(out);
  if (hadOld) renameSync(out, old);
  try {
    renameSync(tmp, out);
  } catch (e) {
    if (hadOld) renameSync(old, out);
    removeOwn(tmp);
    throw e;
  }
  if (hadOld) removeOwn(old);
  return true;
}
