// Measures only the typical load: `npx tsx test/bench/load-only.ts [pairs] [seconds]` (measured after the warm-up), for trying a change to the SDK's
// steady-state cost without the whole bench.
import { measureLoad, TYPICAL } from './load.js';

const pairs = Number(process.argv[2] ?? 3);
const seconds = Number(process.argv[3] ?? 20);
const load = await measureLoad(seconds, TYPICAL, pairs);
const pct = (x: number): string => `${(x * 100).toFixed(2)} %`;
process.stdout.write(
  `typical load, ${pairs} pairs of ${seconds} s after ${load.warmupSeconds} s of warm-up: CPU added ${pct(load.cpuAdded.median)} (${load.cpuAdded.all.map(pct).join(', ')}), during the warm-up ${pct(load.warmupCpuAdded)}; RSS ${load.without.rssMb.toFixed(0)} → ${load.with.rssMb.toFixed(0)} MB; inside the calls: spans ${pct(load.with.inCalls.spans)}, points ${pct(load.with.inCalls.points)}, logs ${pct(load.with.inCalls.logs)}\n`,
);
