// SLO panels for one SLO of the registry: error ratio over the SLO period against the objective,
// remaining error budget, and burn rate per alerting window. Every query reads the SLO recording rules
// named in the registry, which carry the label slo="<name>". Used by slo-overview.jsonnet (every SLO)
// and by dashboards that show the SLOs of their own signals.
local g = import 'grafana.libsonnet';

local q = g.q;

// Alerting windows of an SLO's burn tiers, shortest first (the registry lists windows in that order).
local tierWindows(s) =
  local used = std.flattenArrays([[t.long, t.short] for t in s.burnTiers]);
  [w for w in s.windows if std.member(used, w)];

local panels(s) =
  assert std.objectHas(s.recordings, s.period) : "SLO '%s' has no recording rules for its period %s" % [s.name, s.period];
  local sel = q.selector({ slo: s.name });
  local errorRatio(w) =
    assert std.objectHas(s.recordings, w) : "SLO '%s' has no recording rules for window %s" % [s.name, w];
    s.recordings[w].errorRatio + sel;
  local budget = g.num(s.budget);
  local legend = '{{env}} {{service}}';
  local about = '%s Objective %s%% over %s (error budget %s%%).' % [s.brief, g.pct(s.objective), s.period, g.pct(s.budget)];
  local severityColor = { critical: 'red', warning: 'orange' };
  local tiersByFactor = std.sort(s.burnTiers, function(t) t.factor);
  [
    g.row('SLO %s' % s.name),
    g.stat(
      '%s: error ratio over %s (objective %s%%)' % [s.name, s.period, g.pct(s.objective)],
      about + ' Share of bad events over the whole period, from the recording rule `%s`; red once it exceeds the error budget.' % s.recordings[s.period].errorRatio,
      'percentunit',
      [g.target(errorRatio(s.period), legend)],
      w=4,
      h=8,
      steps=[{ color: 'green', value: null }, { color: 'red', value: s.budget }],
      decimals=3,
    ),
    g.stat(
      '%s: SLI over %s' % [s.name, s.period],
      about + ' Share of good events over the whole period (1 - error ratio); green at or above the objective.',
      'percentunit',
      [g.target('1 - %s' % errorRatio(s.period), legend)],
      w=4,
      h=8,
      steps=[{ color: 'red', value: null }, { color: 'green', value: s.objective }],
      decimals=3,
    ),
    g.stat(
      '%s: error budget remaining' % s.name,
      about + ' 1 - error ratio over %s / error budget; 0 or below means the budget is spent.' % s.period,
      'percentunit',
      [g.target('1 - (%s / %s)' % [errorRatio(s.period), budget], legend)],
      w=4,
      h=8,
      steps=[{ color: 'red', value: null }, { color: 'orange', value: 0 }, { color: 'green', value: 0.25 }],
      decimals=1,
    ),
    g.timeseries(
      '%s: burn rate by window' % s.name,
      about + ' Error ratio over each alerting window divided by the error budget (1 = spending the budget exactly over %s). '
      % s.period + 'Alert tiers: %s.' % std.join('; ', [
        '%s and %s above %s (%s)' % [t.long, t.short, g.num(t.factor), t.severity]
        for t in s.burnTiers
      ]),
      'suffix:×',
      [g.target('%s / %s' % [errorRatio(w), budget], '%s %s' % [w, legend]) for w in tierWindows(s)],
      w=12,
      h=8,
    ) {
      fieldConfig+: {
        defaults+: {
          custom+: { thresholdsStyle: { mode: 'dashed' } },
          thresholds: g.thresholds([{ color: 'green', value: null }] + [
            { color: std.get(severityColor, t.severity, 'yellow'), value: t.factor }
            for t in tiersByFactor
          ]),
        },
      },
    },
  ];

{
  panels:: panels,
}
