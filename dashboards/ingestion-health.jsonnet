// Ingestion Health: throughput, decode failures, DLQ, consumer lag, batch sizes and bus
// produced vs consumed. Metrics come only from the registry.
local g = import 'lib/grafana.libsonnet';
local r = import 'registry.libsonnet';

local m = r.metrics;
local q = g.q;

local producedVsConsumed = g.timeseries(
  'Bus produced vs consumed by topic',
  'Messages published to and consumed from ampy-bus, per second by topic over $__rate_interval; a lasting gap means consumers fall behind. '
  + 'Metrics `%s` and `%s`.' % [m.bus.produced.name, m.bus.consumed.name],
  g.rateUnit(m.bus.produced),
  [
    g.target(q.sumRate(m.bus.produced, ['topic']), 'produced {{topic}}'),
    g.target(q.sumRate(m.bus.consumed, ['topic']), 'consumed {{topic}}'),
  ],
);

g.dashboard(
  uid='ampy-ingestion-health',
  title='AmpyFin / Ingestion Health',
  description='Ingest throughput, decode failures, dead-lettering, consumer lag and batch sizes.',
  tags=['ingestion', 'bus'],
  panels=[
    g.row('Overview'),
    g.gaugeStat(m.ingest.throughput_msgs_per_s, title='Ingest throughput', op='sum'),
    g.rateStat(m.ingest.decode_fail, title='Decode failures'),
    g.rateStat(m.bus.dlq, title='Dead-lettered messages'),
    g.gaugeStat(m.bus.consumer_lag, title='Worst consumer lag'),

    g.row('Throughput'),
    g.gaugeBy(m.ingest.throughput_msgs_per_s, ['source', 'domain'], op='sum', title='Ingest throughput by source and domain'),
    producedVsConsumed,
    g.gaugeBy(m.ingest.freshness_ms, ['source', 'domain'], title='Ingest freshness by source and domain', w=24),

    g.row('Failures and lag'),
    g.counterRate(m.ingest.decode_fail, ['source', 'reason'], title='Decode failures by source and reason'),
    g.counterRate(m.bus.dlq, ['topic', 'reason'], title='DLQ rate by topic and reason'),
    g.gaugeBy(m.bus.consumer_lag, ['topic', 'consumer'], title='Consumer lag by topic and consumer', w=24),

    g.row('Batches'),
    g.bucketHeatmap(m.ingest.batch_size_bytes, title='Batch size distribution'),
    g.latency(m.ingest.batch_size_bytes, ['source'], quantiles=[0.5, 0.95, 0.99], title='Batch size p50/p95/p99 by source'),
    g.latency(m.ingest.batch_records, ['source'], quantiles=[0.5, 0.95, 0.99], title='Records per batch p50/p95/p99 by source', w=24),
  ],
)
