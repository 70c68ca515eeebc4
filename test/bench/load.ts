// Runs the load child with and without the SDK and reports what the SDK adds.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { OtlpReceiver } from '../support/otlp-receiver.js';

interface ChildResult {
  rssMb: number;
  cpuShare: number;
  loopDelayP99Ms: number;
  dropped: number;
}

const TSX = path.resolve(import.meta.dirname, '../../node_modules/.bin/tsx');

export interface Rates {
  readonly spans: number;
  readonly points: number;
  readonly logs: number;
  /** Sample every span and export metrics every second, or run on the SDK's prod defaults. */
  readonly allSampled: boolean;
}

async function child(mode: 'sdk' | 'none', seconds: number, endpoint: string, rates: Rates): Promise<ChildResult> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('OBS_') && !k.startsWith('OTEL_')),
  );
  const { stdout } = await promisify(execFile)(
    TSX,
    [path.join(import.meta.dirname, 'load-child.ts'), mode, String(seconds), endpoint, JSON.stringify(rates)],
    { env, maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout) as ChildResult;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/**
 * Runs the baseline and the SDK process in alternation, `pairs` times: on a shared machine the load of
 * other processes drifts, and a pair measured back to back shares most of it. Reports the median pair
 * and every pair's CPU added, so the spread is visible.
 */
export async function measureLoad(seconds: number, rates: Rates, pairs = 1) {
  const receiver = new OtlpReceiver();
  const endpoint = await receiver.startHttp();
  try {
    const runs: { without: ChildResult; with: ChildResult }[] = [];
    for (let i = 0; i < pairs; i++)
      runs.push({
        without: await child('none', seconds, endpoint, rates),
        with: await child('sdk', seconds, endpoint, rates),
      });
    const added = runs.map((r) => r.with.cpuShare - r.without.cpuShare);
    const mid = runs[added.indexOf([...added].sort((a, b) => a - b)[Math.floor((added.length - 1) / 2)]!)]!;
    return {
      seconds,
      rates,
      pairs,
      without: mid.without,
      with: { ...mid.with, delivered: { spans: receiver.spans.length / pairs, logs: receiver.logs.length / pairs } },
      cpuAdded: { median: median(added), min: Math.min(...added), max: Math.max(...added), all: added },
      dropped: runs.reduce((n, r) => n + r.with.dropped, 0),
    };
  } finally {
    await receiver.stop();
  }
}
