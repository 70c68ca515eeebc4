// A real Prometheus on loopback for tests: a temporary config scraping the given targets every second,
// the given rule files, queries over its HTTP API, and a wait for a condition.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './ports.js';

export interface Vector {
  metric: Record<string, string>;
  value: [number, string];
}

/** Polls `f` until it returns something, or fails naming what it waited for. */
export async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export class Prometheus {
  private proc: ChildProcess | undefined;
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'ampyobs-prom-'));
  readonly log: string[] = [];
  url = '';

  /** Starts Prometheus scraping `targets` (host:port, with static labels) every second, with `ruleFiles` and extra `flags`. */
  async start(
    bin: string,
    targets: readonly { target: string; labels?: Record<string, string> }[],
    ruleFiles: readonly string[],
    flags: readonly string[] = [],
  ): Promise<void> {
    const port = await freePort();
    const config = [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      `rule_files: [${ruleFiles.map((f) => JSON.stringify(f)).join(', ')}]`,
      'scrape_configs:',
      '  - job_name: ampy',
      '    static_configs:',
      ...targets.map(
        (t) => `      - { targets: [${JSON.stringify(t.target)}], labels: ${JSON.stringify(t.labels ?? {})} }`,
      ),
      '',
    ].join('\n');
    writeFileSync(path.join(this.dir, 'prometheus.yml'), config);
    this.proc = spawn(
      bin,
      [
        `--config.file=${path.join(this.dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(this.dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        ...flags,
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.proc.stderr!.on('data', (c: Buffer) => this.log.push(c.toString()));
    this.url = `http://127.0.0.1:${port}`;
    await until('Prometheus ready', async () => ((await fetch(`${this.url}/-/ready`)).ok ? true : undefined));
  }

  async query(expr: string): Promise<Vector[]> {
    const res = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
    const body = (await res.json()) as { status: string; error?: string; data?: { result: Vector[] } };
    if (body.status !== 'success') throw new Error(`${expr}: ${body.error ?? res.status}`);
    return body.data!.result;
  }

  async stop(): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (p && p.exitCode === null) {
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
