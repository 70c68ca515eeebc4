// Shared by the trading-path example tests: the CLI demo run, clean environments, telemetry lookups.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalSpan, LocalTelemetry } from '../../tools/inspect/read.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The secrets the demo services plant in order payloads and broker errors (services/oms.ts, broker.ts). */
export const SECRET_FRAGMENTS = [
  'pk_live_Zt9sQ2example4Demo7Secret',
  'Zt9sQ2example4Demo7Secret',
  'Bearer pk_live',
  'AKIAIOSFODNN7EXAMPLE',
  'ALPACA_SECRET',
  'aws-sm://',
];
/** The secret reference the broker logs; it must leave as its fingerprint. */
export const SECRET_REF = 'aws-sm://ALPACA_SECRET#value';

/** process.env without OBS_* and OTEL_* (what a developer's shell may carry must not change the run). */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('OBS_') && !k.startsWith('OTEL_')) env[k] = v;
  return { ...env, ...extra };
}

export interface CliRun {
  readonly pid: number | undefined;
  /** Resolves with stdout once the report's last line is printed (telemetry is complete by then), or at exit. */
  readonly reported: Promise<string>;
  /** Resolves at exit with the exit code and all output. */
  readonly exited: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
    reportedAfterMs: number;
    exitedAfterMs: number;
  }>;
  kill(): void;
}

/** `npx tsx examples/trading-path/run.ts` with DEMO_DIR and a clean environment. */
export function spawnDemoCli(dir: string): CliRun {
  const started = Date.now();
  const child = spawn(path.join(ROOT, 'node_modules/.bin/tsx'), ['examples/trading-path/run.ts'], {
    cwd: ROOT,
    env: cleanEnv({ DEMO_DIR: dir }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let reportedAt = 0;
  let onReport: (s: string) => void = () => {};
  const reported = new Promise<string>((r) => (onReport = r));
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    if (!reportedAt && stdout.includes('Ship the same run')) {
      reportedAt = Date.now();
      onReport(stdout);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<Awaited<CliRun['exited']>>((resolve) =>
    child.on('close', (code, signal) => {
      onReport(stdout);
      resolve({
        code,
        signal,
        stdout,
        stderr,
        reportedAfterMs: (reportedAt || Date.now()) - started,
        exitedAfterMs: Date.now() - started,
      });
    }),
  );
  return {
    pid: child.pid,
    reported,
    exited,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}

/** Spans of one trace. */
export const traceOf = (t: LocalTelemetry, traceId: string): LocalSpan[] =>
  t.spans.filter((s) => s.traceId === traceId);

/** The parent of a span within the exported spans, if it was exported. */
export function parentOf(spans: readonly LocalSpan[], s: LocalSpan): LocalSpan | undefined {
  return s.parentSpanId ? spans.find((p) => p.traceId === s.traceId && p.spanId === s.parentSpanId) : undefined;
}

/** The children of a span. */
export const childrenOf = (spans: readonly LocalSpan[], s: LocalSpan): LocalSpan[] =>
  spans.filter((c) => c.traceId === s.traceId && c.parentSpanId === s.spanId);
