// Profiles the SDK under the bench's typical load: `npx tsx test/bench/profile-load.ts [seconds] [sdk|none]` writes a
// .cpuprofile of the load child (open it in Chrome DevTools) and prints the top self-time functions of the
// `seconds` after its warm-up.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { OtlpReceiver } from '../support/otlp-receiver.js';
import { runLoadChild, TYPICAL, WARMUP_SECONDS } from './load.js';

const seconds = Number(process.argv[2] ?? 20);
// `none` profiles the baseline process (the same loop without the SDK), to subtract from the SDK's.
const mode = process.argv[3] === 'none' ? 'none' : 'sdk';
const rates = TYPICAL;
const receiver = new OtlpReceiver();
const endpoint = await receiver.startHttp();
const dir = mkdtempSync(path.join(tmpdir(), 'ampyobs-prof-'));
try {
  const result = await runLoadChild(
    ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', dir],
    mode,
    WARMUP_SECONDS + seconds,
    endpoint,
    rates,
  );
  process.stdout.write(`${JSON.stringify(result)}\n`);
  const file = path.join(
    dir,
    readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!,
  );
  const prof = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
    samples: number[];
    timeDeltas: number[];
  };
  // Only the measured part, after the load child's warm-up.
  let at = 0;
  const warmup = WARMUP_SECONDS * 1e6;
  const self = new Map<number, number>();
  prof.samples.forEach((id, i) => {
    const dt = prof.timeDeltas[i] ?? 0;
    at += dt;
    if (at >= warmup) self.set(id, (self.get(id) ?? 0) + dt);
  });
  const byFn = new Map<string, number>();
  const byArea = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const n of prof.nodes) {
    const t = self.get(n.id) ?? 0;
    total += t;
    const { functionName, url, lineNumber } = n.callFrame;
    if (functionName === '(idle)') idle += t;
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(runtime|generated|test)\//, '$1/')}:${lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + t);
    const area =
      /node_modules\/(@[^/]+\/[^/]+|[^/]+)\//.exec(url)?.[1] ??
      /\/(runtime|generated|test)\//.exec(url)?.[1] ??
      (url.startsWith('node:') ? 'node' : functionName.startsWith('(') ? functionName : `native ${functionName}`);
    byArea.set(area, (byArea.get(area) ?? 0) + t);
  }
  const ms = (v: number) => `${(v / 1000).toFixed(1).padStart(8)} ms`;
  process.stdout.write(
    `profile: ${file}\nmeasured part: busy ${((total - idle) / 1000).toFixed(0)} ms of ${(total / 1000).toFixed(0)} ms\n\nby area (self time)\n`,
  );
  for (const [k, v] of [...byArea]
    .sort((a, b) => b[1] - a[1])
    .filter(([k]) => k !== '(idle)')
    .slice(0, 20))
    process.stdout.write(`${ms(v)}  ${k}\n`);
  process.stdout.write('\nby function (self time)\n');
  for (const [k, v] of [...byFn]
    .sort((a, b) => b[1] - a[1])
    .filter(([k]) => !k.startsWith('(idle)'))
    .slice(0, 40))
    process.stdout.write(`${ms(v)}  ${k}\n`);
} finally {
  await receiver.stop();
}
