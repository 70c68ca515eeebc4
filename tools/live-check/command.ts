// `ampyobs live-check [--otlp-port N]… [--dir DIR] [--scrape URL]… [--duration S] [--spec DIR] [--format text|json] [--fail-on error|warn]`
import { loadModel, oneOf, options, seconds, ToolError, type Io } from '../common.js';
import { Checker } from './check.js';
import { readTelemetryDir } from './files.js';
import { fromOtlpJson } from './observed.js';
import { OtlpListener } from './receiver.js';
import { jsonReport, textReport, type LiveResult } from './report.js';
import { scrape } from './scrape.js';

export const LIVE_CHECK_USAGE = `Usage: ampyobs live-check [--otlp-port N]… [--dir DIR] [--scrape URL]… [--duration S] [--spec DIR]
                          [--format text|json] [--fail-on error|warn]
  Checks real telemetry against the registry: OTLP/HTTP and OTLP/gRPC received on each --otlp-port
  (both on one port), the JSON lines of local telemetry files in --dir, Prometheus endpoints scraped every
  5 s. Listening and scraping last --duration seconds (default 60; Ctrl-C ends early). Without any input
  option it listens on 4317 and 4318. Exit 1 when a finding is at or above --fail-on (default error).`;

const SCRAPE_EVERY_MS = 5000;

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 0 || n > 65535)
    throw new ToolError(`--otlp-port must be a port number, not '${value}'\n${LIVE_CHECK_USAGE}`, 2);
  return n;
}

function url(value: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new ToolError(
      `--scrape must be an http(s) URL such as http://127.0.0.1:9464/metrics, not '${value}'\n${LIVE_CHECK_USAGE}`,
      2,
    );
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new ToolError(`--scrape must be an http(s) URL, not '${value}'`, 2);
  return u.href;
}

/** Waits `ms`; true when `stop` ends the wait first (which ends the run with its report). */
function waitOrStop(ms: number, stop: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (stop.aborted) return resolve(true);
    const onStop = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      stop.removeEventListener('abort', onStop);
      resolve(false);
    }, ms);
    stop.addEventListener('abort', onStop, { once: true });
  });
}

/** How a program drives live-check: told the OTLP ports once they listen, and able to end the run. */
export interface LiveCheckControl {
  readonly ready?: (ports: number[]) => void;
  readonly stop?: AbortSignal;
}

/** Runs `ampyobs live-check`; returns the exit code. */
export async function runLiveCheck(argv: readonly string[], io: Io, control: LiveCheckControl = {}): Promise<number> {
  const o = options(
    argv,
    {
      'otlp-port': { type: 'string', multiple: true },
      dir: { type: 'string' },
      scrape: { type: 'string', multiple: true },
      duration: { type: 'string' },
      spec: { type: 'string', default: 'spec' },
      format: { type: 'string', default: 'text' },
      'fail-on': { type: 'string', default: 'error' },
      help: { type: 'boolean', short: 'h' },
    },
    LIVE_CHECK_USAGE,
    'live-check',
  );
  if (o.help) {
    io.out(LIVE_CHECK_USAGE);
    return 0;
  }
  const format = oneOf('format', o.format, ['text', 'json'] as const, LIVE_CHECK_USAGE);
  const failOn = oneOf('fail-on', o['fail-on'], ['error', 'warn'] as const, LIVE_CHECK_USAGE);
  const durationMs = 1000 * (o.duration === undefined ? 60 : seconds('duration', o.duration, LIVE_CHECK_USAGE));
  const scrapes = (o.scrape ?? []).map(url);
  const noInput = !o['otlp-port'] && !o.dir && !scrapes.length;
  const ports = noInput ? [4317, 4318] : (o['otlp-port'] ?? []).map(port);
  const model = loadModel(o.spec, io);

  const checker = new Checker(model);
  const bad = (source: string, why: string): void => checker.unreadable(source, why);
  const sources: string[] = [];
  const listeners: OtlpListener[] = [];
  // Ctrl-C (or SIGTERM, or the caller's signal) ends listening and scraping; the report is still printed.
  const stop = new AbortController();
  const interrupt = (): void => stop.abort();
  control.stop?.addEventListener('abort', interrupt, { once: true });
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  try {
    for (const p of ports) {
      const l = new OtlpListener({
        request: (_signal, body, source) => fromOtlpJson(body, source).forEach((x) => checker.observe(x)),
        bad,
      });
      listeners.push(l);
      const actual = await l.start(p).catch((e: Error) => {
        throw new ToolError(`cannot listen for OTLP: ${e.message}`);
      });
      sources.push(`OTLP/HTTP and OTLP/gRPC on 127.0.0.1:${actual}`);
    }
    if (listeners.length) {
      control.ready?.(listeners.map((l) => l.port));
      io.err(
        `ampyobs live-check: listening for OTLP on ${listeners.map((l) => `127.0.0.1:${l.port}`).join(', ')} for ${durationMs / 1000} s (Ctrl-C to stop early)`,
      );
    }
    if (o.dir) {
      const files = await readTelemetryDir(o.dir, (x) => checker.observe(x), bad).catch((e: Error) => {
        throw new ToolError(e.message);
      });
      sources.push(`${files} file(s) in ${o.dir}`);
    }
    if (listeners.length || scrapes.length) {
      sources.push(...scrapes.map((s) => `scrape ${s}`));
      const end = Date.now() + durationMs;
      for (;;) {
        for (const s of scrapes) if (!stop.signal.aborted) await scrape(s, (x) => checker.observe(x), bad);
        const left = end - Date.now();
        if (left <= 0) break;
        if (await waitOrStop(Math.min(left, scrapes.length ? SCRAPE_EVERY_MS : left), stop.signal)) break;
      }
    }
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    control.stop?.removeEventListener('abort', interrupt);
    await Promise.all(listeners.map((l) => l.stop()));
  }
  const findings = checker.findings();
  const result: LiveResult = {
    sources,
    seen: checker.seen,
    findings,
    candidates: checker.candidates(),
    instrumented: Object.fromEntries([...checker.instrumented].sort(([a], [b]) => a.localeCompare(b))),
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warn').length,
  };
  io.out(format === 'json' ? jsonReport(result) : textReport(result));
  return result.errors > 0 || (failOn === 'warn' && result.warnings > 0) ? 1 : 0;
}
