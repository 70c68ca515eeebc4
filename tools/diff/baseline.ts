// Where the baseline registry comes from: a directory, a git ref of the repository that holds the spec,
// or a published npm package. Git and npm baselines are unpacked into a temporary directory that the
// caller removes with `dispose()`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { MANIFEST, packagedSpecDir, withLineFeeds } from '../../codegen/load.js';

/** A problem with the baseline argument or with getting the baseline: printed as it is, exit 1. */
export class BaselineError extends Error {}

export interface Baseline {
  /** The spec directory to read. */
  readonly dir: string;
  /** How the user named it, for reports. */
  readonly label: string;
  /** Removes what was unpacked. */
  dispose(): void;
}

const MAX_OUTPUT = 256 << 20;

function run(
  cmd: string,
  args: readonly string[],
  opts: { cwd?: string; input?: Buffer } = {},
): { code: number; stdout: Buffer; stderr: string } {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd,
    input: opts.input,
    maxBuffer: MAX_OUTPUT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new BaselineError(
      code === 'ENOENT' ? `${cmd} is not installed or not on PATH` : `${cmd} failed: ${r.error.message}`,
    );
  }
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr.toString('utf8').trim() };
}

const firstLine = (s: string): string => s.split('\n').find((l) => l.trim()) ?? '';

/** The directory that holds the project of a spec: the nearest one up with a package.json, else the spec's parent. */
function projectRoot(specDir: string): string {
  let d = path.resolve(specDir);
  for (;;) {
    if (existsSync(path.join(d, 'package.json'))) return d;
    const up = path.dirname(d);
    if (up === d) return path.dirname(path.resolve(specDir));
    d = up;
  }
}

function relativeInside(root: string, dir: string, what: string): string {
  const rel = path.relative(root, dir);
  if (rel.startsWith('..') || path.isAbsolute(rel)) throw new BaselineError(`${what}: ${dir} is outside ${root}`);
  return rel.split(path.sep).join('/') || '.';
}

/** The relative imports of a manifest (directories, relative to the manifest's directory). */
function relativeImports(specDir: string): string[] {
  try {
    const data = parse(withLineFeeds(readFileSync(path.join(specDir, MANIFEST), 'utf8'))) as { imports?: unknown };
    return Array.isArray(data?.imports)
      ? data.imports.filter((i): i is string => typeof i === 'string' && packagedSpecDir(i) === undefined)
      : [];
  } catch {
    return []; // reading the spec reports it
  }
}

/** `git:<ref>`: the spec directory (and the directories it imports) as they are in that commit. */
function fromGit(ref: string, specDir: string): Baseline {
  if (!ref || ref.startsWith('-'))
    throw new BaselineError(`--baseline git:<ref> needs a commit, branch or tag, e.g. git:HEAD~1 or git:main`);
  if (!existsSync(specDir)) throw new BaselineError(`spec directory ${specDir} does not exist`);
  const top = run('git', ['rev-parse', '--show-toplevel'], { cwd: specDir });
  if (top.code !== 0) throw new BaselineError(`git:${ref}: ${specDir} is not inside a git repository`);
  const root = realpathSync(top.stdout.toString('utf8').trim());
  const commit = run('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: root });
  if (commit.code !== 0) {
    const shallow =
      run('git', ['rev-parse', '--is-shallow-repository'], { cwd: root }).stdout.toString('utf8').trim() === 'true';
    throw new BaselineError(
      `git:${ref}: no such commit in ${root}${shallow ? '; this clone is shallow: fetch the history it needs (git fetch --deepen=1, or --unshallow)' : ''}`,
    );
  }
  const sha = commit.stdout.toString('utf8').trim();
  const tmp = mkdtempSync(path.join(tmpdir(), 'ampyobs-baseline-'));
  const dispose = (): void => rmSync(tmp, { recursive: true, force: true });
  try {
    const extract = (rel: string): void => {
      if (existsSync(path.join(tmp, rel))) return;
      const tar = run('git', ['archive', '--format=tar', sha, '--', rel], { cwd: root });
      if (tar.code !== 0)
        throw new BaselineError(`git:${ref}: ${rel} does not exist in ${sha.slice(0, 12)} (${firstLine(tar.stderr)})`);
      const x = run('tar', ['-x', '-f', '-', '-C', tmp], { input: tar.stdout });
      if (x.code !== 0) throw new BaselineError(`git:${ref}: cannot unpack ${rel}: ${firstLine(x.stderr)}`);
      // Imports are directories relative to the manifest; those inside the repository come from the same commit.
      for (const imp of relativeImports(path.join(tmp, rel))) {
        const target = path.posix.normalize(path.posix.join(rel, imp));
        if (!target.startsWith('..')) extract(target);
      }
    };
    const rel = relativeInside(root, realpathSync(specDir), `git:${ref}`);
    extract(rel);
    return { dir: path.join(tmp, rel), label: `git:${ref} (${sha.slice(0, 12)})`, dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}

/**
 * `npm:<package>@<version>` (or anything `npm pack` accepts, a tarball path included): the package as
 * published, its spec directory at the same path relative to the package root as the spec compared
 * with it is relative to its project (a service's `telemetry/`, this package's `spec/`).
 */
function fromNpm(spec: string, specDir: string): Baseline {
  if (!spec || spec.startsWith('-'))
    throw new BaselineError('--baseline npm:<package>@<version> needs a package, e.g. npm:ampyobs@0.1.0');
  const rel = relativeInside(projectRoot(specDir), path.resolve(specDir), `npm:${spec}`);
  const tmp = mkdtempSync(path.join(tmpdir(), 'ampyobs-baseline-'));
  const dispose = (): void => rmSync(tmp, { recursive: true, force: true });
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const packed = run(npm, ['pack', spec, '--json', '--pack-destination', tmp, '--ignore-scripts'], {
      cwd: process.cwd(),
    });
    if (packed.code !== 0)
      throw new BaselineError(
        `npm:${spec}: npm pack failed: ${firstLine(
          packed.stderr
            .split('\n')
            .filter((l) => /ERR/.test(l))
            .join('\n') || packed.stderr,
        )}`,
      );
    let file: string | undefined;
    try {
      file = (JSON.parse(packed.stdout.toString('utf8')) as { filename?: string }[])[0]?.filename;
    } catch {
      file = undefined;
    }
    if (!file) throw new BaselineError(`npm:${spec}: npm pack did not say which file it wrote`);
    const x = run('tar', ['-x', '-z', '-f', path.join(tmp, path.basename(file)), '-C', tmp]);
    if (x.code !== 0) throw new BaselineError(`npm:${spec}: cannot unpack ${file}: ${firstLine(x.stderr)}`);
    const dir = path.join(tmp, 'package', rel);
    if (!existsSync(path.join(dir, MANIFEST)))
      throw new BaselineError(`npm:${spec}: the package has no ${rel}/${MANIFEST} (compared with ${specDir})`);
    return { dir, label: `npm:${spec}`, dispose };
  } catch (e) {
    dispose();
    throw e;
  }
}

/** The baseline a `--baseline` argument names. */
export function openBaseline(arg: string, specDir: string): Baseline {
  if (arg.startsWith('git:')) return fromGit(arg.slice(4), specDir);
  if (arg.startsWith('npm:')) return fromNpm(arg.slice(4), specDir);
  if (!existsSync(arg) || !statSync(arg).isDirectory())
    throw new BaselineError(`--baseline ${arg}: no such directory (or write git:<ref> or npm:<package>@<version>)`);
  return { dir: arg, label: arg, dispose: () => {} };
}
