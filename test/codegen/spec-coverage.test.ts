// Every metric, span, log event and alert the platform's telemetry contract and the earlier Go/Python
// release name is in the spec and has a generated helper or rule source.
import { describe, expect, it } from 'vitest';
import { log, metrics, registry, spans } from '../../generated/index.js';

/** The contract's metric names (with the exporter-added _total stripped: the OTel name has none) plus the earlier release's API metrics. */
const METRICS = [
  'ampy.bus.produced',
  'ampy.bus.consumed',
  'ampy.bus.delivery_latency_ms',
  'ampy.bus.consumer_lag',
  'ampy.bus.dlq',
  'ampy.oms.order_submit',
  'ampy.oms.order_latency_ms',
  'ampy.oms.rejections',
  'ampy.ingest.throughput_msgs_per_s',
  'ampy.ingest.decode_fail',
  'ampy.ml.inference_latency_ms',
  'ampy.ml.signals_emitted',
  'ampy.ml.errors',
  'ampy.fx.rate_staleness_ms',
  'ampy.fx.provider_fail',
  'ampy.runtime.gc_pause_ms',
  'ampy.runtime.mem_bytes',
  'ampy.api.requests',
  'ampy.api.request_latency_ms',
];
/** Prometheus names the contract's and the earlier release's alert rules use. */
const EXPOSED = [
  'ampy_bus_produced_total',
  'ampy_oms_order_submit_total',
  'ampy_oms_rejections_total',
  'ampy_bus_dlq_total',
  'ampy_oms_order_latency_ms',
  'ampy_bus_delivery_latency_ms',
];
const SPANS = [
  'ingest.fetch',
  'ingest.publish',
  'features.compute',
  'model.infer',
  'signals.emit',
  'oms.submit',
  'broker.ack',
  'fills.update',
  'positions.snapshot',
  'bus.route',
  'bus.publish',
  'bus.consume',
  'api.handle_request',
];
const EVENTS = [
  'bars.ingest',
  'ticks.trade',
  'signals.emit',
  'order.submit',
  'order.reject',
  'fills.update',
  'positions.snapshot',
  'features.compute',
  'broker.ack',
  'config.change',
  'config.secret_rotation',
];
const SEED_000_ALERTS = ['AmpyOMSHighLatencyP95', 'AmpyBusHighLatencyP99', 'AmpyOMSRejectionsSpike'];
const RESOURCE = [
  'service.name',
  'service.version',
  'deployment.environment',
  'service.instance.id',
  'cloud.region',
  'ampy.bus.cluster',
  'ampy.schema_version',
];
const CONTEXT = [
  'trace_id',
  'span_id',
  'run_id',
  'as_of',
  'universe_id',
  'message_id',
  'client_order_id',
  'symbol',
  'mic',
];
const BASE_FIELDS = [
  'ts',
  'level',
  'service',
  'env',
  'service_version',
  'trace_id',
  'span_id',
  'run_id',
  'as_of',
  'message',
  'event',
];

const camel = (s: string): string => s.replace(/[._]([a-z0-9])/g, (_, c: string) => c.toUpperCase());

describe('spec coverage of the telemetry contract', () => {
  it.each(METRICS)('metric %s is in the registry and has a helper', (name) => {
    expect(registry.metrics.map((m) => m.name)).toContain(name);
    const [, subsystem, short] = name.split('.') as [string, string, string];
    const group = (metrics as unknown as Record<string, Record<string, unknown>>)[subsystem];
    expect(group?.[camel(short)], `metrics.${subsystem}.${camel(short)}`).toBeDefined();
  });

  it('exposes the Prometheus names the contract and the earlier release rules use', () => {
    expect(registry.metrics.map((m) => m.prometheus)).toEqual(expect.arrayContaining(EXPOSED));
  });

  it.each(SPANS)('span %s has a helper', (name) => {
    const [domain, ...rest] = name.split('.') as [string, ...string[]];
    const helper = (spans as unknown as Record<string, Record<string, { descriptor: { name: string } }>>)[domain]?.[
      camel(rest.join('_'))
    ];
    expect(helper?.descriptor.name).toBe(name);
  });

  it.each(EVENTS)('log event %s has a helper', (name) => {
    const helper = (log as unknown as Record<string, { descriptor: { name: string } }>)[camel(name)];
    expect(helper?.descriptor.name).toBe(name);
  });

  it('keeps order rejects and DLQ always sampled', () => {
    const critical = registry.spans.filter((s) => s.always_sample || s.always_sample_when.length).map((s) => s.name);
    expect(critical).toEqual(expect.arrayContaining(['oms.reject', 'bus.dlq', 'broker.ack']));
  });

  it('has the alerts of the contract and the earlier release, each with runbook and severity', () => {
    const names = registry.alerts.map((a) => a.name);
    expect(names).toEqual(expect.arrayContaining(SEED_000_ALERTS));
    const metricsAlerted = new Set(registry.alerts.map((a) => a.metric));
    for (const m of [
      'ampy.oms.rejections',
      'ampy.bus.delivery_latency_ms',
      'ampy.bus.dlq',
      'ampy.ml.inference_latency_ms',
      'ampy.fx.rate_staleness_ms',
      'ampy.positions.snapshots',
    ])
      expect(metricsAlerted, m).toContain(m);
    const watchdog = registry.alerts.find((a) => a.metric === 'ampy.positions.snapshots');
    expect(watchdog).toMatchObject({ kind: 'absent', during: 'us_equity_regular_hours' });
  });

  it('has the resource attributes, context core and base log fields of §4 and §5', () => {
    expect(registry.resource.map((r) => r.attribute)).toEqual(RESOURCE);
    expect(registry.context.map((c) => c.attribute)).toEqual(CONTEXT);
    expect(registry.log_base.map((f) => f.field)).toEqual(BASE_FIELDS);
  });

  it('uses the three bucket sets of §6', () => {
    const sets = Object.fromEntries(
      registry.metrics
        .filter((m) => 'buckets' in m)
        .map((m) => [
          (m as { buckets: { id: string } }).buckets.id,
          (m as { buckets: { boundaries: readonly number[] } }).buckets.boundaries,
        ]),
    );
    expect(sets['latency_ms']).toEqual([1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000]);
    expect(sets['batch_bytes']).toEqual([1024, 4096, 16384, 65536, 262144, 1048576, 4194304]);
    expect(sets['batch_records']).toEqual([1, 5, 10, 20, 50, 100, 250, 500, 1000]);
  });

  it('carries the sampling default and redaction patterns of §7 and §16', () => {
    expect(registry.sampling).toMatchObject({ sampler: 'parent', ratio: 0.25 });
    expect(registry.redaction?.keyPatterns).toEqual(expect.arrayContaining(['secret', 'password', 'token']));
  });
});
