// Profiles the SDK under the bench's typical load: `npx tsx test/bench/profile-load.ts [seconds]` writes a
// .cpuprofile of the load child (open it in Chrome DevTools) and prints the top self-time functions.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { OtlpReceiver } from '../support/otlp-receiver.js';

const seconds = Number(process.argv[2] ?? 20);
const rates = { spans: 1_000, points: 10_000, logs: 1_000, allSampled: false };
const receiver = new OtlpReceiver();
const endpoint = await receiver.startHttp();
const dir = mkdtempSync(path.join(tmpdir(), 'ampyobs-prof-'));
try {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('OBS_') && !k.startsWith('OTEL_')),
  );
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--import',
      'tsx',
      '--cpu-prof',
      '--cpu-prof-dir',
      dir,
      path.join(import.meta.dirname, 'load-child.ts'),
      'sdk',
      String(seconds),
      endpoint,
      JSON.stringify(rates),
    ],
    { env },
  );
  process.stdout.write(`${stdout}\n`);
  const file = path.join(
    dir,
    readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!,
  );
  const prof = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
    samples: number[];
    timeDeltas: number[];
  };
  const self = new Map<number, number>();
  prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0)));
  const byFn = new Map<string, number>();
  let total = 0;
  for (const n of prof.nodes) {
    const t = self.get(n.id) ?? 0;
    total += t;
    const key = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(runtime|generated|test)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + t);
  }
  const idle = [...byFn]
    .filter(([k]) => k.startsWith('(idle)') || k.startsWith('(program)') || k.startsWith('(garbage'))
    .reduce((a, [, v]) => a + v, 0);
  process.stdout.write(
    `profile: ${file}\nbusy ${((total - idle) / 1000).toFixed(0)} ms of ${(total / 1000).toFixed(0)} ms\n`,
  );
  for (const [k, v] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 40))
    process.stdout.write(`${(v / 1000).toFixed(1).padStart(8)} ms  ${k}\n`);
} finally {
  await receiver.stop();
}
