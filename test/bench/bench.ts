// npm run bench: generated helpers against the raw libraries underneath, measured in the same run, on
// the same process, with the same attributes. Ratios, not absolute times, are what we judge: the
// machine is shared and noisy.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { metrics as otelMetrics, propagation, context, trace, ROOT_CONTEXT } from '@opentelemetry/api';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  AggregationTemporality,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import { defaultResource } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { ExportResultCode } from '@opentelemetry/core';
import { pino } from 'pino';
import client from 'prom-client';
import { Bench } from 'tinybench';
import { extractBusContext, init, injectBusHeaders, log, metrics, spans } from '../../generated/index.js';
import { configureLogs, createTracing, flushLogs, redactor, runInScope, useProviders } from '../../runtime/index.js';
import { exemplarsEnabled, sampledSpanContext } from '../../runtime/exemplars/exemplar.js';
import { measureHttp } from './http-overhead.js';
import { measureLoad, TYPICAL, WARMUP_SECONDS } from './load.js';

const BATCH = 1000;
const quick = process.argv.includes('--quick');
const out = path.resolve(process.env['BENCH_OUT'] ?? '.ampyobs/bench/results.json');

const noopSpans: SpanExporter = {
  export: (_s, cb) => cb({ code: ExportResultCode.SUCCESS }),
  shutdown: async () => {},
};
const noopMetrics: PushMetricExporter = {
  export: (_m, cb) => cb({ code: ExportResultCode.SUCCESS }),
  forceFlush: async () => {},
  shutdown: async () => {},
  selectAggregationTemporality: () => AggregationTemporality.CUMULATIVE,
};

async function asyncDevNull(): Promise<ReturnType<typeof pino.destination>> {
  const dest = pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 });
  // Writing before the stream opened would crash at exit (sonic-boom is not ready yet).
  await new Promise<void>((r) => dest.once('ready', () => r()));
  return dest;
}

/**
 * Per-call latency p99 in ns of one round: individually timed calls, minus the timer's own cost. The
 * timer is performance.now(): process.hrtime.bigint() allocates two BigInts per reading, and the
 * collections that allocation brings on were counted in the call's p99.
 */
function roundP99(fn: () => void, n: number): number {
  const samples = new Float64Array(n);
  let timer = Infinity;
  for (let i = 0; i < 1000; i++) {
    const a = performance.now();
    timer = Math.min(timer, performance.now() - a);
  }
  for (let i = 0; i < n; i++) {
    const a = performance.now();
    fn();
    samples[i] = (performance.now() - a - timer) * 1e6;
  }
  samples.sort();
  return Math.max(0, samples[Math.floor(n * 0.99)]!);
}

/**
 * Per-call latency p99 in ns: the median of three rounds, with the event loop running between them (a
 * service's loop runs between its calls: batch exports, flushes and timers are not left to pile up).
 * Other work on this shared machine preempts a round now and then, and a single round's p99 of the same
 * call then moved by 2–5×. A first round is run and dropped: the code a row shares with the rows before
 * it is compiled again for this row's calls, and until then its calls ran at about twice their median.
 */
async function perCallP99(fn: () => void, n = quick ? 20_000 : 100_000): Promise<number> {
  const rounds: number[] = [];
  for (let i = 0; i <= 3; i++) {
    await new Promise((r) => setTimeout(r, 20));
    const p99 = roundP99(fn, n);
    if (i > 0) rounds.push(p99);
  }
  return rounds.sort((a, b) => a - b)[1]!;
}

interface Row {
  readonly name: string;
  readonly helperNs: number;
  readonly helperP99Ns: number;
  readonly rawNs?: number;
  readonly rawP99Ns?: number;
  readonly rawLabel?: string;
  readonly promNs?: number;
  readonly target?: { readonly kind: 'faster' | 'within'; readonly factor: number };
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(tmpdir(), 'ampyobs-bench-'));
  // The SDK as a service runs it: metrics to a file (exported hourly, so never during the run).
  const obs = init({
    serviceName: 'bench',
    otlp: { endpoint: `file://${tmp}` },
    export: { traces: false, logs: false },
    metricIntervalMillis: 3_600_000,
  });
  // Spans of both the helper and the raw tracer go through one BatchSpanProcessor with a no-op exporter.
  // Bounded like in production (a growing queue would make GC the thing measured), drained often.
  // The helpers build their spans as under init (runtime/span-records.ts); the raw tracer is the SDK's.
  const { tracerProvider, spans: pipeline } = createTracing({
    resource: defaultResource(),
    sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    processors: [
      new BatchSpanProcessor(noopSpans, { maxQueueSize: 2048, maxExportBatchSize: 2048, scheduledDelayMillis: 5 }),
    ],
  });
  useProviders({ meterProvider: otelMetrics.getMeterProvider(), tracerProvider, spans: pipeline });
  const helperDest = await asyncDevNull();
  configureLogs({
    resource: { service: 'bench', env: 'dev', service_version: '1' },
    destination: helperDest,
    level: 'info',
  });

  const rawMeter = new MeterProvider({
    readers: [new PeriodicExportingMetricReader({ exporter: noopMetrics, exportIntervalMillis: 3_600_000 })],
  }).getMeter('raw');
  const rawCounter = rawMeter.createCounter('raw.rejections');
  const rawHistogram = rawMeter.createHistogram('raw.latency', {
    advice: { explicitBucketBoundaries: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000] },
  });
  const rawGauge = rawMeter.createGauge('raw.mem');
  const rawTopic = rawMeter.createCounter('raw.consumed');
  const rawTracer = tracerProvider.getTracer('raw');
  const rawDest = await asyncDevNull();
  const rawLog = pino({ base: { service: 'bench', env: 'dev', service_version: '1' }, messageKey: 'message' }, rawDest);
  /**
   * Waits until every line written so far has reached /dev/null. The throughput rows write lines far
   * faster than one async destination drains them: 100 MB and more were still queued when the p99 pass
   * began, and draining them beside a row's rounds doubled its p99 (README "Performance").
   */
  const settleLogs = async (): Promise<void> => {
    flushLogs();
    for (const d of [helperDest, rawDest]) await new Promise<void>((r) => d.flush(() => r()));
  };
  const reg = new client.Registry();
  const promCounter = new client.Counter({
    name: 'prom_rejections_total',
    help: 'x',
    labelNames: ['broker', 'reason'],
    registers: [reg],
  });
  const promHistogram = new client.Histogram({
    name: 'prom_latency',
    help: 'x',
    labelNames: ['broker'],
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000],
    registers: [reg],
  });
  const promGauge = new client.Gauge({ name: 'prom_mem', help: 'x', labelNames: ['type'], registers: [reg] });

  const envelope = {
    message_id: '018f5e32-9b2a-7cde-9333-4f1ab2a49e77',
    schema_fqdn: 'ampy.orders.v1.OrderRequest',
    topic: 'ampy/prod/orders/v1/requests',
    partition_key: 'co_1',
    run_id: 'live_trading_44',
  };
  const activeSpan = rawTracer.startSpan('parent');
  const activeCtx = trace.setSpan(ROOT_CONTEXT, activeSpan);
  const headers = context.with(activeCtx, () => injectBusHeaders(envelope));
  const scope = { run_id: 'live_trading_44', client_order_id: 'co_20250905_001', symbol: 'AAPL' };

  let v = 0;
  // Counter and histogram rows run twice: with no span active (exemplars on, nothing to keep) and inside
  // a sampled span (every call offers an exemplar). The raw calls run in the same context.
  const cases: {
    name: string;
    helper: () => void;
    raw?: [string, () => void];
    prom?: () => void;
    target?: Row['target'];
    inSpan?: boolean;
  }[] = [
    ...[false, true].flatMap((inSpan) => [
      {
        name: `counter.add (enum labels), exemplars on, ${inSpan ? 'sampled span' : 'no span'}`,
        helper: () => metrics.oms.rejections.add(1, { broker: 'alpaca', reason: 'risk_check' }),
        raw: ['OTel counter.add', () => rawCounter.add(1, { broker: 'alpaca', reason: 'risk_check' })] as [
          string,
          () => void,
        ],
        prom: () => promCounter.inc({ broker: 'alpaca', reason: 'risk_check' }, 1),
        target: { kind: 'faster', factor: 5 } as const,
        inSpan,
      },
      {
        name: `histogram.record (enum labels), exemplars on, ${inSpan ? 'sampled span' : 'no span'}`,
        helper: () => metrics.oms.orderLatencyMs.record((v = (v + 7.3) % 900), { broker: 'alpaca' }),
        raw: ['OTel histogram.record', () => rawHistogram.record((v = (v + 7.3) % 900), { broker: 'alpaca' })] as [
          string,
          () => void,
        ],
        prom: () => promHistogram.observe({ broker: 'alpaca' }, (v = (v + 7.3) % 900)),
        target: { kind: 'faster', factor: 2 } as const,
        inSpan,
      },
    ]),
    {
      name: 'gauge.set (enum labels)',
      helper: () => metrics.runtime.memBytes.set(123_456_789, { type: 'rss' }),
      raw: ['OTel gauge.record', () => rawGauge.record(123_456_789, { type: 'rss' })],
      prom: () => promGauge.set({ type: 'rss' }, 123_456_789),
    },
    {
      name: 'counter.add (bounded string label)',
      helper: () => metrics.bus.consumed.add(1, { topic: 'ampy/prod/orders/v1/requests' }),
      raw: ['OTel counter.add', () => rawTopic.add(1, { topic: 'ampy/prod/orders/v1/requests' })],
    },
    {
      name: 'span start+end',
      helper: () => spans.oms.submit.start({ broker: 'alpaca', client_order_id: 'co_1', side: 'buy' }).end(),
      // The helper also stamps the scope's context core (run_id, client_order_id, symbol): so does raw.
      raw: [
        'OTel tracer.startSpan+end',
        () =>
          rawTracer
            .startSpan('oms.submit', {
              attributes: { ...scope, broker: 'alpaca', client_order_id: 'co_1', side: 'buy' },
            })
            .end(),
      ],
      target: { kind: 'within', factor: 1.1 },
    },
    {
      name: 'span with-span form',
      helper: () => spans.oms.submit({ broker: 'alpaca', client_order_id: 'co_1', side: 'buy' }, () => v++),
      raw: [
        'OTel startActiveSpan+end',
        () =>
          rawTracer.startActiveSpan(
            'oms.submit',
            { attributes: { ...scope, broker: 'alpaca', client_order_id: 'co_1', side: 'buy' } },
            (s) => (v++, s.end()),
          ),
      ],
      target: { kind: 'within', factor: 1.1 },
    },
    {
      name: 'log event (context core + redaction)',
      // The scope is opened once per unit of work (see `scoped` below), not per line.
      helper: () =>
        log.orderSubmit(
          {
            client_order_id: 'co_20250905_001',
            broker: 'alpaca',
            symbol: 'AAPL',
            mic: 'XNAS',
            side: 'buy',
            tif: 'DAY',
          },
          'Placed limit order',
        ),
      raw: [
        'pino.info, same fields',
        () =>
          rawLog.info(
            {
              run_id: 'live_trading_44',
              client_order_id: 'co_20250905_001',
              symbol: 'AAPL',
              broker: 'alpaca',
              mic: 'XNAS',
              side: 'buy',
              tif: 'DAY',
              event: 'order.submit',
            },
            'Placed limit order',
          ),
      ],
      // Issue 10: at least as fast as raw pino, 1.5× the goal; the verdict holds it to the goal.
      target: { kind: 'faster', factor: 1.5 },
    },
    {
      name: 'bus inject (W3C + envelope)',
      helper: () => context.with(activeCtx, () => injectBusHeaders(envelope)),
      raw: [
        'propagation.inject + copy',
        () => context.with(activeCtx, () => propagation.inject(context.active(), { ...envelope })),
      ],
    },
    {
      name: 'bus extract',
      helper: () => extractBusContext(headers),
      raw: ['propagation.extract', () => propagation.extract(ROOT_CONTEXT, headers)],
    },
  ];

  const bench = new Bench({ time: quick ? 150 : 600, warmupTime: quick ? 50 : 200 });
  const batch = (f: () => void) => () => {
    for (let i = 0; i < BATCH; i++) f();
  };
  // Helpers run inside a context-core scope, as in a service handling an order; `inSpan` rows (helper,
  // raw and prom-client alike) inside the sampled span too.
  const scoped = (f: () => void) => () => runInScope(scope, f);
  const within = <T>(inSpan: boolean | undefined, f: () => T): T => (inSpan ? context.with(activeCtx, f) : f());
  const spanned = (inSpan: boolean | undefined, f: () => void) => (inSpan ? () => within(true, f) : f);
  // The rows must measure what they say: exemplars on, and a sampled span visible to the fast path.
  if (!exemplarsEnabled()) throw new Error('bench: exemplars are off (OBS_EXEMPLARS?); the rows say they are on');
  if (within(true, () => runInScope(scope, sampledSpanContext)) === undefined)
    throw new Error('bench: the exemplar source sees no sampled span');
  for (const c of cases) {
    bench.add(`${c.name} | helper`, spanned(c.inSpan, scoped(batch(c.helper))));
    if (c.raw) bench.add(`${c.name} | raw`, spanned(c.inSpan, batch(c.raw[1])));
    if (c.prom) bench.add(`${c.name} | prom`, spanned(c.inSpan, batch(c.prom)));
  }
  await bench.run();
  const median = (name: string): number | undefined => {
    const r = bench.tasks.find((t) => t.name === name)?.result as { latency?: { p50: number } } | undefined;
    return r?.latency ? (r.latency.p50 * 1e6) / BATCH : undefined;
  };

  // Each p99 starts with no lines of an earlier row still on their way out.
  const p99 = async (inSpan: boolean | undefined, f: () => Promise<number>): Promise<number> => {
    await settleLogs();
    return within(inSpan, f);
  };
  const rows: Row[] = [];
  for (const c of cases)
    rows.push({
      name: c.name,
      helperNs: median(`${c.name} | helper`)!,
      helperP99Ns: await p99(c.inSpan, () => runInScope(scope, () => perCallP99(c.helper))),
      ...(c.raw && {
        rawNs: median(`${c.name} | raw`)!,
        rawP99Ns: await p99(c.inSpan, () => perCallP99(c.raw![1])),
        rawLabel: c.raw[0],
      }),
      ...(c.prom && { promNs: median(`${c.name} | prom`)! }),
      ...(c.target && { target: c.target }),
    });
  activeSpan.end();

  const verdict = (r: Row): string => {
    if (!r.target || r.rawNs === undefined) return '';
    const speedup = r.rawNs / r.helperNs;
    return r.target.kind === 'faster'
      ? `${speedup >= r.target.factor ? 'met' : 'MISSED'} (≥${r.target.factor}× faster)`
      : `${r.helperNs <= r.rawNs * r.target.factor ? 'met' : 'MISSED'} (≤${r.target.factor}× raw)`;
  };
  const f = (n: number | undefined): string => (n === undefined ? '–' : n < 10 ? n.toFixed(1) : n.toFixed(0));
  const lines = [
    `ampyobs bench — ${cpus()[0]?.model ?? 'cpu'} ×${cpus().length}, Node ${process.version}${quick ? ' (quick)' : ''}`,
    '',
    '| operation | helper ns/op (median) | helper p99 ns/call | raw ns/op | raw p99 ns/call | raw / helper | prom-client ns/op | target |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${f(r.helperNs)} | ${f(r.helperP99Ns)} | ${f(r.rawNs)} ${r.rawLabel ? `(${r.rawLabel})` : ''} | ${f(r.rawP99Ns)} | ${r.rawNs ? `${(r.rawNs / r.helperNs).toFixed(2)}×` : '–'} | ${f(r.promNs)} | ${verdict(r)} |`,
    ),
    '',
    `p99: per call, the median of three rounds of ${quick ? '20 000' : '100 000'} individually timed calls, after a round dropped as warm-up.`,
    '',
    `Every helper under 5 µs at p99: ${
      rows.every((r) => r.helperP99Ns < 5000)
        ? 'yes'
        : `NO (${rows
            .filter((r) => r.helperP99Ns >= 5000)
            .map((r) => r.name)
            .join(', ')})`
    }`,
  ];
  // Redaction on long strings: time per KB stays flat from 1 KB to 1 MB, `eyJ…` included (the spec's
  // jwt pattern once made it quadratic: seconds for 90 KB). The scan alone, then the whole log helper.
  const r = redactor();
  const prose = (kb: number): string => {
    const unit =
      'Order co_20250905_001 routed to alpaca; Authorization: Bearer s3cr3tT0ken42 retry 3/5 at https://broker.example/api ';
    return unit.repeat(Math.ceil((kb * 1024) / unit.length)).slice(0, kb * 1024);
  };
  const eyj = (kb: number): string => 'eyJ'.repeat(Math.ceil((kb * 1024) / 3)).slice(0, kb * 1024);
  /** Median ms per call over `reps` samples of `n` calls each (n large enough for short inputs). */
  const timeMs = (f: () => void, reps: number, n: number): number => {
    f();
    const t: number[] = [];
    for (let i = 0; i < reps; i++) {
      const a = performance.now();
      for (let k = 0; k < n; k++) f();
      t.push((performance.now() - a) / n);
    }
    return t.sort((x, y) => x - y)[Math.floor(reps / 2)]!;
  };
  const redactionRows = [
    { name: 'scan 1 KB of log text', kb: 1 },
    { name: 'scan 1 MB of log text', kb: 1024 },
    { name: "scan 90 KB of 'eyJ'", kb: 90 },
    { name: "scan 1 MB of 'eyJ'", kb: 1024 },
    { name: "log event, 90 KB 'eyJ' message (cut at 64 Ki chars)", kb: 90 },
  ].map((c) => {
    // Inputs are built outside the timing: time the call on a prepared string.
    const input = c.name.includes("'eyJ'") ? eyj(c.kb) : prose(c.kb);
    const f = c.name.startsWith('log event')
      ? () => log.orderSubmit({ client_order_id: 'co_1', broker: 'alpaca' }, input)
      : () => void r.scan(input);
    const ms = timeMs(f, quick ? 5 : 15, Math.max(1, Math.round(256 / c.kb)));
    return { name: c.name, kb: c.kb, ms, usPerKb: (ms * 1000) / c.kb };
  });
  lines.push(
    '',
    'Redaction of long strings (median of repeated calls; flat µs/KB means linear):',
    '',
    '| input | total ms | µs per KB |',
    '| --- | ---: | ---: |',
    ...redactionRows.map((x) => `| ${x.name} | ${x.ms.toFixed(2)} | ${x.usPerKb.toFixed(2)} |`),
  );

  await obs.shutdown(2000);
  await tracerProvider.shutdown();

  const profiles = [
    // Typical: the SDK's defaults for prod (parent-based sampling at 0.25, metrics every 15 s).
    // Five pairs: the budget is checked on this one, and a pair's figure moves by about a point on a
    // shared machine (README "Performance").
    { name: 'typical, prod defaults', short: 'typical', rates: TYPICAL, pairs: quick ? 1 : 5 },
    // Heavy: every span sampled, metrics exported every second.
    {
      name: 'heavy (issue 6), all sampled',
      short: 'heavy',
      rates: { spans: 10_000, points: 50_000, logs: 10_000, allSampled: true },
      pairs: quick ? 1 : 3,
    },
  ];
  const loads = [];
  const seconds = quick ? 4 : 20;
  const warmupSeconds = quick ? 2 : WARMUP_SECONDS;
  lines.push(
    '',
    `Memory and CPU added by the SDK, exporting over OTLP/HTTP to a local receiver (baseline and SDK processes side by side, ${profiles.map((p) => `${p.pairs} pairs for the ${p.short} load`).join(' and ')}; CPU and loop delay over the ${seconds} s after a warm-up of ${warmupSeconds} s, whose own CPU added is the last column):`,
    '',
    '| load | RSS without → with SDK | RSS added | CPU added, median (range) | event-loop delay p99 | delivered per run | dropped | CPU added during the warm-up |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  const pct = (x: number): string => `${(x * 100).toFixed(2)} %`;
  for (const p of profiles) {
    const load = await measureLoad(seconds, p.rates, p.pairs, warmupSeconds);
    loads.push({ profile: p.name, ...load });
    lines.push(
      `| ${p.name}: ${p.rates.spans} spans/s, ${p.rates.points} points/s, ${p.rates.logs} log lines/s | ${load.without.rssMb.toFixed(0)} → ${load.with.rssMb.toFixed(0)} MB | ${(load.with.rssMb - load.without.rssMb).toFixed(1)} MB | ${pct(load.cpuAdded.median)}${p.pairs > 1 ? ` (${pct(load.cpuAdded.min)}–${pct(load.cpuAdded.max)})` : ''} | ${load.with.loopDelayP99Ms.toFixed(1)} ms | ${Math.round(load.with.delivered.spans)} spans, ${Math.round(load.with.delivered.logs)} logs | ${load.dropped}${
        load.dropped
          ? ` (${Object.entries(load.drops)
              .map(([k, n]) => `${k} ${n}`)
              .join(', ')})`
          : ''
      } | ${pct(load.warmupCpuAdded)} |`,
    );
  }
  lines.push('', 'Budget (README "Performance"): < 50 MB and < 3 % CPU per service at the typical load.');
  const load = loads;

  // HTTP server instrumentation: the same bare node:http server, uninstrumented, with raw OpenTelemetry
  // instrumentation-http, and with ampyobs (which also records ampy.api.* per request).
  const http = await measureHttp(quick ? 5_000 : 20_000, 16, quick ? 1 : 3);
  const { none, raw, ampyobs } = http.modes;
  const added = (m: { cpuUsPerRequest: number }): number => m.cpuUsPerRequest - none.cpuUsPerRequest;
  lines.push(
    '',
    `HTTP server instrumentation: ${http.requests} loopback requests per run, ${http.inFlight} in flight on keep-alive connections, every span sampled and exported over OTLP/HTTP with metrics every 5 s (median of ${http.rounds} round${http.rounds > 1 ? 's' : ''}, modes in alternation):`,
    '',
    "| server | CPU µs per request | added by instrumentation, µs | requests/s | CPU / raw OpenTelemetry | added / raw OpenTelemetry's added |",
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...(
      [
        ['bare node:http, no instrumentation', none],
        ['raw OpenTelemetry instrumentation-http', raw],
        ["ampyobs init({ instrument: ['http'] })", ampyobs],
      ] as const
    ).map(
      ([label, m]) =>
        `| ${label} | ${m.cpuUsPerRequest.toFixed(1)} | ${m === none ? '–' : added(m).toFixed(1)} | ${m.requestsPerSecond.toFixed(0)} | ${(m.cpuUsPerRequest / raw.cpuUsPerRequest).toFixed(2)}× | ${m === none ? '–' : `${(added(m) / added(raw)).toFixed(2)}×`} |`,
    ),
  );
  process.stdout.write(`${lines.join('\n')}\n`);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ when: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, quick, rows, redaction: redactionRows, load, http }, null, 2)}\n`,
  );
  process.stdout.write(`\nresults: ${out}\n`);
}

await main();
