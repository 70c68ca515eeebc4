// One load process for the bench: the same loop with the SDK initialised (mode sdk) or not (mode none).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pino } from 'pino';
import { init, log, metrics, spans } from '../../generated/index.js';

const [mode, secondsArg, endpoint, ratesArg] = process.argv.slice(2);
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
        // Like the SDK's default stdout destination: buffered, one write per 4 KiB.
        logDestination: pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 }),
      })
    : undefined;

const delay = monitorEventLoopDelay({ resolution: 10 });
delay.enable();
let rss = 0;
// The first third warms up (JIT, lazily loaded exporter modules, first exports); measure the rest.
const warmupTicks = Math.floor((seconds * 1000) / TICK_MS / 3);
let cpu0 = process.cpuUsage();
let t0 = performance.now();
let ticks = 0;
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    if (mode === 'sdk') {
      for (let i = 0; i < (RATES.spans * TICK_MS) / 1000; i++)
        spans.oms.submit.start({ broker: 'alpaca', client_order_id: `co_${i}`, side: 'buy' }).end();
      for (let i = 0; i < (RATES.points * TICK_MS) / 1000; i++)
        metrics.oms.orderSubmit.add(1, { broker: 'alpaca', outcome: 'ok' });
      for (let i = 0; i < (RATES.logs * TICK_MS) / 1000; i++)
        log.brokerAck({ client_order_id: `co_${i}`, broker_order_id: 'b1', status: 'accepted' }, 'Order accepted');
    }
    // rss() alone: memoryUsage() also walks the heap spaces, a cost that grows with the heap and was
    // being counted as the SDK's.
    rss = Math.max(rss, process.memoryUsage.rss());
    if (++ticks === warmupTicks) {
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
process.stdout.write(
  JSON.stringify({
    rssMb: rss / 2 ** 20,
    cpuShare: (used.user + used.system) / 1000 / wall,
    loopDelayP99Ms: delay.percentile(99) / 1e6,
    dropped: Object.values(status?.drops ?? {}).reduce((a, b) => a + b, 0),
    queued: { spans: status?.traces?.queued ?? 0, logs: status?.logs?.queued ?? 0 },
  }),
);
