// The HTTP server instrumentation bench: a fixed number of loopback requests (keep-alive, a fixed
// number in flight) against the same bare node:http server with no instrumentation, with raw
// OpenTelemetry instrumentation-http, and with ampyobs' init({ instrument: ['http'] })
// (http-server-child.ts). What counts is the server's CPU time per request, read by the server itself
// before and after the measured requests, and the requests per second the driver saw; the modes run
// in alternation, several rounds, and the median round of each is reported.
import { fork, type ChildProcess } from 'node:child_process';
import { Agent, createServer, request, type Server } from 'node:http';
import path from 'node:path';

export type HttpMode = 'none' | 'raw' | 'ampyobs';
export const HTTP_MODES: readonly HttpMode[] = ['none', 'raw', 'ampyobs'];

export interface HttpRun {
  /** Server CPU per request, µs. */
  readonly cpuUsPerRequest: number;
  readonly requestsPerSecond: number;
}

const TSX = path.resolve(import.meta.dirname, '../../node_modules/tsx/dist/loader.mjs');

interface Sink {
  readonly url: string;
  readonly server: Server;
  /** Export requests received so far, by path (/v1/traces, /v1/metrics). */
  readonly exports: Map<string, number>;
}

/** An OTLP sink that reads and discards every export and answers 200 with an empty (valid) response. */
async function startSink(): Promise<Sink> {
  const exports = new Map<string, number>();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      exports.set(req.url ?? '', (exports.get(req.url ?? '') ?? 0) + 1);
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server, exports };
}

function get(agent: Agent, port: number, p: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: p, agent }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (data += c));
      res.on('end', () => (res.statusCode === 200 ? resolve(data) : reject(new Error(`${p}: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

/** `n` requests, `inFlight` at a time. */
async function load(agent: Agent, port: number, n: number, inFlight: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < n) {
        next++;
        await get(agent, port, '/orders/42');
      }
    }),
  );
}

async function runOnce(mode: HttpMode, sink: Sink, requests: number, inFlight: number): Promise<HttpRun> {
  const traces0 = sink.exports.get('/v1/traces') ?? 0;
  const child: ChildProcess = fork(path.join(import.meta.dirname, 'http-server-child.ts'), [mode, sink.url], {
    execArgv: ['--import', TSX],
    env: Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('OBS_') && !k.startsWith('OTEL_')),
    ),
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise((r) => child.once('exit', r));
  let run: HttpRun;
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m) => resolve((m as { port: number }).port));
      child.once('exit', (code) => reject(new Error(`http bench server (${mode}) exited with ${code}`)));
    });
    const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
    // Warm-up: JIT, lazily loaded modules, the first exports.
    await load(agent, port, Math.max(1000, requests / 5), inFlight);
    const cpu = async (): Promise<number> => (JSON.parse(await get(agent, port, '/cpu')) as { micros: number }).micros;
    const cpu0 = await cpu();
    const t0 = performance.now();
    await load(agent, port, requests, inFlight);
    const wall = performance.now() - t0;
    const cpu1 = await cpu();
    agent.destroy();
    run = { cpuUsPerRequest: (cpu1 - cpu0) / requests, requestsPerSecond: (requests * 1000) / wall };
  } finally {
    child.send('stop');
    await exited;
  }
  // A mode that measured an instrumentation which traced nothing would measure nothing.
  const traced = (sink.exports.get('/v1/traces') ?? 0) > traces0;
  if (traced !== (mode !== 'none')) throw new Error(`http bench server (${mode}) ${traced ? 'sent' : 'sent no'} spans`);
  return run;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** Runs every mode `rounds` times, in alternation; the median of each mode's rounds. */
export async function measureHttp(
  requests: number,
  inFlight: number,
  rounds: number,
): Promise<{
  requests: number;
  inFlight: number;
  rounds: number;
  modes: Record<HttpMode, HttpRun & { all: HttpRun[] }>;
  exports: Record<string, number>;
}> {
  const sink = await startSink();
  try {
    const runs: Record<HttpMode, HttpRun[]> = { none: [], raw: [], ampyobs: [] };
    for (let i = 0; i < rounds; i++)
      for (const mode of HTTP_MODES) runs[mode].push(await runOnce(mode, sink, requests, inFlight));
    const modes = Object.fromEntries(
      HTTP_MODES.map((m) => [
        m,
        {
          cpuUsPerRequest: median(runs[m].map((r) => r.cpuUsPerRequest)),
          requestsPerSecond: median(runs[m].map((r) => r.requestsPerSecond)),
          all: runs[m],
        },
      ]),
    ) as Record<HttpMode, HttpRun & { all: HttpRun[] }>;
    return { requests, inFlight, rounds, modes, exports: Object.fromEntries(sink.exports) };
  } finally {
    sink.server.close();
  }
}
