// `npm run demo`: the trading path as five processes on a local bus, then a report of what they emitted.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fetchSnapshot, snapshotFile } from '../../tools/inspect/surface.js';
import type { BusMessage, Envelope } from './bus.js';
import { printReport } from './report.js';
import { barBatches } from './scenario.js';

export const SERVICES = ['ampy-ingest', 'ampy-model-server', 'ampy-oms', 'broker-alpaca', 'ampy-positions'] as const;
const MARKER = '.ampyobs-telemetry';
const HERE = path.dirname(fileURLToPath(import.meta.url));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Empties the telemetry folder of a previous run; refuses a folder the demo did not create. */
function prepare(dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length && !existsSync(path.join(dir, MARKER)))
    throw new Error(`${dir} is not empty and was not written by the demo; choose another DEMO_DIR`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, MARKER), 'Telemetry of the last `npm run demo`; replaced by the next run.\n');
}

export interface DemoOptions {
  readonly dir: string;
  /** Extra environment for every service (OBS_SAMPLER_RATIO, OBS_OTLP_ENDPOINT…). */
  readonly env?: Readonly<Record<string, string>>;
  /** Bar batches to ingest; the default scenario when absent. */
  readonly batches?: ReturnType<typeof barBatches>;
  readonly quiet?: boolean;
  /** Runs once the flow is quiet, while the services still run and serve their surfaces. */
  readonly beforeStop?: (promPorts: Readonly<Record<string, number>>) => Promise<void>;
}

/** Each service's /health and /slos, as the report and `ampyobs inspect` read them (surfaces/<service>.json). */
async function snapshotSurfaces(dir: string, promPorts: Readonly<Record<string, number>>): Promise<void> {
  mkdirSync(path.join(dir, 'surfaces'), { recursive: true });
  await Promise.all(
    Object.entries(promPorts).map(async ([name, port]) => {
      const snap = await fetchSnapshot(`http://127.0.0.1:${port}`);
      writeFileSync(snapshotFile(dir, name), `${JSON.stringify({ ...snap, service: name }, null, 2)}\n`);
    }),
  );
}

/** Runs the five services until the flow is quiet, stops them (they flush), returns when all exited. */
export async function runDemo(opts: DemoOptions): Promise<{ endpoint: string; promPorts: Record<string, number> }> {
  prepare(opts.dir);
  const endpoint = opts.env?.['OBS_OTLP_ENDPOINT'] ?? process.env['OBS_OTLP_ENDPOINT'] ?? `file://${opts.dir}`;
  const subs = new Map<string, Set<ChildProcess>>();
  const children = new Map<string, ChildProcess>();
  const promPorts: Record<string, number> = {};
  let outstanding = 0;
  let lastActivity = Date.now();
  const ready = new Set<string>();
  let stopping = false;
  let failure: Error | undefined;

  for (const name of SERVICES) {
    const port = await freePort();
    promPorts[name] = port;
    const child = fork(path.join(HERE, 'main.ts'), [name], {
      execArgv: ['--import', 'tsx'],
      env: {
        ...process.env,
        OBS_SERVICE_NAME: name,
        OBS_ENV: process.env['OBS_ENV'] ?? 'dev',
        OBS_OTLP_ENDPOINT: endpoint,
        OBS_PROM_PORT: String(port),
        // The demo's surfaces listen on loopback: /traces answers there without a token.
        OBS_ADMIN_BIND: '127.0.0.1',
        DEMO_LOG_FILE: path.join(opts.dir, `log-${name}.jsonl`),
        ...opts.env,
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    children.set(name, child);
    // A service that dies before the flow is done fails the run at once, naming it.
    child.once('exit', (code, signal) => {
      if (!stopping)
        failure ??= new Error(
          `demo: ${name} exited (${signal ?? `code ${code}`}) before the run finished; see its output above`,
        );
    });
    child.on('message', (m: BusMessage) => {
      lastActivity = Date.now();
      if (m.kind === 'ready') ready.add(name);
      else if (m.kind === 'subscribe') subs.set(m.topic, (subs.get(m.topic) ?? new Set()).add(child));
      else if (m.kind === 'done') outstanding--;
      else if (m.kind === 'publish') deliver(m.envelope);
    });
  }
  const deliver = (envelope: Envelope): void => {
    for (const c of subs.get(envelope.topic) ?? []) {
      outstanding++;
      c.send({ kind: 'deliver', envelope } satisfies BusMessage);
    }
  };
  const waitFor = async (what: string, ok: () => boolean, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!ok()) {
      if (failure) {
        for (const c of children.values()) c.kill();
        throw failure;
      }
      if (Date.now() > deadline) throw new Error(`demo: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await waitFor('services to start', () => ready.size === SERVICES.length, 30_000);
  if (!opts.quiet)
    process.stdout.write(
      `▶ ${SERVICES.length} services up (Prometheus endpoints: ${Object.entries(promPorts)
        .map(([n, p]) => `${n} :${p}`)
        .join(', ')}); telemetry → ${endpoint}\n`,
    );
  deliver({
    topic: 'demo/control/ingest',
    headers: {},
    payload: { batches: opts.batches ?? barBatches(), runId: 'demo_run_001' },
  });
  // Quiet: nothing in flight and no bus traffic for a moment.
  await waitFor('the trading path to settle', () => outstanding === 0 && Date.now() - lastActivity > 300, 120_000);
  await snapshotSurfaces(opts.dir, promPorts);
  await opts.beforeStop?.(promPorts);
  stopping = true;
  const exits = [...children.values()].map(
    (c) => new Promise<void>((r) => (c.exitCode !== null ? r() : c.once('exit', () => r()))),
  );
  for (const c of children.values()) c.send({ kind: 'stop' } satisfies BusMessage);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.all(exits),
      new Promise(
        (_, reject) => (timer = setTimeout(() => reject(new Error('demo: services did not stop within 20 s')), 20_000)),
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
  return { endpoint, promPorts };
}

// `npm run demo`
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = path.resolve(process.env['DEMO_DIR'] ?? '.ampyobs/telemetry');
  runDemo({ dir })
    .then(({ endpoint }) => printReport(dir, endpoint))
    .catch((e: unknown) => {
      process.stderr.write(`${(e as Error).message}\n`);
      process.exitCode = 1;
    });
}
