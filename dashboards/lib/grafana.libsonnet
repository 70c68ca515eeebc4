// A small Grafana dashboard library for ampyobs (handwritten, no dependencies).
//
// Dashboards reach metrics only through the generated registry (`import 'registry.libsonnet'`): every
// PromQL helper here takes a registry entry (r.metrics.<subsystem>.<name>), never a metric name string,
// and checks the labels it groups or filters by against the entry. A metric or label renamed or removed
// in the spec therefore fails `ampyobs generate` at the dashboard that uses it.
//
// Layout: panels are given a width and height only; `layout` assigns ids and gridPos, flowing panels
// left to right on a 24-column grid and starting a new line when a panel does not fit, so no two
// panels ever overlap. A row always starts a new line.
local r = import 'registry.libsonnet';

local columns = 24;

// The Grafana release of the reference stack (deploy/docker-compose.yml) and the dashboard schema version it
// writes: dashboards at this version need no migration when Grafana loads them.
local grafanaVersion = '13.1.3';
local schemaVersion = 42;

// The one data source every panel and target uses: the dashboard's `$datasource` variable.
local datasource = { type: 'prometheus', uid: '${datasource}' };

// Resource labels the SDK puts on every series (spec/resource.yaml `metric_label`).
local envLabel = 'env';
local serviceLabel = 'service';
assert std.objectHas(r.resourceLabels, envLabel) : "the registry has no resource label '%s'" % envLabel;
assert std.objectHas(r.resourceLabels, serviceLabel) : "the registry has no resource label '%s'" % serviceLabel;

// A metric every service exposes (runtime memory): template variables read label values from it.
local anchor = r.metrics.runtime.mem_bytes;

// ---------------------------------------------------------------------------------------------------
// Formatting

// 0.95 -> "0.95", 14.4 -> "14.4", 0.001 -> "0.001".
local num(x) = std.format('%g', [x]);
// 0.95 -> "95", 0.999 -> "99.9".
local pct(x) = std.format('%g', [x * 100]);
local legendOf(labels) = std.join(' ', ['{{%s}}' % l for l in labels]);

// ---------------------------------------------------------------------------------------------------
// Label checks: a helper that groups or filters by a label the metric does not carry fails the build.

local labelsOf(m) = m.labels + std.objectFields(r.resourceLabels);
local checkLabels(m, labels) =
  std.foldl(
    function(ok, l)
      if std.member(labelsOf(m), l) then ok
      else error "metric %s has no label '%s' (labels: %s; resource labels: %s)" % [
        m.name,
        l,
        std.join(', ', m.labels),
        std.join(', ', std.objectFields(r.resourceLabels)),
      ],
    labels,
    true,
  );

local matcher(label, value) =
  if std.isArray(value) then '%s=~"%s"' % [label, std.join('|', value)]
  else '%s="%s"' % [label, value];

// ---------------------------------------------------------------------------------------------------
// PromQL

local q = {
  // `{env=~"$env", service=~"$service", <extra matchers>}`. `matchers` is {label: value | [values]};
  // with a registry entry `m`, every matcher label must be one of its labels.
  selector(matchers={}, m=null)::
    assert m == null || checkLabels(m, std.objectFields(matchers));
    '{' + std.join(', ', [
      '%s=~"$env"' % envLabel,
      '%s=~"$service"' % serviceLabel,
    ] + [matcher(k, matchers[k]) for k in std.objectFields(matchers)]) + '}',

  // `sum by (a, b) (expr)`, or `sum(expr)` without labels.
  aggBy(op, by, expr)::
    if std.length(by) == 0 then '%s(%s)' % [op, expr]
    else '%s by (%s) (%s)' % [op, std.join(', ', by), expr],
  sumBy(by, expr):: self.aggBy('sum', by, expr),

  // Per-second rate of a counter (or of a histogram's `count` series), always over $__rate_interval.
  rate(m, matchers={}, series='value')::
    assert std.objectHas(m.series, series) : '%s has no %s series (it is a %s)' % [m.name, series, m.instrument];
    assert series != 'value' || m.instrument == 'counter' : 'rate() of %s: it is a %s, not a counter' % [m.name, m.instrument];
    'rate(%s%s[$__rate_interval])' % [m.series[series], self.selector(matchers, m)],

  // `sum by (by) (rate(counter{sel}[$__rate_interval]))`.
  sumRate(m, by=[], matchers={}, series='value')::
    assert checkLabels(m, by);
    self.sumBy(by, self.rate(m, matchers, series)),

  // Share of each `label` value in the total: `sum by (by, label) (rate) / ignoring (label) group_left sum by (by) (rate)`.
  shareBy(m, label, by=[], matchers={})::
    assert checkLabels(m, by + [label]);
    '%s / ignoring (%s) group_left %s' % [self.sumBy(by + [label], self.rate(m, matchers)), label, self.sumBy(by, self.rate(m, matchers))],

  // `histogram_quantile(0.95, sum by (le, by) (rate(<bucket>{sel}[$__rate_interval])))`.
  quantile(m, phi, by=[], matchers={})::
    assert m.instrument == 'histogram' : 'histogram_quantile of %s: it is a %s, not a histogram' % [m.name, m.instrument];
    assert checkLabels(m, by);
    'histogram_quantile(%s, %s)' % [num(phi), self.sumBy(['le'] + by, self.rate(m, matchers, 'bucket'))],

  // Bucket rates for a heatmap: `sum by (le) (rate(<bucket>{sel}[$__rate_interval]))`.
  buckets(m, matchers={})::
    assert m.instrument == 'histogram' : 'heatmap of %s: it is a %s, not a histogram' % [m.name, m.instrument];
    self.sumBy(['le'], self.rate(m, matchers, 'bucket')),

  // A gauge aggregated over instances: `max by (by) (gauge{sel})`.
  gauge(m, by=[], op='max', matchers={})::
    assert m.instrument == 'gauge' : '%s is a %s, not a gauge' % [m.name, m.instrument];
    assert checkLabels(m, by);
    self.aggBy(op, by, m.series.value + self.selector(matchers, m)),

  num:: num,
};

// Unit of a counter's rate: requests per second for request counters, operations per second otherwise.
local rateUnit(m) = if m.unit == '{request}' then 'reqps' else 'ops';

// ---------------------------------------------------------------------------------------------------
// Template variables

local queryVariable(name, label, query) = {
  type: 'query',
  name: name,
  label: label,
  datasource: datasource,
  query: query,
  definition: query,
  refresh: 2,  // on time range change
  regex: '',
  sort: 1,
  multi: true,
  includeAll: true,
  allValue: '.*',
  current: { selected: true, text: ['All'], value: ['$__all'] },
  options: [],
  hide: 0,
};

local variables = {
  datasource: {
    type: 'datasource',
    name: 'datasource',
    label: 'Data source',
    query: 'prometheus',
    regex: '',
    refresh: 1,
    multi: false,
    includeAll: false,
    current: {},
    options: [],
    hide: 0,
  },
  env: queryVariable('env', 'Environment', 'label_values(%s, %s)' % [anchor.series.value, envLabel]),
  service: queryVariable(
    'service',
    'Service',
    'label_values(%s{%s=~"$env"}, %s)' % [anchor.series.value, envLabel, serviceLabel],
  ),
  standard: [self.datasource, self.env, self.service],
};

// ---------------------------------------------------------------------------------------------------
// Panels

local thresholds(steps) = { mode: 'absolute', steps: steps };
local defaultThresholds = thresholds([{ color: 'green', value: null }]);

local target(expr, legend='', extra={}) = {
  expr: expr,
  legendFormat: legend,
  range: true,
  instant: false,
  editorMode: 'code',
} + extra;

local panel(type, title, description, unit, targets, w, h) =
  assert std.isString(description) && std.length(description) > 0 : "panel '%s' needs a description" % title;
  assert std.isString(unit) && std.length(unit) > 0 : "panel '%s' needs a unit" % title;
  assert std.length(targets) > 0 : "panel '%s' has no query" % title;
  {
    type: type,
    // The Grafana release the panel options are written for: Grafana runs no plugin migration on them.
    pluginVersion: grafanaVersion,
    title: title,
    description: description,
    datasource: datasource,
    targets: [
      targets[i] { refId: std.char(std.codepoint('A') + i), datasource: datasource }
      for i in std.range(0, std.length(targets) - 1)
    ],
    fieldConfig: {
      defaults: { unit: unit, thresholds: defaultThresholds },
      overrides: [],
    },
    gridPos: { w: w, h: h },
  };

local timeseries(title, description, unit, targets, w=12, h=8, stack=false, percent=false, min=null) =
  panel('timeseries', title, description, unit, targets, w, h) {
    fieldConfig+: {
      defaults+: {
        color: { mode: 'palette-classic' },
        custom: {
          drawStyle: 'line',
          lineWidth: 1,
          fillOpacity: if stack then 30 else 10,
          gradientMode: 'none',
          showPoints: 'never',
          spanNulls: false,
          axisSoftMin: 0,
          stacking: { mode: if percent then 'percent' else if stack then 'normal' else 'none', group: 'A' },
          thresholdsStyle: { mode: 'off' },
        },
      } + (if min != null then { min: min } else {}),
    },
    options: {
      legend: { showLegend: true, displayMode: 'table', placement: 'bottom', calcs: ['mean', 'max', 'lastNotNull'] },
      tooltip: { mode: 'multi', sort: 'desc' },
    },
  };

local stat(title, description, unit, targets, w=6, h=4, steps=null, decimals=null) =
  panel('stat', title, description, unit, targets, w, h) {
    fieldConfig+: {
      defaults+: {
        color: { mode: 'thresholds' },
        [if steps != null then 'thresholds']: thresholds(steps),
        [if decimals != null then 'decimals']: decimals,
      },
    },
    // Every option of the stat panel's schema, so Grafana has nothing to migrate on load.
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      colorMode: 'value',
      graphMode: 'area',
      justifyMode: 'auto',
      orientation: 'auto',
      textMode: 'auto',
      text: {},
      wideLayout: true,
      showPercentChange: false,
      percentChangeColorMode: 'standard',
    },
  };

local heatmap(title, description, unit, targets, w=12, h=8) =
  panel('heatmap', title, description, unit, [t { format: 'heatmap' } for t in targets], w, h) {
    // Every option of the heatmap panel's schema, so Grafana has nothing to migrate on load.
    options: {
      calculate: false,
      cellGap: 1,
      cellValues: { unit: unit },
      color: { mode: 'scheme', scheme: 'Oranges', fill: 'dark-orange', scale: 'exponential', exponent: 0.5, steps: 64, reverse: false },
      exemplars: { color: 'rgba(255,0,255,0.7)' },
      yAxis: { axisPlacement: 'left', unit: unit, reverse: false },
      rowsFrame: { layout: 'auto' },
      filterValues: { le: 1e-9 },
      showValue: 'never',
      legend: { show: true },
      tooltip: { mode: 'single', yHistogram: true, showColorScale: false },
      selectionMode: 'x',
    },
  };

local row(title) = {
  type: 'row',
  title: title,
  collapsed: false,
  panels: [],
  gridPos: { w: columns, h: 1 },
};

// ---------------------------------------------------------------------------------------------------
// Panels from registry entries: unit and description come from the registry.

local describe(m, what) = '%s %s Metric `%s`.' % [m.brief, what, m.name];
local byText(by) = if std.length(by) == 0 then '' else ' by ' + std.join(', ', by);

// p95 and p99 (or `quantiles`) of a histogram, per `by`.
local latency(m, by=[], matchers={}, title=null, quantiles=[0.95, 0.99], w=12, h=8) =
  timeseries(
    if title != null then title else '%s p%s' % [m.name, std.join('/p', [pct(p) for p in quantiles])],
    describe(m, std.join(', ', ['p' + pct(p) for p in quantiles]) + byText(by) + ', from histogram buckets over $__rate_interval.'),
    m.grafanaUnit,
    [target(q.quantile(m, p, by, matchers), std.stripChars('p%s %s' % [pct(p), legendOf(by)], ' ')) for p in quantiles],
    w,
    h,
  );

// Per-second rate of a counter, summed per `by`.
local counterRate(m, by=[], matchers={}, title=null, w=12, h=8, stack=false, legend=null) =
  timeseries(
    if title != null then title else '%s per second%s' % [m.name, byText(by)],
    describe(m, 'Per-second rate' + byText(by) + ' over $__rate_interval.'),
    rateUnit(m),
    [target(q.sumRate(m, by, matchers), if legend != null then legend else if std.length(by) == 0 then 'total' else legendOf(by))],
    w,
    h,
    stack=stack,
  );

// A gauge aggregated over instances (max by default), per `by`.
local gaugeBy(m, by=[], matchers={}, title=null, op='max', w=12, h=8, legend=null) =
  timeseries(
    if title != null then title else '%s%s' % [m.name, byText(by)],
    describe(m, '%s over instances%s.' % [op, byText(by)]),
    m.grafanaUnit,
    [target(q.gauge(m, by, op, matchers), if legend != null then legend else if std.length(by) == 0 then op else legendOf(by))],
    w,
    h,
  );

// Heatmap of a histogram's buckets.
local bucketHeatmap(m, matchers={}, title=null, w=12, h=8) =
  heatmap(
    if title != null then title else '%s distribution' % m.name,
    describe(m, 'Distribution of observations per bucket over $__rate_interval.'),
    m.grafanaUnit,
    [target(q.buckets(m, matchers), '{{le}}')],
    w,
    h,
  );

// Current rate of a counter as a stat.
local rateStat(m, matchers={}, title=null, w=6, h=4) =
  stat(
    if title != null then title else '%s per second' % m.name,
    describe(m, 'Per-second rate over $__rate_interval, all series summed.'),
    rateUnit(m),
    [target(q.sumRate(m, [], matchers), 'total')],
    w,
    h,
  );

// Current value of a gauge as a stat (max over series by default).
local gaugeStat(m, matchers={}, title=null, op='max', w=6, h=4, steps=null) =
  stat(
    if title != null then title else m.name,
    describe(m, '%s over all series.' % op),
    m.grafanaUnit,
    [target(q.gauge(m, [], op, matchers), op)],
    w,
    h,
    steps=steps,
  );

// ---------------------------------------------------------------------------------------------------
// Layout and dashboard

// Assigns ids 1..n and gridPos: rows take a full line; panels flow left to right and wrap to a new
// line below the tallest panel of the current line when they do not fit in 24 columns.
local layout(items) =
  local step(st, p) =
    assert std.objectHas(p, 'gridPos') && std.objectHas(p.gridPos, 'w') && std.objectHas(p.gridPos, 'h') : "panel '%s' has no size" % p.title;
    local w = p.gridPos.w;
    local h = p.gridPos.h;
    assert w >= 1 && w <= columns && h >= 1 : "panel '%s' is %dx%d; width must be 1..%d" % [p.title, w, h, columns];
    if p.type == 'row' then
      local y = st.y + st.lineHeight;
      st {
        x: 0,
        y: y + 1,
        lineHeight: 0,
        id: st.id + 1,
        out+: [p { id: st.id, gridPos: { x: 0, y: y, w: columns, h: 1 } }],
      }
    else
      local wrap = st.x + w > columns;
      local x = if wrap then 0 else st.x;
      local y = if wrap then st.y + st.lineHeight else st.y;
      st {
        x: x + w,
        y: y,
        lineHeight: if wrap then h else std.max(st.lineHeight, h),
        id: st.id + 1,
        out+: [p { id: st.id, gridPos: { x: x, y: y, w: w, h: h } }],
      };
  std.foldl(step, items, { x: 0, y: 0, lineHeight: 0, id: 1, out: [] }).out;

local dashboard(uid, title, description, tags, panels, templating=variables.standard, time='now-6h', refresh='30s') =
  assert std.isString(uid) && std.length(uid) >= 8 && std.length(uid) <= 40 : "dashboard uid '%s' must be 8-40 characters" % uid;
  assert std.length(std.findSubstr('/', uid)) == 0 && std.length(std.findSubstr(' ', uid)) == 0 : "dashboard uid '%s' must not contain '/' or spaces" % uid;
  {
    id: null,
    uid: uid,
    title: title,
    description: description,
    tags: std.uniq(std.sort(['ampy'] + tags)),
    schemaVersion: schemaVersion,
    version: 1,
    editable: true,
    graphTooltip: 1,
    timezone: 'utc',
    time: { from: time, to: 'now' },
    refresh: refresh,
    timepicker: {},
    fiscalYearStartMonth: 0,
    liveNow: false,
    annotations: {
      list: [{
        builtIn: 1,
        datasource: { type: 'grafana', uid: '-- Grafana --' },
        enable: true,
        hide: true,
        iconColor: 'rgba(0, 211, 255, 1)',
        name: 'Annotations & Alerts',
        type: 'dashboard',
      }],
    },
    links: [{
      title: 'AmpyFin dashboards',
      type: 'dashboards',
      tags: ['ampy'],
      asDropdown: true,
      includeVars: true,
      keepTime: true,
      targetBlank: false,
      icon: 'external link',
      tooltip: '',
      url: '',
    }],
    templating: { list: templating },
    panels: layout(panels),
  };

{
  columns: columns,
  grafanaVersion: grafanaVersion,
  schemaVersion: schemaVersion,
  datasource: datasource,
  q: q,
  num: num,
  pct: pct,
  legendOf: legendOf,
  rateUnit: rateUnit,
  variables: variables,
  thresholds: thresholds,
  target: target,
  panel: panel,
  row: row,
  timeseries: timeseries,
  stat: stat,
  heatmap: heatmap,
  latency: latency,
  counterRate: counterRate,
  gaugeBy: gaugeBy,
  bucketHeatmap: bucketHeatmap,
  rateStat: rateStat,
  gaugeStat: gaugeStat,
  layout: layout,
  dashboard: dashboard,
}
