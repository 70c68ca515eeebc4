// One load process for the bench: the same loop with the SDK initialised (mode sdk) or not (mode none).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { writeSync } from 'node:fs';
import { init, log, metrics, spans } from '../../generated/index.js';
import type { InitOptions } from '../../runtime/config.js';

const [mode, secondsArg, endpoint, ratesArg, warmupArg] = process.argv.slice(2);
const seconds = Number(secondsArg);
const RATES = JSON.parse(ratesArg ?? '{}') as { spans: number; points: number; logs: number; allSampled: boolean };
const TICK_MS = 10;

const obs =
  mode === 'sdk'
    ? init({
        serviceName: 'load',
        environment: 'prod',
        ...(RATES.allSampled && { sampler: { type: 'always_on' as const }, metricIntervalMillis: 1000 }),
        otlp: { endpoint: endpoint!, insecure: true },
        // No logDestination: lines go to the SDK's default, stdout, which the parent points at /dev/null.
        // Options to try against the same load (load-only.ts), as JSON.
        ...(JSON.parse(process.env.AMPYOBS_LOAD_OPTIONS ?? '{}') as InitOptions),
      })
    : undefined;

/** Share of a core: CPU time used (µs) over wall time (ms). */
function cpuShare(used: NodeJS.CpuUsage, wallMs: number): number {
  return (used.user + used.system) / 1000 / wallMs;
}

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
let rss = 0;
// The warm-up (JIT, lazily loaded exporter modules, first exports) is measured apart from the rest.
const warmupTicks = Math.floor((Number(warmupArg) * 1000) / TICK_MS);
let cpu0 = process.cpuUsage();
let t0 = performance.now();
let warmup = { cpuShare: 0 };
let ticks = 0;
// Nanoseconds inside the helper calls, by kind, over the measured part: the rest of what the SDK adds is
// its work between the application's (exports, timers, garbage collection).
const inCalls = { spans: 0, points: 0, logs: 0 };
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    if (mode === 'sdk') {
      const measured = ticks >= warmupTicks;
      const h0 = process.hrtime.bigint();
      for (let i = 0; i < (RATES.spans * TICK_MS) / 1000; i++)
        spans.oms.submit.start({ broker: 'alpaca', client_order_id: `co_${i}`, side: 'buy' }).end();
      const h1 = process.hrtime.bigint();
      for (let i = 0; i < (RATES.points * TICK_MS) / 1000; i++)
        metrics.oms.orderSubmit.add(1, { broker: 'alpaca', outcome: 'ok' });
      const h2 = process.hrtime.bigint();
      for (let i = 0; i < (RATES.logs * TICK_MS) / 1000; i++)
        log.brokerAck({ client_order_id: `co_${i}`, broker_order_id: 'b1', status: 'accepted' }, 'Order accepted');
      if (measured) {
        inCalls.spans += Number(h1 - h0);
        inCalls.points += Number(h2 - h1);
        inCalls.logs += Number(process.hrtime.bigint() - h2);
      }
    }
    // rss() alone: memoryUsage() also walks the heap spaces, a cost that grows with the heap and was
    // being counted as the SDK's. Every tenth tick: here rss() reads /proc and took about 70 µs, as much
    // CPU as the baseline process's whole loop, and as noisy.
    if (ticks % 10 === 0) rss = Math.max(rss, process.memoryUsage.rss());
    if (++ticks === warmupTicks) {
      warmup = { cpuShare: cpuShare(process.cpuUsage(cpu0), performance.now() - t0) };
      cpu0 = process.cpuUsage();
      t0 = performance.now();
      delay.reset();
    }
    if (ticks >= (seconds * 1000) / TICK_MS) {
      clearInterval(timer);
      resolve();
    }
  }, TICK_MS);
});
const wall = performance.now() - t0;
const used = process.cpuUsage(cpu0);
const status = obs?.status();
await obs?.shutdown(5000);
// The result goes to fd 3: stdout carries the log lines.
writeSync(
  3,
  JSON.stringify({
    rssMb: rss / 2 ** 20,
    inCalls: {
      spans: inCalls.spans / 1e6 / wall,
      points: inCalls.points / 1e6 / wall,
      logs: inCalls.logs / 1e6 / wall,
    },
    cpuShare: cpuShare(used, wall),
    warmupCpuShare: warmup.cpuShare,
    loopDelayP99Ms: delay.percentile(99) / 1e6,
    dropped: Object.values(status?.drops ?? {}).reduce((a, b) => a + b, 0),
    drops: status?.drops ?? {},
    queued: { spans: status?.traces?.queued ?? 0, logs: status?.logs?.queued ?? 0 },
  }),
);
