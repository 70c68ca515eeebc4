// The generated Grafana dashboards follow the rules of the best dashboard generators (stable uid, tags,
// schemaVersion, $datasource everywhere, unit and description on every panel, $__rate_interval, unique
// ids, no overlapping gridPos), every PromQL expression parses with the real promtool and only names
// series of the registry, and a metric renamed in the spec breaks the dashboard build.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Jsonnet } from '@hanazuki/node-jsonnet';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../../codegen/cli.js';
import { VERSIONS } from '../../codegen/emit/stack.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const GENERATED = path.join(ROOT, 'generated', 'dashboards');
const SOURCES = path.join(ROOT, 'dashboards');
const tmp = mkdtempSync(path.join(tmpdir(), 'ampyobs-dash-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// ---------------------------------------------------------------------------------------------------
// Shapes (only what the checks read)

interface Target {
  refId?: string;
  expr?: string;
  datasource?: { type?: string; uid?: string };
}
interface GridPos {
  x: number;
  y: number;
  w: number;
  h: number;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  gridPos: GridPos;
  targets?: Target[];
  pluginVersion?: string;
  options?: Record<string, unknown>;
  fieldConfig?: {
    defaults?: { unit?: string };
    overrides?: { properties?: { id: string; value?: { viz?: boolean; tooltip?: boolean } }[] }[];
  };
  panels?: Panel[];
}
interface Variable {
  type: string;
  name: string;
  query: unknown;
  datasource?: { uid?: string };
  includeAll?: boolean;
  multi?: boolean;
  allValue?: string;
}
interface Dashboard {
  uid: string;
  title: string;
  tags: string[];
  schemaVersion: number;
  refresh: unknown;
  timepicker?: Record<string, unknown>;
  templating: { list: Variable[] };
  panels: Panel[];
}

interface RegistryLabel {
  name: string;
  type: string;
  values?: string[];
}
interface RegistryMetric {
  name: string;
  prometheus: string;
  instrument: string;
  unit: string;
  labels: RegistryLabel[];
}
interface Registry {
  metrics: RegistryMetric[];
  resource: { metric_label?: string }[];
  slos: { name: string }[];
}
interface LibsonnetRegistry {
  slos: Record<string, { recordings: Record<string, Record<string, string>> }>;
}

// ---------------------------------------------------------------------------------------------------
// Inputs

/** The dashboard schema version Grafana writes at the stack's version (see dashboards/lib/grafana.libsonnet). */
const SCHEMA_VERSION = 42;

interface OptionSchema {
  keys: string[];
  required: string[];
  defaults: string[];
  nested: Record<string, { keys: string[]; required: string[] }>;
}
/** Panel option schemas noted from Grafana's published panel schemas (the fixture names its source). */
const panelOptions = parse(readFileSync(path.join(ROOT, 'test/fixtures/grafana/panel-options.yaml'), 'utf8')) as Record<
  'stat' | 'heatmap',
  OptionSchema
>;

const files = readdirSync(GENERATED)
  .filter((f) => f.endsWith('.json'))
  .sort();
const dashboards = new Map<string, Dashboard>(
  files.map((f) => [f, JSON.parse(readFileSync(path.join(GENERATED, f), 'utf8')) as Dashboard]),
);

const registry = JSON.parse(readFileSync(path.join(ROOT, 'generated', 'registry.json'), 'utf8')) as Registry;
/** registry.libsonnet is JSON behind `//` header comments. */
const libsonnet = JSON.parse(
  readFileSync(path.join(GENERATED, 'registry.libsonnet'), 'utf8')
    .split('\n')
    .filter((l) => !l.startsWith('//'))
    .join('\n'),
) as LibsonnetRegistry;

const resourceLabels = new Set(registry.resource.flatMap((r) => (r.metric_label ? [r.metric_label] : [])));
const metricByName = new Map(registry.metrics.map((m) => [m.name, m]));
/** Every series name Prometheus exposes for a registry metric → that metric. */
const seriesOwner = new Map<string, RegistryMetric>();
for (const m of registry.metrics) {
  const names =
    m.instrument === 'histogram' ? ['_bucket', '_sum', '_count'].map((s) => m.prometheus + s) : [m.prometheus];
  for (const n of names) seriesOwner.set(n, m);
}
const sloRecordings = new Set(
  Object.values(libsonnet.slos).flatMap((s) => Object.values(s.recordings).flatMap((r) => Object.values(r))),
);
const sloNames = new Set(registry.slos.map((s) => s.name));

/** Top-level panels plus those nested in collapsed rows. */
function allPanels(d: Dashboard): Panel[] {
  return d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}
const isRow = (p: Panel): boolean => p.type === 'row';
const exprsOf = (d: Dashboard): string[] => allPanels(d).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ''));
function promOf(name: string): RegistryMetric {
  const m = metricByName.get(name);
  if (!m) throw new Error(`the registry has no metric ${name}`);
  return m;
}

/** Grafana variables → values that make the expression plain PromQL. */
function substitute(expr: string): string {
  const values: Record<string, string> = {
    __rate_interval: '5m',
    __interval: '1m',
    __range: '1h',
    env: '.*',
    service: '.*',
  };
  return expr.replace(/\$\{?(\w+)\}?/g, (all, name: string) => values[name] ?? all);
}

function findPromtool(): string | undefined {
  for (const p of ['/usr/bin/promtool', 'promtool']) {
    const r = spawnSync(p, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return p;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------

describe('generated dashboards', () => {
  it('include trading path, ingestion health, resource, the SLO overview and HTTP & dependencies', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'trading-path.json',
        'ingestion-health.json',
        'resource.json',
        'slo-overview.json',
        'http-dependencies.json',
      ]),
    );
    expect(readdirSync(SOURCES).filter((f) => f.endsWith('.jsonnet')).length).toBe(files.length);
  });

  it('have unique stable uids of 8-40 characters, a title and tags', () => {
    const uids = [...dashboards.values()].map((d) => d.uid);
    expect(new Set(uids).size).toBe(uids.length);
    for (const [f, d] of dashboards) {
      expect(d.uid, f).toMatch(/^[A-Za-z0-9_-]{8,40}$/);
      expect(d.title, f).toBeTruthy();
      expect(Array.isArray(d.tags) && d.tags.length > 0, `${f}: tags`).toBe(true);
      for (const t of d.tags) expect(typeof t).toBe('string');
    }
    expect(dashboards.get('trading-path.json')!.uid).toBe('ampy-trading-path');
    expect(dashboards.get('slo-overview.json')!.uid).toBe('ampy-slo-overview');
  });

  it(`are at schemaVersion ${SCHEMA_VERSION} and in its migrated form, with every panel at the stack's Grafana version`, () => {
    // The Grafana of the reference stack: panels carry its version, so Grafana runs no plugin migration.
    const compose = parse(readFileSync(path.join(ROOT, 'deploy/docker-compose.yml'), 'utf8')) as {
      services: Record<string, { image: string }>;
    };
    expect(compose.services['grafana']!.image).toBe(`grafana/grafana:${VERSIONS.grafana}`);
    for (const [f, d] of dashboards) {
      expect(d.schemaVersion, f).toBe(SCHEMA_VERSION);
      // What the migrations up to 42 would change: refresh a string (v40), no timepicker.time_options (v41),
      // fields hidden from the visualization also hidden from the tooltip (v42).
      expect(typeof d.refresh, `${f}: refresh`).toBe('string');
      expect(d.timepicker ?? {}, f).not.toHaveProperty('time_options');
      for (const p of allPanels(d)) {
        if (!isRow(p)) expect(p.pluginVersion, `${f}: ${p.title}`).toBe(VERSIONS.grafana);
        for (const o of p.fieldConfig?.overrides ?? []) {
          for (const prop of o.properties ?? []) {
            if (prop.id === 'custom.hideFrom' && prop.value?.viz)
              expect(prop.value.tooltip, `${f}: ${p.title}`).toBe(true);
          }
        }
      }
    }
  });

  it('give stat and heatmap panels every option their schema requires or defaults, and no other', () => {
    const seen = { stat: 0, heatmap: 0 };
    for (const [f, d] of dashboards) {
      for (const p of allPanels(d).filter((p) => p.type === 'stat' || p.type === 'heatmap')) {
        const schema = panelOptions[p.type as 'stat' | 'heatmap'];
        seen[p.type as 'stat' | 'heatmap']++;
        const where = `${f}: ${p.type} '${p.title}'`;
        const options = p.options ?? {};
        for (const k of new Set([...schema.required, ...schema.defaults])) expect(options, where).toHaveProperty(k);
        for (const k of Object.keys(options)) expect(schema.keys, `${where}: option ${k}`).toContain(k);
        for (const [k, nested] of Object.entries(schema.nested)) {
          const v = options[k] as Record<string, unknown> | undefined;
          if (v === undefined) continue;
          for (const r of nested.required) expect(v, `${where}: ${k}.${r}`).toHaveProperty(r);
          for (const key of Object.keys(v)) expect(nested.keys, `${where}: option ${k}.${key}`).toContain(key);
        }
      }
    }
    expect(seen.stat).toBeGreaterThan(0);
    expect(seen.heatmap).toBeGreaterThan(0);
  });

  it('have a $datasource variable that every panel, target and query variable uses', () => {
    for (const [f, d] of dashboards) {
      const ds = d.templating.list.find((v) => v.type === 'datasource');
      expect(ds, `${f}: datasource variable`).toMatchObject({
        type: 'datasource',
        name: 'datasource',
        query: 'prometheus',
      });
      for (const v of d.templating.list.filter((v) => v.type === 'query')) {
        expect(v.datasource?.uid, `${f}: variable ${v.name}`).toBe('${datasource}');
        expect(v, `${f}: variable ${v.name}`).toMatchObject({ multi: true, includeAll: true, allValue: '.*' });
      }
      for (const p of allPanels(d).filter((p) => !isRow(p))) {
        expect(p.datasource?.uid, `${f}: panel ${p.title}`).toBe('${datasource}');
        expect(p.targets?.length, `${f}: panel ${p.title} has queries`).toBeGreaterThan(0);
        for (const t of p.targets ?? []) {
          expect(t.datasource, `${f}: ${p.title} ${t.refId}`).toEqual({ type: 'prometheus', uid: '${datasource}' });
          expect(t.expr, `${f}: ${p.title} ${t.refId}`).toBeTruthy();
        }
      }
    }
  });

  it('have env and service variables read from a registry metric', () => {
    for (const [f, d] of dashboards) {
      const byName = new Map(d.templating.list.map((v) => [v.name, v]));
      expect(byName.get('env')?.query, f).toBe(`label_values(${promOf('ampy.runtime.mem_bytes').prometheus}, env)`);
      expect(byName.get('service')?.query, f).toBe(
        `label_values(${promOf('ampy.runtime.mem_bytes').prometheus}{env=~"$env"}, service)`,
      );
    }
  });

  it('give every panel a unit and a description', () => {
    for (const [f, d] of dashboards) {
      for (const p of allPanels(d).filter((p) => !isRow(p))) {
        expect(p.fieldConfig?.defaults?.unit, `${f}: ${p.title} unit`).toMatch(/\S/);
        expect(p.description, `${f}: ${p.title} description`).toMatch(/\S/);
      }
    }
  });

  it('use $__rate_interval in every rate() and increase()', () => {
    for (const [f, d] of dashboards) {
      for (const e of exprsOf(d)) {
        const calls = e.match(/\b(?:rate|irate|increase)\(/g)?.length ?? 0;
        const ranges = [...e.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]);
        for (const r of ranges) expect(r, `${f}: ${e}`).toBe('$__rate_interval');
        expect(ranges.length, `${f}: every rate has a range: ${e}`).toBeGreaterThanOrEqual(calls);
      }
    }
  });

  it('have unique panel ids', () => {
    for (const [f, d] of dashboards) {
      const ids = allPanels(d).map((p) => p.id);
      for (const id of ids) expect(Number.isInteger(id), `${f}: id ${id}`).toBe(true);
      expect(new Set(ids).size, f).toBe(ids.length);
    }
  });

  it('lay panels out on 24 columns without overlaps', () => {
    for (const [f, d] of dashboards) {
      const ps = d.panels;
      for (const p of ps) {
        const g = p.gridPos;
        expect(
          g.x >= 0 && g.y >= 0 && g.w >= 1 && g.h >= 1 && g.x + g.w <= 24,
          `${f}: ${p.title} ${JSON.stringify(g)}`,
        ).toBe(true);
      }
      for (let i = 0; i < ps.length; i++)
        for (let j = i + 1; j < ps.length; j++) {
          const a = ps[i]!.gridPos;
          const b = ps[j]!.gridPos;
          const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
          expect(
            overlap,
            `${f}: '${ps[i]!.title}' ${JSON.stringify(a)} overlaps '${ps[j]!.title}' ${JSON.stringify(b)}`,
          ).toBe(false);
        }
    }
  });

  it('show p95 and p99 on every latency panel', () => {
    let latencyPanels = 0;
    for (const [f, d] of dashboards) {
      for (const p of allPanels(d).filter((p) => !isRow(p) && p.type !== 'heatmap')) {
        const exprs = (p.targets ?? []).map((t) => t.expr ?? '').join('\n');
        // A latency panel reads the buckets of a histogram measured in time.
        const isLatency = [...exprs.matchAll(/\b(ampy_[a-z0-9_]+_bucket)\b/g)].some(([, s]) =>
          ['ms', 's'].includes(seriesOwner.get(s!)?.unit ?? ''),
        );
        if (!isLatency) continue;
        latencyPanels++;
        expect(exprs, `${f}: ${p.title}`).toContain('histogram_quantile(0.95,');
        expect(exprs, `${f}: ${p.title}`).toContain('histogram_quantile(0.99,');
      }
    }
    expect(latencyPanels).toBeGreaterThanOrEqual(4);
  });

  it('cover the panels each dashboard is for', () => {
    const uses = (file: string, metric: string, suffix = ''): void => {
      const series = promOf(metric).prometheus + suffix;
      const exprs = exprsOf(dashboards.get(file)!);
      expect(
        exprs.some((e) => new RegExp(`\\b${series}\\{`).test(e)),
        `${file} shows ${metric}`,
      ).toBe(true);
    };
    for (const m of ['ampy.oms.order_latency_ms', 'ampy.bus.delivery_latency_ms', 'ampy.ml.inference_latency_ms'])
      uses('trading-path.json', m, '_bucket');
    for (const m of [
      'ampy.oms.rejections',
      'ampy.oms.fills',
      'ampy.oms.order_submit',
      'ampy.positions.snapshot_lag_ms',
      'ampy.ingest.freshness_ms',
    ])
      uses('trading-path.json', m);
    const trading = exprsOf(dashboards.get('trading-path.json')!);
    expect(
      trading.some((e) => e.includes(promOf('ampy.ingest.freshness_ms').prometheus) && e.includes('domain="news"')),
      'news ingest freshness',
    ).toBe(true);
    expect(
      trading.some((e) =>
        e.includes(`sum by (le, broker) (rate(${promOf('ampy.oms.order_latency_ms').prometheus}_bucket`),
      ),
      'order latency by broker',
    ).toBe(true);
    // Fills vs orders in one panel.
    const fillsVsOrders = allPanels(dashboards.get('trading-path.json')!).find((p) => {
      const e = (p.targets ?? []).map((t) => t.expr).join('\n');
      return e.includes(promOf('ampy.oms.fills').prometheus) && e.includes(promOf('ampy.oms.order_submit').prometheus);
    });
    expect(fillsVsOrders, 'fills vs orders panel').toBeDefined();

    for (const m of [
      'ampy.ingest.throughput_msgs_per_s',
      'ampy.ingest.decode_fail',
      'ampy.bus.dlq',
      'ampy.bus.consumer_lag',
      'ampy.bus.produced',
      'ampy.bus.consumed',
    ])
      uses('ingestion-health.json', m);
    uses('ingestion-health.json', 'ampy.ingest.batch_size_bytes', '_bucket');

    uses('resource.json', 'ampy.runtime.gc_pause_ms', '_bucket');
    for (const m of [
      'ampy.runtime.mem_bytes',
      'ampy.runtime.cpu_utilization',
      'ampy.runtime.open_fds',
      'ampy.obs.dropped',
      'ampy.obs.export_failures',
    ])
      uses('resource.json', m);

    // HTTP & dependencies: server rate, errors and latency by route, client latency by server, database
    // and cache operations by system and operation, and the API SLOs.
    const http = exprsOf(dashboards.get('http-dependencies.json')!);
    const has = (what: string, f: (e: string) => boolean): void =>
      expect(http.some(f), `http-dependencies.json: ${what}`).toBe(true);
    const server = promOf('http.server.request.duration').prometheus;
    const client = promOf('http.client.request.duration').prometheus;
    const db = promOf('db.client.operation.duration').prometheus;
    has('request rate by route', (e) =>
      e.startsWith('sum by (http_route, http_request_method) (rate(' + server + '_count{'),
    );
    has(
      '5xx error ratio by route',
      (e) => e.includes('http_response_status_code=~"5.."') && e.startsWith('(sum by (http_route)'),
    );
    for (const phi of ['0.5', '0.95', '0.99']) {
      has(`server p${Number(phi) * 100} by route`, (e) =>
        e.startsWith(`histogram_quantile(${phi}, sum by (le, http_route) (rate(${server}_bucket{`),
      );
      has(`client p${Number(phi) * 100} by server`, (e) =>
        e.startsWith(`histogram_quantile(${phi}, sum by (le, server_address) (rate(${client}_bucket{`),
      );
      has(`db p${Number(phi) * 100} by system and operation`, (e) =>
        e.startsWith(`histogram_quantile(${phi}, sum by (le, db_system_name, db_operation_name) (rate(${db}_bucket{`),
      );
    }
    has('redis commands', (e) => e.includes(`${db}_count{`) && e.includes('db_system_name="redis"'));
    for (const name of ['api-availability', 'api-latency']) has(`SLO ${name}`, (e) => e.includes(`slo="${name}"`));

    const slo = exprsOf(dashboards.get('slo-overview.json')!);
    for (const name of sloNames) {
      const mine = slo.filter((e) => e.includes(`slo="${name}"`));
      expect(mine.length, `SLO ${name} has panels`).toBeGreaterThanOrEqual(4);
      expect(
        mine.some((e) => /^1 - \(.+ \/ [0-9.e-]+\)$/.test(e)),
        `SLO ${name}: remaining error budget`,
      ).toBe(true);
    }
  });

  it('query only series of the registry, with labels and enum values it declares', () => {
    for (const [f, d] of dashboards) {
      const exprs = [...exprsOf(d), ...d.templating.list.filter((v) => v.type === 'query').map((v) => String(v.query))];
      for (const e of exprs) {
        for (const [, series] of e.matchAll(/\b(ampy_[a-z0-9_:]+)/g)) {
          expect(
            seriesOwner.has(series!) || sloRecordings.has(series!),
            `${f}: ${series} is not a series of the registry`,
          ).toBe(true);
        }
        for (const [, series, body] of e.matchAll(/\b(ampy_[a-z0-9_:]+)\{([^}]*)\}/g)) {
          const owner = seriesOwner.get(series!);
          for (const [, label, op, value] of body!.matchAll(/(\w+)\s*(=~|!=|!~|=)\s*"((?:[^"\\]|\\.)*)"/g)) {
            if (resourceLabels.has(label!)) continue;
            if (!owner) {
              // SLO recording rules: selected by SLO name.
              expect(label, `${f}: ${e}`).toBe('slo');
              expect(sloNames.has(value!), `${f}: unknown SLO ${value}`).toBe(true);
              continue;
            }
            const l = owner.labels.find((x) => x.name === label);
            expect(l, `${f}: ${owner.name} has no label ${label} (${e})`).toBeDefined();
            if (op === '=' && l?.values) expect(l.values, `${f}: ${owner.name} ${label}="${value}"`).toContain(value);
          }
        }
      }
    }
  });

  it('parse with promtool (every expression as a recording rule)', (ctx) => {
    const promtool = findPromtool();
    if (!promtool) {
      if (process.env.CI)
        throw new Error('promtool is required in CI (install the prometheus package) and was not found');
      ctx.skip('promtool not found on this machine (not CI): PromQL of the dashboards not parsed');
      return;
    }
    const rules: { record: string; expr: string }[] = [];
    for (const [f, d] of dashboards) {
      const slug = d.uid.replace(/[^A-Za-z0-9_]/g, '_');
      for (const p of allPanels(d)) {
        for (const t of p.targets ?? []) {
          const expr = substitute(t.expr ?? '');
          expect(expr, `${f}: ${p.title} ${t.refId}: unknown variable`).not.toContain('$');
          rules.push({ record: `ampyobs_dashboard:${slug}:panel${p.id}_${t.refId}`, expr });
        }
      }
      for (const v of d.templating.list.filter((v) => v.type === 'query')) {
        const m = /^label_values\((.+),\s*(\w+)\)$/.exec(String(v.query));
        expect(m, `${f}: variable ${v.name} is label_values(selector, label)`).not.toBeNull();
        rules.push({
          record: `ampyobs_dashboard:${slug}:var_${v.name}`,
          expr: `count by (${m![2]}) (${substitute(m![1]!)})`,
        });
      }
    }
    const file = path.join(tmp, 'dashboard-exprs.rules.yml');
    // JSON is YAML: promtool reads it as a rules file.
    writeFileSync(file, JSON.stringify({ groups: [{ name: 'ampyobs-dashboards', rules }] }, null, 2));
    const r = spawnSync(promtool, ['check', 'rules', file], { encoding: 'utf8' });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toContain(`SUCCESS: ${rules.length} rules found`);
  });
});

describe('dashboard sources', () => {
  const sources = readdirSync(SOURCES, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(jsonnet|libsonnet)$/.test(f))
    .sort();

  it('name no metric: they reach metrics only through registry.libsonnet', () => {
    expect(sources.length).toBeGreaterThanOrEqual(5);
    for (const f of sources) {
      const text = readFileSync(path.join(SOURCES, f), 'utf8');
      expect(text.match(/ampy[._][a-z][a-z0-9_.:]*/g), `${f} names a metric`).toBeNull();
      if (f.endsWith('.jsonnet')) expect(text, f).toContain("import 'registry.libsonnet'");
    }
  });

  async function evaluate(snippet: string): Promise<unknown> {
    const vm = new Jsonnet();
    vm.addJpath(SOURCES);
    vm.addJpath(GENERATED);
    const json = await vm.evaluateSnippet(snippet);
    return JSON.parse(json) as unknown;
  }
  const prelude = "local g = import 'lib/grafana.libsonnet'; local r = import 'registry.libsonnet'; ";

  it('lays out any mix of sizes without overlaps', async () => {
    const sizes = [
      [12, 8],
      [6, 4],
      [6, 10],
      [24, 3],
      [5, 7],
      [8, 2],
      [13, 6],
      [11, 9],
      [1, 1],
      [23, 5],
      [24, 8],
    ];
    const items = sizes
      .map(
        ([w, h], i) =>
          (i % 4 === 3 ? `g.row('r${i}'), ` : '') + `{type: 'stat', title: 'p${i}', gridPos: {w: ${w}, h: ${h}}}`,
      )
      .join(', ');
    const out = (await evaluate(`${prelude} g.layout([${items}])`)) as Panel[];
    const ids = out.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 0; i < out.length; i++) {
      const a = out[i]!.gridPos;
      expect(a.x + a.w).toBeLessThanOrEqual(24);
      for (let j = i + 1; j < out.length; j++) {
        const b = out[j]!.gridPos;
        expect(
          a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h,
          `${out[i]!.title} vs ${out[j]!.title}`,
        ).toBe(false);
      }
    }
  });

  it('refuse a label the metric does not carry, and rate() of a gauge', async () => {
    await expect(evaluate(`${prelude} g.q.sumRate(r.metrics.oms.rejections, ['symbol'])`)).rejects.toThrow(
      /has no label 'symbol'/,
    );
    await expect(evaluate(`${prelude} g.q.rate(r.metrics.runtime.open_fds)`)).rejects.toThrow(/not a counter/);
    await expect(evaluate(`${prelude} g.q.quantile(r.metrics.oms.fills, 0.99)`)).rejects.toThrow(/not a histogram/);
  });

  it('build the selector, rate and quantile helpers as documented', async () => {
    const out = (await evaluate(
      `${prelude} { sel: g.q.selector({ domain: 'news' }, r.metrics.ingest.freshness_ms), rate: g.q.sumRate(r.metrics.oms.rejections, ['reason']), p95: g.q.quantile(r.metrics.oms.order_latency_ms, 0.95, ['broker']) }`,
    )) as Record<string, string>;
    expect(out.sel).toBe('{env=~"$env", service=~"$service", domain="news"}');
    const rej = promOf('ampy.oms.rejections').prometheus;
    expect(out.rate).toBe(`sum by (reason) (rate(${rej}{env=~"$env", service=~"$service"}[$__rate_interval]))`);
    const lat = promOf('ampy.oms.order_latency_ms').prometheus;
    expect(out.p95).toBe(
      `histogram_quantile(0.95, sum by (le, broker) (rate(${lat}_bucket{env=~"$env", service=~"$service"}[$__rate_interval])))`,
    );
  });
});

describe('a metric renamed in the spec', () => {
  /** Copies spec/ and dashboards/ side by side, so the manifest's `dashboards: ../dashboards` finds the copy. */
  function copyProject(name: string): { spec: string; out: string } {
    const base = path.join(tmp, name);
    cpSync(path.join(ROOT, 'spec'), path.join(base, 'spec'), { recursive: true });
    // The spec imports the semconv registry beside it (../semconv).
    cpSync(path.join(ROOT, 'semconv'), path.join(base, 'semconv'), { recursive: true });
    cpSync(SOURCES, path.join(base, 'dashboards'), { recursive: true });
    return { spec: path.join(base, 'spec'), out: path.join(base, 'out') };
  }
  function capture(): { io: { out: (s: string) => void; err: (s: string) => void }; out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { out: (s) => out.push(s), err: (s) => err.push(s) }, out, err };
  }

  it('builds the untouched copy (control)', async () => {
    const { spec, out } = copyProject('control');
    const c = capture();
    expect(await runCli(['generate', '--spec', spec, '--out', out], c.io), c.err.join('\n')).toBe(0);
    expect(existsSync(path.join(out, 'dashboards', 'trading-path.json'))).toBe(true);
  });

  it('fails generate at the dashboard that uses it, and writes nothing', async () => {
    const { spec, out } = copyProject('renamed');
    const from = 'ampy.oms.order_latency_ms';
    const to = 'ampy.oms.order_ack_latency_ms';
    let touched = 0;
    for (const f of readdirSync(spec, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml'))) {
      const p = path.join(spec, f);
      const text = readFileSync(p, 'utf8');
      if (!text.includes(from)) continue;
      writeFileSync(p, text.split(from).join(to));
      touched++;
    }
    expect(touched, 'metric, alert and SLO files renamed').toBeGreaterThanOrEqual(3);
    const c = capture();
    expect(await runCli(['generate', '--spec', spec, '--out', out], c.io)).toBe(1);
    const diag = c.err.find((l) => / error dashboard: /.test(l));
    expect(diag, c.err.join('\n')).toBeDefined();
    expect(diag).toMatch(/dashboards[\\/][\w-]+\.jsonnet:\d+:\d+ error dashboard: /);
    expect(diag).toContain('trading-path.jsonnet');
    expect(diag).toMatch(/order_latency_ms/);
    expect(existsSync(out), 'nothing written').toBe(false);
  });
});
