// Resource: GC pauses, memory, CPU, file descriptors, and the SDK's own health (dropped
// telemetry, export failures). Metrics come only from the registry.
local g = import 'lib/grafana.libsonnet';
local r = import 'registry.libsonnet';

local m = r.metrics;
local q = g.q;

local cpu = g.timeseries(
  'CPU utilization by service',
  '%s Average and maximum over the instances of each service. Metric `%s`.' % [m.runtime.cpu_utilization.brief, m.runtime.cpu_utilization.name],
  m.runtime.cpu_utilization.grafanaUnit,
  [
    g.target(q.gauge(m.runtime.cpu_utilization, ['service'], 'avg'), 'avg {{service}}'),
    g.target(q.gauge(m.runtime.cpu_utilization, ['service'], 'max'), 'max {{service}}'),
  ],
);

g.dashboard(
  uid='ampy-resource',
  title='AmpyFin / Resource',
  description='Process resources of every service (GC, memory, CPU, file descriptors) and the health of the telemetry SDK itself.',
  tags=['resource', 'runtime'],
  panels=[
    g.row('Runtime'),
    cpu,
    g.gaugeBy(m.runtime.mem_bytes, ['service', 'type'], op='sum', title='Memory by service and type'),
    g.latency(m.runtime.gc_pause_ms, ['kind'], title='GC pause p95/p99 by kind'),
    g.gaugeBy(m.runtime.open_fds, ['service'], title='Open file descriptors by service'),

    g.row('Telemetry SDK'),
    g.counterRate(m.obs.dropped, ['signal', 'reason'], title='Telemetry dropped by signal and reason'),
    g.counterRate(m.obs.export_failures, ['signal'], title='Export failures by signal'),
  ],
)
