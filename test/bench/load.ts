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
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OBS_') && !k.startsWith('OTEL_')));
  const { stdout } = await promisify(execFile)(TSX, [path.join(import.meta.dirname, 'load-child.ts'), mode, String(seconds), endpoint, JSON.stringify(rates)], { env, maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as ChildResult;
}

export async function measureLoad(seconds: number, rates: Rates) {
  const receiver = new OtlpReceiver();
  const endpoint = await receiver.startHttp();
  try {
    const without = await child('none', seconds, endpoint, rates);
    const withSdk = await child('sdk', seconds, endpoint, rates);
    return {
      seconds,
      rates,
      without,
      with: { ...withSdk, delivered: { spans: receiver.spans.length, logs: receiver.logs.length } },
      dropped: withSdk.dropped,
    };
  } finally {
    await receiver.stop();
  }
}
