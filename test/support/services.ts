// Real PostgreSQL and Redis servers on loopback for the instrumentation tests, started in a temporary
// directory on a free port and removed afterwards. PostgreSQL refuses to run as root: as root (CI, this
// machine) its cluster belongs to the postgres user the Debian package creates and its commands run
// through runuser. Missing binaries skip locally and fail in CI (.ci/run installs them).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './ports.js';
import { until } from './prometheus.js';
import { requireTool } from './tools.js';

/** Debian keeps PostgreSQL's server binaries out of PATH, under /usr/lib/postgresql/<major>/bin. */
function postgresBin(name: string): string | undefined {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const majors = readdirSync(root)
      .filter((d) => /^\d+$/.test(d) && existsSync(path.join(root, d, 'bin', name)))
      .sort((a, b) => Number(b) - Number(a));
    if (majors[0]) return path.join(root, majors[0], 'bin', name);
  }
  return requireTool(name);
}

/** Whether a loopback port accepts connections. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => {
      s.end();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

export interface Service {
  readonly port: number;
  /** A connection URL (postgres://…, redis://…). */
  readonly url: string;
  stop(): Promise<void>;
}

/** The binaries a PostgreSQL test needs, or undefined locally when they are missing (an error in CI). */
export function postgresAvailable(): boolean {
  return postgresBin('initdb') !== undefined && postgresBin('pg_ctl') !== undefined;
}

/** The Redis server binary, or undefined locally when it is missing (an error in CI). */
export function redisAvailable(): boolean {
  return requireTool('redis-server') !== undefined;
}

/** Starts a throwaway PostgreSQL cluster (trust authentication, user postgres, database postgres). */
export async function startPostgres(): Promise<Service> {
  const initdb = postgresBin('initdb');
  const pgCtl = postgresBin('pg_ctl');
  if (!initdb || !pgCtl) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  const dir = mkdtempSync(path.join(tmpdir(), 'ampyobs-pg-'));
  const root = process.getuid?.() === 0;
  const asOwner = (bin: string, args: string[]): void => {
    if (root) execFileSync('runuser', ['-u', 'postgres', '--', bin, ...args], { stdio: 'pipe' });
    else execFileSync(bin, args, { stdio: 'pipe' });
  };
  if (root) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, 'data');
  const port = await freePort();
  asOwner(initdb, ['-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
  asOwner(pgCtl, [
    '-D',
    data,
    '-l',
    path.join(dir, 'server.log'),
    '-w',
    '-t',
    '60',
    '-o',
    `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off`,
    'start',
  ]);
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      try {
        asOwner(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Starts a throwaway Redis server (no persistence) in the foreground of a child process. */
export async function startRedis(): Promise<Service> {
  const bin = requireTool('redis-server');
  if (!bin) throw new Error('redis-server is not installed (apt-get install redis-server)');
  const dir = mkdtempSync(path.join(tmpdir(), 'ampyobs-redis-'));
  const port = await freePort();
  const proc: ChildProcess = spawn(
    bin,
    ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: 'ignore' },
  );
  await until(`redis-server on ${port}`, async () => ((await accepts(port)) ? true : undefined));
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
