// npm run soak: the collector goes down for a while under load and comes back. Reports event-loop delay,
// memory over time, and the exact accounting: produced = exported + dropped, per signal.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { init, log, metrics, spans } from '../../generated/index.js';

export interface SoakOptions {
  readonly upSeconds: number;
  readonly downSeconds: number;
  readonly recoverSeconds: number;
  /** Per second. */
  readonly rates: { readonly spans: number; readonly points: number; readonly logs: number };
  readonly quiet?: boolean;
}

export interface SoakSample {
  readonly second: number;
  readonly phase: 'up' | 'down' | 'recovering';
  readonly loopDelayP99Ms: number;
  readonly rssMb: number;
  readonly queuedSpans: number;
  readonly droppedSpans: number;
}

export interface SoakResult {
  readonly samples: readonly SoakSample[];
  readonly produced: { readonly spans: number; readonly logs: number };
  readonly received: { readonly spans: number; readonly logs: number };
  readonly sdk: {
    readonly spans: { exported: number; dropped: number; queued: number; inFlight: number };
    readonly logs: { exported: number; dropped: number; queued: number; inFlight: number };
  };
  readonly deliveredAfterOutage: boolean;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));

async function startReceiver(port = 0): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(path.join(HERE, 'receiver-child.ts'), [String(port)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const got = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`receiver exited (${code})`)));
  });
  return { child, port: got };
}
/** Takes the collector down; returns what it had received. */
async function stopReceiver(child: ChildProcess): Promise<{ spans: number; logs: number }> {
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const got = new Promise<{ spans: number; logs: number }>((resolve) =>
    child.once('message', (m: { spans: number; logs: number }) => resolve(m)),
  );
  child.send('stop');
  const c = await got;
  await exited;
  return c;
}

/** Runs the soak; returns samples and the accounting. */
export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  let receiver = await startReceiver();
  const port = receiver.port;
  const obs = init({
    serviceName: 'soak',
    sampler: { type: 'always_on' },
    otlp: { endpoint: `http://127.0.0.1:${port}`, timeoutMillis: 1000 },
    metricIntervalMillis: 1000,
    queue: { maxSize: 2048, maxBatch: 512, flushIntervalMillis: 200 },
    logDestination: pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 }),
  });
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const produced = { spans: 0, logs: 0 };
  const samples: SoakSample[] = [];
  const received = { spans: 0, logs: 0 };
  const total = o.upSeconds + o.downSeconds + o.recoverSeconds;
  const TICK = 10;
  let tick = 0;
  let phase: SoakSample['phase'] = 'up';

  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      for (let i = 0; i < (o.rates.spans * TICK) / 1000; i++, produced.spans++)
        spans.oms.submit.start({ broker: 'alpaca', client_order_id: `co_${produced.spans}`, side: 'buy' }).end();
      for (let i = 0; i < (o.rates.points * TICK) / 1000; i++)
        metrics.oms.orderSubmit.add(1, { broker: 'alpaca', outcome: 'ok' });
      for (let i = 0; i < (o.rates.logs * TICK) / 1000; i++, produced.logs++)
        log.brokerAck(
          { client_order_id: `co_${produced.logs}`, broker_order_id: 'b', status: 'accepted' },
          'Order accepted',
        );
      tick++;
      if (tick % (1000 / TICK) === 0) {
        const second = tick / (1000 / TICK);
        const st = obs.status().traces!;
        const sample: SoakSample = {
          second,
          phase,
          loopDelayP99Ms: delay.percentile(99) / 1e6,
          rssMb: process.memoryUsage().rss / 2 ** 20,
          queuedSpans: st.queued,
          droppedSpans: st.dropped.queue_full + st.dropped.export_failed,
        };
        samples.push(sample);
        delay.reset();
        if (!o.quiet)
          process.stdout.write(
            `  ${String(second).padStart(4)}s ${phase.padEnd(10)} loop p99 ${sample.loopDelayP99Ms.toFixed(1)} ms  rss ${sample.rssMb.toFixed(0)} MB  queued ${sample.queuedSpans}  dropped ${sample.droppedSpans}\n`,
          );
        // Phase changes happen off the load loop.
        if (second === o.upSeconds) {
          phase = 'down';
          void stopReceiver(receiver.child).then((c) => {
            received.spans += c.spans;
            received.logs += c.logs;
          });
        } else if (second === o.upSeconds + o.downSeconds) {
          phase = 'recovering';
          void startReceiver(port).then((r) => {
            receiver = r;
          });
        }
        if (second >= total) {
          clearInterval(timer);
          resolve();
        }
      }
    }, TICK);
  });
  await obs.forceFlush(10_000);
  const receivedBeforeRecovery = received.spans;
  await obs.shutdown(10_000);
  const after = await stopReceiver(receiver.child);
  received.spans += after.spans;
  received.logs += after.logs;
  const st = obs.status();
  const sum = (q: NonNullable<typeof st.traces>) => ({
    exported: q.exported,
    dropped: q.dropped.queue_full + q.dropped.export_failed + q.dropped.shutdown,
    queued: q.queued,
    inFlight: q.inFlight,
  });
  return {
    samples,
    produced,
    received,
    sdk: { spans: sum(st.traces!), logs: sum(st.logs!) },
    deliveredAfterOutage: received.spans > receivedBeforeRecovery,
  };
}

// npm run soak [-- --minutes N]
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const minutes = Number(process.argv[process.argv.indexOf('--minutes') + 1] ?? NaN) || 3;
  const s = minutes * 60;
  const opts: SoakOptions = {
    upSeconds: Math.round(s * 0.2),
    downSeconds: Math.round(s * 0.5),
    recoverSeconds: s - Math.round(s * 0.2) - Math.round(s * 0.5),
    rates: { spans: 10_000, points: 50_000, logs: 10_000 },
  };
  process.stdout.write(
    `ampyobs soak: ${opts.upSeconds}s up, ${opts.downSeconds}s collector down, ${opts.recoverSeconds}s recovering; ${opts.rates.spans} spans/s, ${opts.rates.points} points/s, ${opts.rates.logs} logs/s\n`,
  );
  const r = await runSoak(opts);
  const by = (p: SoakSample['phase']) => r.samples.filter((x) => x.phase === p);
  const max = (xs: readonly number[]) => (xs.length ? Math.max(...xs) : 0);
  const lines = [
    '',
    '| phase | seconds | event-loop delay p99 (max) | RSS min–max | spans queued (max) |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...(['up', 'down', 'recovering'] as const).map((p) => {
      const xs = by(p);
      return `| ${p} | ${xs.length} | ${max(xs.map((x) => x.loopDelayP99Ms)).toFixed(1)} ms | ${Math.min(...xs.map((x) => x.rssMb)).toFixed(0)}–${max(xs.map((x) => x.rssMb)).toFixed(0)} MB | ${max(xs.map((x) => x.queuedSpans))} |`;
    }),
    '',
    '| signal | produced | exported (SDK) | received (collector) | dropped (counted) | produced = exported + dropped |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    `| spans | ${r.produced.spans} | ${r.sdk.spans.exported} | ${r.received.spans} | ${r.sdk.spans.dropped} | ${r.produced.spans === r.sdk.spans.exported + r.sdk.spans.dropped ? 'yes' : 'NO'} |`,
    `| logs | ${r.produced.logs} | ${r.sdk.logs.exported} | ${r.received.logs} | ${r.sdk.logs.dropped} | ${r.produced.logs === r.sdk.logs.exported + r.sdk.logs.dropped ? 'yes' : 'NO'} |`,
    '',
    `Delivery resumed after the outage: ${r.deliveredAfterOutage ? 'yes' : 'NO'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const out = path.resolve('.ampyobs/bench/soak.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ when: new Date().toISOString(), options: opts, ...r }, null, 2)}\n`);
  process.stdout.write(`results: ${out}\n`);
}
