// Trading Path: order latency, rejections, bus delivery, fills vs orders, positions
// snapshot lag, model inference latency and news ingest freshness. Metrics come only from the registry.
local g = import 'lib/grafana.libsonnet';
local r = import 'registry.libsonnet';

local m = r.metrics;
local q = g.q;

local fillsVsOrders = g.timeseries(
  'Fills vs orders by broker',
  'Executions received from brokers against orders submitted, per second by broker over $__rate_interval. '
  + 'Fills: %s Orders: %s Metrics `%s` and `%s`.' % [m.oms.fills.brief, m.oms.order_submit.brief, m.oms.fills.name, m.oms.order_submit.name],
  g.rateUnit(m.oms.order_submit),
  [
    g.target(q.sumRate(m.oms.fills, ['broker']), 'fills {{broker}}'),
    g.target(q.sumRate(m.oms.order_submit, ['broker']), 'orders {{broker}}'),
  ],
);

local outcomeShare = g.timeseries(
  'Order outcome share',
  '%s Share of each outcome in all submissions over $__rate_interval. Metric `%s`.' % [m.oms.order_submit.brief, m.oms.order_submit.name],
  'percentunit',
  [g.target(q.shareBy(m.oms.order_submit, 'outcome'), '{{outcome}}')],
  stack=true,
  min=0,
);

g.dashboard(
  uid='ampy-trading-path',
  title='AmpyFin / Trading Path',
  description='Order path health: OMS latency and outcomes, rejections, bus delivery, positions, models and news freshness.',
  tags=['trading', 'oms'],
  panels=[
    g.row('Overview'),
    g.rateStat(m.oms.order_submit, title='Orders submitted'),
    g.rateStat(m.oms.fills, title='Fills'),
    g.rateStat(m.oms.rejections, title='Rejections'),
    g.gaugeStat(m.positions.snapshot_lag_ms, title='Positions snapshot lag'),

    g.row('Orders'),
    g.latency(m.oms.order_latency_ms, ['broker'], title='OMS order latency p95/p99 by broker'),
    g.counterRate(m.oms.rejections, ['broker', 'reason'], title='Order rejections by reason'),
    fillsVsOrders,
    g.counterRate(m.oms.order_submit, ['outcome'], title='Order outcomes', stack=true),
    outcomeShare,
    g.gaugeBy(m.positions.snapshot_lag_ms, ['service'], title='Positions snapshot lag'),

    g.row('Bus, models and data'),
    g.latency(m.bus.delivery_latency_ms, ['topic'], title='Bus delivery latency p95/p99 by topic'),
    g.latency(m.ml.inference_latency_ms, ['model_id'], title='Model inference latency p95/p99 by model'),
    g.gaugeBy(m.ingest.freshness_ms, ['source'], matchers={ domain: 'news' }, title='News ingest freshness by source', w=24),
  ],
)
