// `ampyobs emit [--endpoint URL] [--duration S] [--spec DIR]`: synthetic telemetry for every signal of
// the registry, through the runtime as a service would send it, so that a fresh stack's dashboards and
// alerts have data.
import { specDefaults } from '../../codegen/emit/init-file.js';
import { exampleValue } from '../../codegen/emit/metrics.js';
import type { Metric, Model } from '../../codegen/model.js';
import {
  ConfigError,
  defineCounter,
  defineEvent,
  defineGauge,
  defineHistogram,
  defineSpan,
  defineUpDownCounter,
  init,
  runInScope,
  type AttributeValue,
  type Observability,
  type MetricDescriptor,
  type ScopeValues,
} from '../../runtime/index.js';
import { displayUrl } from '../../runtime/redact.js';
import { metrics as otelMetrics, type Attributes, type SpanContext } from '@opentelemetry/api';
import { INSTRUMENTATIONS } from '../../conventions/index.js';
import { exportSuccesses } from '../../runtime/self-metrics.js';
import { loadModel, options, seconds, ToolError, type Io } from '../common.js';
import { delivery, type Delivery } from './delivery.js';
import { eventDescriptor, metricDescriptor, spanDescriptor } from './descriptors.js';
import { attributeValue, attributeValues, bucketValues, labelSets } from './values.js';

export const EMIT_USAGE = `Usage: ampyobs emit [--endpoint URL] [--duration S] [--timeout S] [--spec DIR]
  Sends synthetic telemetry for every metric, span and log event of the registry, once a second for
  --duration seconds (default 60), to --endpoint: http(s)://host:4318, grpc(s)://host:4317 or file:///dir
  (default OBS_OTLP_ENDPOINT, else http://localhost:4318). Each export may take --timeout seconds
  (default 10), retries included; after --duration, delivering what is left takes at most --timeout,
  then emit reports what each signal delivered and exits, 1 unless everything was delivered. OBS_*
  variables apply as in a service (OBS_PROM_PORT also serves the metrics to Prometheus).`;

const TICK_MS = 1000;

/** One tick's worth of telemetry for every signal; returns how many metric observations it recorded. */
function sender(model: Model): (tick: number) => number {
  const record = model.metrics.map((m) => metricSender(model, m));
  const spans = model.spans.map((s) => ({ s, helper: defineSpan<Record<string, AttributeValue>>(spanDescriptor(s)) }));
  const events = model.events.map((e) => ({
    e,
    helper: defineEvent<Record<string, AttributeValue>>(eventDescriptor(model, e)),
  }));
  // The context core every span and line carries: string values from the spec's examples.
  const scope: ScopeValues = Object.fromEntries(
    model.context
      .filter((c) => c.source === 'scope' && (c.attr.type === 'string' || c.attr.type === 'enum'))
      .map((c) => [c.attr.id, String(attributeValue(c.attr, 0))]),
  );
  return (tick) => {
    let points = 0;
    for (const r of record) points += r(tick);
    let previous: SpanContext | undefined;
    runInScope(scope, () => {
      for (const { s, helper } of spans) {
        const span = helper.start(
          attributeValues(s.attributes, tick),
          s.links && previous ? { links: [previous] } : {},
        );
        previous = span.spanContext();
        span.end();
      }
      for (const { e, helper } of events) helper(attributeValues(e.fields, tick), e.brief);
    });
    return points;
  };
}

/** Instruments a metric is recorded through: the generated helpers' runtime, or the instrumentation's own meter. */
interface Recorders {
  counter(): { add(v: number, l: unknown): void };
  updowncounter(): { add(v: number, l: unknown): void };
  gauge(): { set(v: number, l: unknown): void };
  histogram(): { record(v: number, l: unknown): void };
}

function helperRecorders(d: MetricDescriptor): Recorders {
  return {
    counter: () => defineCounter<unknown>(d),
    updowncounter: () => defineUpDownCounter<unknown>(d),
    gauge: () => defineGauge<unknown>(d),
    histogram: () => defineHistogram<unknown>(d),
  };
}

/**
 * A metric auto-instrumentation records goes through the meter of its instrumentation's scope, with its
 * attributes as instrumentation sets them (ints stay ints): the runtime's views hold it to the spec there,
 * as they hold the real instrumentation.
 */
function instrumentationRecorders(d: MetricDescriptor, scope: string): Recorders {
  const meter = otelMetrics.getMeterProvider().getMeter(scope);
  const o = {
    unit: d.unit,
    description: d.description,
    ...(d.buckets && { advice: { explicitBucketBoundaries: [...d.buckets] } }),
  };
  const attrs = (l: unknown): Attributes | undefined => l as Attributes | undefined;
  return {
    counter: () => {
      const c = meter.createCounter(d.name, o);
      return { add: (v, l) => c.add(v, attrs(l)) };
    },
    updowncounter: () => {
      const c = meter.createUpDownCounter(d.name, o);
      return { add: (v, l) => c.add(v, attrs(l)) };
    },
    gauge: () => {
      const g = meter.createGauge(d.name, o);
      return { set: (v, l) => g.record(v, attrs(l)) };
    },
    histogram: () => {
      const h = meter.createHistogram(d.name, o);
      return { record: (v, l) => h.record(v, attrs(l)) };
    },
  };
}

/** What one metric records each tick, on every label set: a counter counts, a histogram fills every bucket. */
function metricSender(model: Model, m: Metric): (tick: number) => number {
  const d = metricDescriptor(m);
  const sets = labelSets(model, m);
  const labels = (l: Record<string, string | boolean | number>): unknown => (m.labels.length ? l : undefined);
  const scope = m.recordedBy?.map((name) => INSTRUMENTATIONS[name]).find((s) => s !== undefined);
  const r = scope ? instrumentationRecorders(d, scope) : helperRecorders(d);
  switch (m.instrument) {
    case 'counter': {
      const h = r.counter();
      return () => (sets.forEach((l) => h.add(1, labels(l))), sets.length);
    }
    case 'updowncounter': {
      const h = r.updowncounter();
      return (tick) => (sets.forEach((l) => h.add(tick % 2 === 0 ? 2 : -1, labels(l))), sets.length);
    }
    case 'gauge': {
      const h = r.gauge();
      const v = exampleValue(m);
      return (tick) => (sets.forEach((l) => h.set(v * (1 + 0.1 * (tick % 3)), labels(l))), sets.length);
    }
    case 'histogram': {
      const h = r.histogram();
      const values = bucketValues(m.buckets?.boundaries ?? []);
      return () => (sets.forEach((l) => values.forEach((v) => h.record(v, labels(l)))), sets.length * values.length);
    }
  }
}

/** Runs `ampyobs emit`; returns the exit code once everything sent is flushed. */
export async function runEmit(argv: readonly string[], io: Io): Promise<number> {
  const o = options(
    argv,
    {
      endpoint: { type: 'string' },
      duration: { type: 'string' },
      timeout: { type: 'string' },
      spec: { type: 'string', default: 'spec' },
      help: { type: 'boolean', short: 'h' },
    },
    EMIT_USAGE,
    'emit',
  );
  if (o.help) {
    io.out(EMIT_USAGE);
    return 0;
  }
  const durationMs = 1000 * (o.duration === undefined ? 60 : seconds('duration', o.duration, EMIT_USAGE));
  const timeoutMs = Math.round(1000 * (o.timeout === undefined ? 10 : seconds('timeout', o.timeout, EMIT_USAGE)));
  const model = loadModel(o.spec, io);
  const endpoint = o.endpoint ?? process.env['OBS_OTLP_ENDPOINT'] ?? 'http://localhost:4318';
  // Printed without its credentials.
  const shown = displayUrl(endpoint);
  let obs: Observability;
  try {
    obs = init(
      {
        serviceName: process.env['OBS_SERVICE_NAME'] ?? 'ampyobs-emit',
        otlp: { endpoint, timeoutMillis: timeoutMs },
        // Every span is sent, and metrics often enough for rates over a short run.
        sampler: { type: 'always_on' },
        metricIntervalMillis: 5000,
        // The log events go out as OTLP records; their JSON lines would only fill the terminal.
        logDestination: { write: () => true },
      },
      specDefaults(model),
    );
  } catch (e) {
    if (e instanceof ConfigError) {
      const why = e.message.replace(/^ampyobs: [^:]+: /, '');
      // A bad --endpoint is a usage error, like any other bad flag; the rest come from OBS_* variables.
      if (e.setting === 'otlp.endpoint' && o.endpoint !== undefined)
        throw new ToolError(`--endpoint ${shown}: ${why}\n${EMIT_USAGE}`, 2);
      throw new ToolError(e.setting === 'otlp.endpoint' ? `--endpoint ${shown}: ${why}` : `${e.setting}: ${why}`);
    }
    throw e;
  }
  const send = sender(model);
  let points = 0;
  const started = Date.now();
  io.err(
    `ampyobs emit: sending every signal of ${model.registry.name} ${model.registry.version} to ${shown} for ${durationMs / 1000} s, then up to ${timeoutMs / 1000} s (--timeout) to deliver it`,
  );
  let stopped = false;
  const stop = (): void => {
    stopped = true;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  let report: Delivery;
  let sent = started + durationMs;
  try {
    try {
      // A tick per second of the duration, counted, not read off the clock: a timer may fire a little
      // before the wall clock says the duration is over, which would add a tick.
      const ticks = Math.ceil(durationMs / TICK_MS);
      for (let tick = 0; !stopped && tick < ticks; tick++) {
        points += send(tick);
        const next = started + (tick + 1) * TICK_MS;
        await new Promise((r) => setTimeout(r, Math.max(0, Math.min(next, started + durationMs) - Date.now())));
      }
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    sent = Date.now();
    await obs.forceFlush(timeoutMs);
    // Read before shutdown, which forgets the export errors.
    report = delivery(obs.status(), exportSuccesses(), obs.config.export, {
      points,
      metrics: model.metrics.length,
      spanKinds: model.spans.length,
      eventKinds: model.events.length,
    });
  } finally {
    // Whatever --timeout left after the flush; the process ends with the report either way.
    await obs.shutdown(Math.max(1, sent + timeoutMs - Date.now()));
  }
  const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  io.out(
    `ampyobs emit: ${secs(sent - started)} of telemetry to ${shown}, then ${secs(Date.now() - sent)} delivering it:`,
  );
  for (const line of report.lines) io.out(line);
  if (report.complete) return 0;
  throw new ToolError(
    `${report.nothing ? 'nothing was' : 'not everything was'} delivered to ${shown}: ${report.reasons.join('; ') || `exports did not finish within --timeout (${timeoutMs / 1000} s)`}`,
  );
}
