// The reference stack in deploy/: the compose file and its scale-out profile, Prometheus, Tempo and Grafana
// provisioning validate with the real tools where they exist here (docker-compose config, promtool) and
// agree with the generated files and the spec: retention covers what the rules read, the gateways are
// where the edge looks for them, and every Grafana query names series something really writes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  COLLECTOR_CONFIG_PATH,
  COLLECTOR_TLS_DIR,
  COLLECTOR_TLS_OVERLAY_PATH,
  emitCollectorConfig,
  GATEWAY_CONFIG_PATH,
} from '../../codegen/emit/collector.js';
import { gatewaySizing, MEMORY_MIB } from '../../codegen/emit/collector-sizing.js';
import { ruleGroups } from '../../codegen/prometheus/rules.js';
import { COLLECTOR_IMAGE, COMPOSE, PORTS, VERSIONS } from '../../codegen/emit/stack.js';
import { durationMs } from '../../codegen/names.js';
import { readSpec } from '../../codegen/pipeline.js';
import { longestRuleLookback, prometheusRetention, RETENTION_MARGIN } from '../../codegen/prometheus/retention.js';
import { requireTool } from '../support/tools.js';

type Obj = Record<string, any>;

const ROOT = path.resolve(import.meta.dirname, '../..');
const DEPLOY = path.join(ROOT, 'deploy');
const tmp = mkdtempSync(path.join(tmpdir(), 'ampyobs-stack-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const model = readSpec(path.join(ROOT, 'spec')).model!;
const files = emitCollectorConfig(model);
const edge = parse(files.get(COLLECTOR_CONFIG_PATH)!) as Obj;
const gateway = parse(files.get(GATEWAY_CONFIG_PATH)!) as Obj;
const readYaml = (rel: string): Obj => parse(readFileSync(path.join(DEPLOY, rel), 'utf8')) as Obj;
const prometheusYml = readYaml('prometheus/prometheus.yml');
const datasourcesRaw = readFileSync(path.join(DEPLOY, 'grafana/provisioning/datasources/datasources.yaml'), 'utf8');
const datasources = new Map(
  ((parse(datasourcesRaw) as Obj)['datasources'] as Obj[]).map((d) => [d['uid'] as string, d]),
);

const dockerCompose = requireTool('docker-compose');
const promtool = requireTool('promtool');

/** `docker-compose config` validates and resolves without a Docker engine; the mounted files need not exist. */
function compose(extra: string[]): Obj {
  const env = { ...process.env };
  for (const v of ['AMPY_BIND', 'AMPY_TLS_DIR', 'COMPOSE_PROFILES']) delete env[v];
  const r = spawnSync(dockerCompose!, ['-f', 'deploy/docker-compose.yml', ...extra, 'config'], {
    cwd: ROOT,
    encoding: 'utf8',
    env,
  });
  expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  return parse(r.stdout) as Obj;
}
const mounts = (svc: Obj): [string, string][] =>
  (svc['volumes'] as string[]).map((v) => {
    const [src, dst] = v.split(':');
    return [src!.startsWith('/') ? path.relative(ROOT, src!) : src!, dst!];
  });
const activeServices = (c: Obj, profiles: string[]): string[] =>
  Object.entries(c['services'] as Record<string, Obj>)
    .filter(([, s]) => !s['profiles'] || (s['profiles'] as string[]).some((p) => profiles.includes(p)))
    .map(([n]) => n)
    .sort();
/** `1g` / `512m` → MiB. */
const mib = (limit: string | number): number => {
  if (typeof limit === 'number') return limit / (1024 * 1024);
  const m = /^(\d+)([gm])$/.exec(limit);
  if (!m) throw new Error(`mem_limit ${limit}`);
  return Number(m[1]) * (m[2] === 'g' ? 1024 : 1);
};

describe.skipIf(!dockerCompose)('deploy/docker-compose.yml (docker-compose config)', () => {
  it('runs the edge collector, one gateway, Prometheus, Tempo, Loki and Grafana, images pinned to the versions of the generated configs', () => {
    const c = compose([]);
    const services = c['services'] as Record<string, Obj>;
    expect(activeServices(c, [])).toEqual(
      ['collector', COMPOSE.gatewayService, 'grafana', 'loki', 'prometheus', 'tempo'].sort(),
    );
    for (const [name, s] of Object.entries(services))
      expect(s['image'], `${name}: image pinned to a version`).toMatch(/^[\w./-]+:v?\d+\.\d+\.\d+$/);
    expect(services[COMPOSE.edgeService]!['image']).toBe(COLLECTOR_IMAGE);
    expect(services[COMPOSE.gatewayService]!['image']).toBe(COLLECTOR_IMAGE);
    expect(services['prometheus']!['image']).toBe(`prom/prometheus:v${VERSIONS.prometheus}`);
    expect(services['grafana']!['image']).toBe(`grafana/grafana:${VERSIONS.grafana}`);
    expect(services['tempo']!['image']).toBe(`grafana/tempo:${VERSIONS.tempo}`);
    expect(services['loki']!['image']).toBe(`grafana/loki:${VERSIONS.loki}`);
    const published = Object.values(services)
      .flatMap((s) => (s['ports'] ?? []) as string[])
      .map((p) => Number(/:(\d+):\d+/.exec(p)![1]));
    for (const port of [PORTS.otlpGrpc, PORTS.otlpHttp, PORTS.healthCheck, 9090, 3000, 3100, 3200])
      expect(published).toContain(port);
    // Only the edge is reachable from the host: the gateways take traces from it alone.
    expect(services[COMPOSE.gatewayService]!['ports'] ?? []).toEqual([]);
  });

  it("mounts each tier's generated config where its command loads it, with the memory limit the sizing assumes", () => {
    const services = compose([])['services'] as Record<string, Obj>;
    const tiers = [
      [COMPOSE.edgeService, COLLECTOR_CONFIG_PATH, MEMORY_MIB.edge],
      [COMPOSE.gatewayService, GATEWAY_CONFIG_PATH, MEMORY_MIB.gateway],
    ] as const;
    for (const [svc, file, memory] of tiers) {
      const s = services[svc]!;
      const target = `/etc/otelcol-contrib/${path.basename(file)}`;
      expect(mounts(s), svc).toContainEqual([`generated/${file}`, target]);
      expect(s['command'], svc).toEqual([`--config=${target}`]);
      expect(mib(s['mem_limit']), svc).toBe(memory);
    }
    expect(mounts(services[COMPOSE.edgeService]!).map(([s]) => s)).toContain(`generated/${COLLECTOR_TLS_OVERLAY_PATH}`);
  });

  it(`adds a second gateway under the same DNS name with --profile ${COMPOSE.scaleOutProfile}`, () => {
    const base = compose([]);
    const scaled = compose(['--profile', COMPOSE.scaleOutProfile]);
    const added = activeServices(scaled, [COMPOSE.scaleOutProfile]).filter(
      (s) => !activeServices(base, []).includes(s),
    );
    expect(added).toHaveLength(1);
    const services = scaled['services'] as Record<string, Obj>;
    const second = services[added[0]!]!;
    const first = services[COMPOSE.gatewayService]!;
    // The same replica: image, config, command, memory.
    for (const k of ['image', 'command', 'volumes', 'mem_limit']) expect(second[k], k).toEqual(first[k]);
    // Both answer to the name the edge's DNS resolver looks up (the first by its service name).
    expect(second['networks']['default']['aliases']).toContain(COMPOSE.backends.gatewayHost);
    expect(COMPOSE.gatewayService).toBe(COMPOSE.backends.gatewayHost);
    expect(edge['exporters']['load_balancing']['resolver']['dns']['hostname']).toBe(COMPOSE.backends.gatewayHost);
  });

  it("keeps metrics for the longest range the generated rules read plus the SLO overview's view", () => {
    const prom = (compose([])['services'] as Record<string, Obj>)['prometheus']!;
    const flag = (prom['command'] as string[]).find((a) => a.startsWith('--storage.tsdb.retention.time='));
    const retention = flag?.split('=')[1] ?? '';
    const groups = ruleGroups(model);
    expect(retention).toBe(prometheusRetention(groups));
    // The SLO rules read 30 days back: a 14-day retention made every "30-day" SLI a 14-day one.
    expect(durationMs(retention)).toBeGreaterThanOrEqual(longestRuleLookback(groups) + durationMs(RETENTION_MARGIN));
    expect(longestRuleLookback(groups)).toBe(Math.max(...model.slos.map((s) => durationMs(s.period))));
    // The margin covers the SLO overview's default time range.
    const slo = JSON.parse(readFileSync(path.join(ROOT, 'generated/dashboards/slo-overview.json'), 'utf8')) as Obj;
    expect(durationMs(String(slo['time']['from']).replace(/^now-/, ''))).toBeLessThanOrEqual(
      durationMs(RETENTION_MARGIN),
    );
    expect(prom['command']).toEqual(
      expect.arrayContaining(['--web.enable-remote-write-receiver', '--enable-feature=exemplar-storage']),
    );
    const rules = mounts(prom).find(([s]) => s === 'generated/prometheus/ampyobs.rules.yaml');
    expect(rules, 'the generated rules file is mounted').toBeDefined();
    expect(prometheusYml['rule_files']).toEqual([rules![1]]);
  });

  it('provisions Grafana from deploy/ and the generated dashboards', () => {
    const grafana = mounts((compose([])['services'] as Record<string, Obj>)['grafana']!);
    const dashboards = grafana.find(([s]) => s === 'generated/dashboards');
    expect(dashboards, 'the generated dashboards directory is mounted').toBeDefined();
    const provider = readYaml('grafana/provisioning/dashboards/dashboards.yaml');
    expect(provider['providers'].map((p: Obj) => p['options']['path'])).toEqual([dashboards![1]]);
    expect(grafana).toContainEqual(['deploy/grafana/provisioning', '/etc/grafana/provisioning']);
  });

  it('validates the TLS override, which loads the generated overlay into the edge collector', () => {
    const collector = compose(['-f', 'deploy/docker-compose.tls.yml'])['services'][COMPOSE.edgeService] as Obj;
    expect(collector['command']).toEqual(
      [COLLECTOR_CONFIG_PATH, COLLECTOR_TLS_OVERLAY_PATH].map(
        (f) => `--config=/etc/otelcol-contrib/${path.basename(f)}`,
      ),
    );
    expect(mounts(collector).map(([, d]) => d)).toContain(COLLECTOR_TLS_DIR);
  });
});

describe('deploy/prometheus', () => {
  it.skipIf(!promtool)('promtool check config accepts prometheus.yml', () => {
    // promtool also checks the rule files, which exist only inside the container: check a copy whose
    // rule_files points at a small valid rules file.
    const rulesFile = path.join(tmp, 'ampyobs.rules.yaml');
    writeFileSync(
      rulesFile,
      'groups:\n  - name: stand-in\n    rules:\n      - record: ampyobs:stand_in:sum\n        expr: sum(up)\n',
    );
    const copy = path.join(tmp, 'prometheus.yml');
    writeFileSync(copy, JSON.stringify({ ...prometheusYml, rule_files: [rulesFile] }, null, 2));
    const r = spawnSync(promtool!, ['check', 'config', copy], { encoding: 'utf8' });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(`${r.stdout}${r.stderr}`).toContain('1 rule files found');
  });

  it('scrapes the own metrics of the edge and of every gateway replica', () => {
    const jobs = prometheusYml['scrape_configs'] as Obj[];
    const statics = jobs.flatMap((s) =>
      ((s['static_configs'] ?? []) as Obj[]).flatMap((x) => x['targets'] as string[]),
    );
    const port = edge['service']['telemetry']['metrics']['readers'][0]['pull']['exporter']['prometheus']['port'];
    expect(statics).toContain(`${COMPOSE.edgeService}:${port}`);
    const dns = jobs.flatMap((s) => (s['dns_sd_configs'] ?? []) as Obj[]);
    expect(dns).toContainEqual(
      expect.objectContaining({
        names: [COMPOSE.backends.gatewayHost],
        type: 'A',
        port: gateway['service']['telemetry']['metrics']['readers'][0]['pull']['exporter']['prometheus']['port'],
      }),
    );
  });
});

describe('deploy/tempo and deploy/loki', () => {
  const tempo = readYaml('tempo/tempo.yaml');
  it('leave span metrics and the service graph to the gateways: Tempo sees only sampled traces', () => {
    expect(tempo).not.toHaveProperty('metrics_generator');
    expect(JSON.stringify(tempo)).not.toMatch(/metrics_generator|span-metrics|service-graphs/);
    expect(tempo['distributor']['receivers']['otlp']['protocols']['grpc']['endpoint']).toBe(
      `0.0.0.0:${COMPOSE.backends.tempoOtlpGrpc.split(':')[1]}`,
    );
  });

  it('keep the dev retention', () => {
    expect(tempo['backend_worker']['compaction']['block_retention']).toBe('48h');
    const loki = readYaml('loki/loki.yaml');
    expect(loki['limits_config']['retention_period']).toBe('72h');
    expect(loki['compactor']['retention_enabled']).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------
// Grafana

/** Series names and labels the gateways write, from the connectors' documented output and our config. */
function traceSeries(): { series: Set<string>; labels: Set<string>; statusCodes: string[]; serviceMap: string[] } {
  const fx = parse(
    readFileSync(path.join(ROOT, 'test/fixtures/collector/connector-series-0.159.0.yaml'), 'utf8'),
  ) as Obj;
  const sm = gateway['connectors']['span_metrics'] as Obj;
  expect(gateway['exporters']['prometheus_remote_write/traces']['translation_strategy']).toBe(
    'UnderscoreEscapingWithSuffixes',
  );
  const promName = (name: string, type: string, unit?: string): string[] => {
    let n = name.replace(/[^a-zA-Z0-9_:]+/g, '_');
    if (unit) n = `${n}_${fx['unit_suffixes'][unit]}`;
    if (type === 'sum') return [n.endsWith('_total') ? n : `${n}_total`];
    return ['bucket', 'sum', 'count'].map((s) => `${n}_${s}`);
  };
  const series = new Set<string>();
  for (const m of fx['span_metrics']['metrics'] as Obj[]) {
    const unit = m['unit'] === 'histogram.unit' ? sm['histogram']['unit'] : m['unit'];
    for (const n of promName(`${sm['namespace']}.${m['name']}`, m['type'], unit)) series.add(n);
  }
  for (const m of fx['service_graph']['metrics'] as Obj[])
    for (const n of promName(m['name'], m['type'], m['unit'])) series.add(n);
  // Data point attributes, after transform/traces_metrics renames the spec's resource attributes to labels.
  const renames = new Map(model.resource.filter((r) => r.metricLabel).map((r) => [r.attr.id, r.metricLabel!]));
  const attrs = [
    ...fx['span_metrics']['attributes'],
    ...(sm['dimensions'] as Obj[]).map((d) => d['name']),
    ...fx['service_graph']['attributes'],
  ] as string[];
  const labels = new Set(['instance', 'le', ...attrs.map((a) => (renames.get(a) ?? a).replace(/[^a-zA-Z0-9_]/g, '_'))]);
  return {
    series,
    labels,
    statusCodes: fx['span_metrics']['values']['status.code'],
    serviceMap: fx['grafana_service_map'],
  };
}

describe('deploy/grafana', () => {
  const provisioning = path.join(DEPLOY, 'grafana/provisioning');

  it('has every provisioning folder Grafana reads at start, each with a valid apiVersion 1 file', () => {
    for (const dir of ['alerting', 'dashboards', 'datasources', 'plugins']) {
      const yamls = existsSync(path.join(provisioning, dir))
        ? readdirSync(path.join(provisioning, dir)).filter((f) => /\.ya?ml$/.test(f))
        : [];
      expect(yamls.length, `provisioning/${dir}`).toBeGreaterThan(0);
      for (const f of yamls)
        expect((parse(readFileSync(path.join(provisioning, dir, f), 'utf8')) as Obj)['apiVersion'], `${dir}/${f}`).toBe(
          1,
        );
    }
  });

  it('links the data sources by fixed uid, and exemplars to Tempo under both trace id label spellings', () => {
    expect([...datasources.keys()].sort()).toEqual(['loki', 'prometheus', 'tempo']);
    const exemplars = datasources.get('prometheus')!['jsonData']['exemplarTraceIdDestinations'] as Obj[];
    // trace_id: the OTLP path (the collectors' remote write); traceID: Tempo's metrics-generator, client libraries.
    expect(exemplars.map((e) => e['name']).sort()).toEqual(['traceID', 'trace_id']);
    for (const e of exemplars) expect(e['datasourceUid']).toBe('tempo');
    const tempo = datasources.get('tempo')!['jsonData'] as Obj;
    expect(tempo['tracesToLogsV2']['datasourceUid']).toBe('loki');
    expect(tempo['tracesToMetrics']['datasourceUid']).toBe('prometheus');
    expect(tempo['serviceMap']['datasourceUid']).toBe('prometheus');
    expect(datasources.get('loki')!['jsonData']['derivedFields'][0]).toMatchObject({
      matcherType: 'label',
      matcherRegex: 'trace_id',
      datasourceUid: 'tempo',
    });
    // Grafana expands $VAR in provisioning files: every Grafana macro must be written $$.
    expect(datasourcesRaw.replace(/\$\$/g, '')).not.toContain('$');
  });

  it('reads trace-to-metrics and the service map from series the gateways write, with labels they carry', () => {
    const { series, labels, statusCodes, serviceMap } = traceSeries();
    const tempo = datasources.get('tempo')!['jsonData'] as Obj;
    const tags = tempo['tracesToMetrics']['tags'] as Obj[];
    for (const t of tags) expect(labels.has(t['value'] ?? t['key']), `tag ${t['key']} -> ${t['value']}`).toBe(true);
    const queries = (tempo['tracesToMetrics']['queries'] as Obj[]).map((q) => q['query'] as string);
    expect(queries.length).toBeGreaterThanOrEqual(2);
    for (const q of queries) {
      const names = [...q.matchAll(/\b([a-z_:][a-z0-9_:]*)\{/g)].map((m) => m[1]!);
      expect(names.length, q).toBeGreaterThan(0);
      for (const n of names)
        expect(series.has(n), `${n} is not written by the gateways (${[...series].join(', ')})`).toBe(true);
      for (const [, l] of q.matchAll(/(?:by \(|, )([a-z_]+)(?=[,)])/g))
        expect(labels.has(l!), `label ${l} in ${q}`).toBe(true);
      for (const [, l, v] of q.matchAll(/([a-z_]+)="([^"]*)"/g)) {
        expect(labels.has(l!), `label ${l} in ${q}`).toBe(true);
        if (l === 'status_code') expect(statusCodes).toContain(v);
      }
      // The Tempo metrics-generator names are gone.
      expect(q).not.toMatch(/traces_spanmetrics_/);
    }
    // Grafana's service map reads fixed names: the service graph connector's, with the standard suffixes.
    for (const n of serviceMap) expect(series.has(n), n).toBe(true);
  });

  it.skipIf(!promtool)('has trace-to-metrics queries that parse (promtool, every query as a recording rule)', () => {
    const tempo = datasources.get('tempo')!['jsonData'] as Obj;
    const rules = (tempo['tracesToMetrics']['queries'] as Obj[]).map((q, i) => ({
      record: `ampyobs_datasource:traces_to_metrics:q${i}`,
      // Grafana's macros, as Grafana fills them in.
      expr: (q['query'] as string).replace(/\$\$__tags/g, 'service="ampy-oms"').replace(/\$\$__rate_interval/g, '1m'),
    }));
    const file = path.join(tmp, 'datasource-queries.yaml');
    writeFileSync(file, JSON.stringify({ groups: [{ name: 'traces-to-metrics', rules }] }));
    const r = spawnSync(promtool!, ['check', 'rules', file], { encoding: 'utf8' });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
  });
});

describe('deploy/README.md', () => {
  const readme = readFileSync(path.join(DEPLOY, 'README.md'), 'utf8');

  it('names the upstream versions the configs were checked against', () => {
    expect(readme).toContain(`collector-contrib ${VERSIONS.collectorContrib}`);
    expect(readme).toContain(`OpenTelemetry operator ${VERSIONS.otelOperator}`);
    expect(readme).toContain(`prometheus-operator ${VERSIONS.prometheusOperator}`);
    expect(readme).toContain(`Prometheus ${VERSIONS.prometheus}`);
    expect(readme).toContain(`Grafana ${VERSIONS.grafana}`);
    expect(readme).toContain(`Tempo ${VERSIONS.tempo}`);
    expect(readme).toContain(`Loki ${VERSIONS.loki}`);
  });

  it('states the sizing the generated configs use', () => {
    const size = gatewaySizing(model.sampling!.tail!.decisionWait);
    const n = (x: number): string => x.toLocaleString('en-US');
    expect(readme).toContain(`${n(size.spansPerSecond)} spans/s`);
    expect(readme).toContain(`num_traces: ${n(size.numTraces)}`);
    expect(readme).toContain(`${MEMORY_MIB.gateway} MiB`);
    expect(readme).toContain(`${MEMORY_MIB.edge} MiB`);
    expect(readme).toContain(`retention ${prometheusRetention(ruleGroups(model))}`);
  });
});
