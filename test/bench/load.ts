// Runs the load child with and without the SDK and reports what the SDK adds.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { OtlpReceiver } from '../support/otlp-receiver.js';

export interface ChildResult {
  rssMb: number;
  /** Share of a core used after the warm-up. */
  cpuShare: number;
  /** Share of a core used during the warm-up, from just after init(). */
  warmupCpuShare: number;
  /** Share of a core spent inside the helper calls (spans, metric points, log lines). */
  inCalls: { spans: number; points: number; logs: number };
  loopDelayP99Ms: number;
  dropped: number;
  /** Drops by `signal:reason`, as status() reports them. */
  drops: Record<string, number>;
}

export interface Rates {
  readonly spans: number;
  readonly points: number;
  readonly logs: number;
  /** Sample every span and export metrics every second, or run on the SDK's prod defaults. */
  readonly allSampled: boolean;
}

/** The README's typical load, on the SDK's prod defaults. */
export const TYPICAL: Rates = { spans: 1_000, points: 10_000, logs: 1_000, allSampled: false };

/**
 * Seconds a load process runs before its steady state is measured. The metric reader's first export is
 * at 15 s, and the JIT compiles the export path in the seconds after the first exports: traced with
 * --trace-opt, optimising compiles went from about 40 per 3 s at 15–18 s to under 8 after 18 s, and the
 * CPU the SDK added over 15–20 s was about twice its later level.
 */
export const WARMUP_SECONDS = 20;

/**
 * Runs load-child.ts (through tsx, after `nodeArgs`) and returns what it measured, which it writes to fd 3:
 * its stdout, where the SDK's log lines go, is /dev/null, as a collected stdout is to a service.
 */
export function runLoadChild(
  nodeArgs: readonly string[],
  mode: 'sdk' | 'none',
  seconds: number,
  endpoint: string,
  rates: Rates,
  warmupSeconds = WARMUP_SECONDS,
): Promise<ChildResult> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('OBS_') && !k.startsWith('OTEL_')),
  );
  const devNull = openSync('/dev/null', 'w');
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      ...nodeArgs,
      path.join(import.meta.dirname, 'load-child.ts'),
      mode,
      String(seconds),
      endpoint,
      JSON.stringify(rates),
      String(warmupSeconds),
    ],
    { env, stdio: ['ignore', devNull, 'pipe', 'pipe'] },
  );
  closeSync(devNull);
  let result = '';
  let stderr = '';
  child.stdio[3]!.on('data', (d: Buffer) => (result += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0 && result) resolve(JSON.parse(result) as ChildResult);
      else reject(new Error(`load child (${mode}) exited with ${code}: ${stderr.slice(-2000)}`));
    });
  });
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/**
 * Runs the baseline and the SDK process side by side, `pairs` times: on a shared machine the load of
 * other processes drifts by the hour, and the two processes of a pair then share it all. Each uses a few
 * percent of one core, so they do not compete for the two. Reports the median pair and every pair's CPU
 * added, so the spread is visible, over the `seconds` after the warm-up and during the warm-up.
 */
export async function measureLoad(seconds: number, rates: Rates, pairs = 1, warmupSeconds = WARMUP_SECONDS) {
  const total = warmupSeconds + seconds;
  const receiver = new OtlpReceiver();
  const endpoint = await receiver.startHttp();
  try {
    const runs: { without: ChildResult; with: ChildResult }[] = [];
    for (let i = 0; i < pairs; i++) {
      const [without, withSdk] = await Promise.all([
        runLoadChild([], 'none', total, endpoint, rates, warmupSeconds),
        runLoadChild([], 'sdk', total, endpoint, rates, warmupSeconds),
      ]);
      runs.push({ without, with: withSdk });
    }
    const added = runs.map((r) => r.with.cpuShare - r.without.cpuShare);
    const warmupAdded = runs.map((r) => r.with.warmupCpuShare - r.without.warmupCpuShare);
    const mid = runs[added.indexOf([...added].sort((a, b) => a - b)[Math.floor((added.length - 1) / 2)]!)]!;
    return {
      seconds,
      warmupSeconds,
      rates,
      pairs,
      without: mid.without,
      with: { ...mid.with, delivered: { spans: receiver.spans.length / pairs, logs: receiver.logs.length / pairs } },
      cpuAdded: { median: median(added), min: Math.min(...added), max: Math.max(...added), all: added },
      warmupCpuAdded: median(warmupAdded),
      dropped: runs.reduce((n, r) => n + r.with.dropped, 0),
      drops: runs.reduce<Record<string, number>>((all, r) => {
        for (const [k, n] of Object.entries(r.with.drops)) all[k] = (all[k] ?? 0) + n;
        return all;
      }, {}),
    };
  } finally {
    await receiver.stop();
  }
}
