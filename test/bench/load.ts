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

async function child(mode: 'sdk' | 'none', seconds: number, endpoint: string): Promise<ChildResult> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OBS_') && !k.startsWith('OTEL_')));
  const { stdout } = await promisify(execFile)(TSX, [path.join(import.meta.dirname, 'load-child.ts'), mode, String(seconds), endpoint], { env, maxBuffer: 1 << 20 });
  return JSON.parse(stdout) as ChildResult;
}

export async function measureLoad(seconds: number) {
  const receiver = new OtlpReceiver();
  const endpoint = await receiver.startHttp();
  try {
    const without = await child('none', seconds, endpoint);
    const withSdk = await child('sdk', seconds, endpoint);
    return {
      seconds,
      rates: { spans: 10_000, points: 50_000, logs: 10_000 },
      without,
      with: { ...withSdk, delivered: { spans: receiver.spans.length, logs: receiver.logs.length } },
      dropped: withSdk.dropped,
    };
  } finally {
    await receiver.stop();
  }
}
