// SLO overview: one row per SLO of the registry (iterated, never named here): error ratio over the
// SLO period against the objective, remaining error budget, and burn rate per alerting window
// (lib/slo.libsonnet). Every query reads the SLO recording rules named in the registry.
local g = import 'lib/grafana.libsonnet';
local slo = import 'lib/slo.libsonnet';
local r = import 'registry.libsonnet';

g.dashboard(
  uid='ampy-slo-overview',
  title='AmpyFin / SLO Overview',
  description='Every SLO of the spec: error ratio against the objective, remaining error budget and multi-window burn rates.',
  tags=['slo'],
  panels=std.flattenArrays([slo.panels(r.slos[name]) for name in std.objectFields(r.slos)]),
  time='now-7d',
  refresh='1m',
)
