// The Kubernetes resources of generated/k8s: every field is one the CRDs of the pinned operator versions
// define (noted in test/fixtures/k8s/crds.yaml), the PrometheusRule carries exactly the generated rule
// groups and promtool accepts them, the dashboards ride in sidecar-labelled ConfigMaps byte for byte, and
// the two collector tiers are the compose configs with Kubernetes addresses.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { collectorConfig } from '../../codegen/emit/collector.js';
import { MEMORY_MIB } from '../../codegen/emit/collector-sizing.js';
import {
  emitK8s,
  K8S_COLLECTORS_PATH,
  K8S_DASHBOARDS_PATH,
  K8S_RULES_PATH,
  RETENTION_ANNOTATION,
} from '../../codegen/emit/k8s.js';
import { ruleGroups } from '../../codegen/prometheus/rules.js';
import {
  COLLECTOR_IMAGE,
  K8S,
  K8S_BACKEND_ENV,
  K8S_BACKENDS,
  operatorHeadlessService,
  VERSIONS,
} from '../../codegen/emit/stack.js';
import { readSpec } from '../../codegen/pipeline.js';
import { prometheusRetention } from '../../codegen/prometheus/retention.js';
import { checkKeys, type KeyNode } from '../support/key-tree.js';
import { requireTool } from '../support/tools.js';
import { checkCollectorKeys, loadKeyFixture } from './collector-keys.js';

type Obj = Record<string, any>;

const ROOT = path.resolve(import.meta.dirname, '../..');
const GENERATED = path.join(ROOT, 'generated');
const tmp = mkdtempSync(path.join(tmpdir(), 'ampyobs-k8s-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// As `npm run generate` renders generated/: the headers name that command's directories.
const model = readSpec(path.join(ROOT, 'spec')).model!;
const crds = parse(readFileSync(path.join(ROOT, 'test/fixtures/k8s/crds.yaml'), 'utf8')) as Obj;
const docs = (rel: string): Obj[] =>
  parseAllDocuments(readFileSync(path.join(GENERATED, rel), 'utf8')).map((d) => d.toJS() as Obj);
const rules = docs(K8S_RULES_PATH);
const dashboards = docs(K8S_DASHBOARDS_PATH);
const collectors = docs(K8S_COLLECTORS_PATH);
const generatedDashboards = new Map(
  ['http-dependencies.json', 'ingestion-health.json', 'resource.json', 'slo-overview.json', 'trading-path.json'].map(
    (f) => [f, readFileSync(path.join(GENERATED, 'dashboards', f), 'utf8')],
  ),
);
const promtool = requireTool('promtool');

/** Every problem of a resource against the fixture entry of its kind. */
function checkResource(r: Obj): string[] {
  const problems: string[] = [];
  const where = `${r['kind']}/${r['metadata']?.['name']}`;
  const kind = crds[r['kind'] as string] as Obj | undefined;
  if (!kind) return [`${where}: no fixture for kind ${r['kind']}`];
  if (r['apiVersion'] !== kind['apiVersion'])
    problems.push(`${where}: apiVersion ${r['apiVersion']}, the CRD serves ${kind['apiVersion']}`);
  const top = (kind['keys'] as string[] | undefined) ?? ['apiVersion', 'kind', 'metadata', 'spec'];
  for (const k of Object.keys(r)) if (!top.includes(k)) problems.push(`${where}.${k}: unknown top-level field`);
  checkKeys(r['metadata'], crds['metadata'] as KeyNode, `${where}.metadata`, problems);
  if (kind['spec']) checkKeys(r['spec'], kind['spec'] as KeyNode, `${where}.spec`, problems);
  for (const [p, fields] of Object.entries((kind['required'] ?? {}) as Record<string, string[]>)) {
    for (const [at, obj] of resolvePath(r, p))
      for (const f of fields) if (obj?.[f] === undefined) problems.push(`${where}: ${at}.${f} is required`);
  }
  for (const [p, values] of Object.entries((kind['enums'] ?? {}) as Record<string, string[]>)) {
    const [parent, field] = [p.slice(0, p.lastIndexOf('.')), p.slice(p.lastIndexOf('.') + 1)];
    for (const [at, obj] of resolvePath(r, parent))
      if (obj?.[field] !== undefined && !values.includes(obj[field]))
        problems.push(`${where}: ${at}.${field} ${obj[field]} not in ${values.join('|')}`);
  }
  return problems;
}

/** `spec.groups[].rules[]` → every object at that path, with its location. */
function resolvePath(root: Obj, p: string): [string, Obj][] {
  let at: [string, Obj][] = [['', root]];
  for (const seg of p.split('.')) {
    const name = seg.replace(/\[\]$/, '');
    at = at.flatMap(([w, o]) => {
      const v = o?.[name];
      if (seg.endsWith('[]'))
        return Array.isArray(v) ? v.map((x, i) => [`${w}.${name}[${i}]`, x] as [string, Obj]) : [];
      return v === undefined ? [] : [[`${w}.${name}`, v] as [string, Obj]];
    });
  }
  return at.map(([w, o]) => [w.replace(/^\./, ''), o]);
}

describe('generated/k8s', () => {
  it('is deterministic and written from the same dashboards as generated/dashboards', () => {
    const again = emitK8s(model, generatedDashboards);
    for (const p of [K8S_RULES_PATH, K8S_DASHBOARDS_PATH, K8S_COLLECTORS_PATH])
      expect(again.get(p), p).toBe(readFileSync(path.join(GENERATED, p), 'utf8'));
    for (const text of again.values())
      expect(text).toMatch(/^# Code generated by ampyobs \(codegen\/emit\/k8s\.ts\) from spec .*DO NOT EDIT\.\n/);
  });

  it(`uses only fields of the CRDs (prometheus-operator ${VERSIONS.prometheusOperator}, OpenTelemetry operator ${VERSIONS.otelOperator}) and of ConfigMap`, () => {
    expect(String(crds['PrometheusRule']['source'])).toContain(`prometheus-operator v${VERSIONS.prometheusOperator}`);
    expect(String(crds['OpenTelemetryCollector']['source'])).toContain(
      `opentelemetry-operator v${VERSIONS.otelOperator}`,
    );
    const all = [...rules, ...dashboards, ...collectors];
    expect(all.map((r) => r['kind']).sort()).toEqual([
      'ConfigMap',
      'ConfigMap',
      'ConfigMap',
      'ConfigMap',
      'ConfigMap',
      'OpenTelemetryCollector',
      'OpenTelemetryCollector',
      'PrometheusRule',
    ]);
    for (const r of all) expect(checkResource(r), `${r['kind']}/${r['metadata']['name']}`).toEqual([]);
    // The check catches what it is for.
    expect(
      checkResource({
        apiVersion: 'opentelemetry.io/v1alpha1',
        kind: 'OpenTelemetryCollector',
        metadata: { name: 'x', labelz: {} },
        spec: {
          mode: 'replicaset',
          config: { receivers: {}, exporters: {}, service: { pipelinez: {} } },
          env: [{ name: 'A', valeu: 'b' }],
        },
      }),
    ).toEqual([
      'OpenTelemetryCollector/x: apiVersion opentelemetry.io/v1alpha1, the CRD serves opentelemetry.io/v1beta1',
      'OpenTelemetryCollector/x.metadata.labelz: unknown key',
      'OpenTelemetryCollector/x.spec.config.service.pipelinez: unknown key',
      'OpenTelemetryCollector/x.spec.env[0].valeu: unknown key',
      'OpenTelemetryCollector/x: spec.config.service.pipelines is required',
      'OpenTelemetryCollector/x: spec.mode replicaset not in daemonset|deployment|sidecar|statefulset',
    ]);
    expect(
      checkResource({
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'PrometheusRule',
        metadata: { name: 'r' },
        spec: { groups: [{ name: 'g', rules: [{ record: 'a', expr: 'b', query_offset: '1m', keep_firing: '1m' }] }] },
      }),
    ).toEqual([
      'PrometheusRule/r.spec.groups[0].rules[0].query_offset: unknown key',
      'PrometheusRule/r.spec.groups[0].rules[0].keep_firing: unknown key',
    ]);
  });

  it('carries in the PrometheusRule exactly the rule groups of generated/prometheus, and the retention they need', () => {
    expect(rules).toHaveLength(1);
    const rule = rules[0]!;
    const file = parse(readFileSync(path.join(GENERATED, 'prometheus/ampyobs.rules.yaml'), 'utf8')) as Obj;
    expect(rule['spec']['groups']).toEqual(file['groups']);
    expect(rule['spec']['groups']).toEqual(JSON.parse(JSON.stringify(ruleGroups(model))));
    expect(rule['metadata']['annotations'][RETENTION_ANNOTATION]).toBe(prometheusRetention(ruleGroups(model)));
  });

  it.skipIf(!promtool)('has PrometheusRule groups that promtool check rules accepts', () => {
    const f = path.join(tmp, 'from-prometheusrule.yaml');
    writeFileSync(f, JSON.stringify({ groups: rules[0]!['spec']['groups'] }));
    const r = spawnSync(promtool!, ['check', 'rules', f], { encoding: 'utf8' });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    const count = (rules[0]!['spec']['groups'] as Obj[]).reduce((n, g) => n + (g['rules'] as Obj[]).length, 0);
    expect(r.stdout).toContain(`SUCCESS: ${count} rules found`);
  });

  it('ships every dashboard in a ConfigMap the Grafana sidecar picks up, byte for byte and under the size limit', () => {
    expect(dashboards.map((d) => Object.keys(d['data'])[0]).sort()).toEqual([...generatedDashboards.keys()].sort());
    for (const d of dashboards) {
      const [file, json] = Object.entries(d['data'] as Record<string, string>)[0]!;
      expect(json, file).toBe(generatedDashboards.get(file));
      expect(d['metadata']['labels'], file).toMatchObject(K8S.dashboardLabel);
      expect(d['metadata']['annotations'][K8S.dashboardFolderAnnotation]).toBe(K8S.dashboardFolder);
      expect(Buffer.byteLength(json), file).toBeLessThan(crds['ConfigMap']['maxBytes']);
      expect(d['metadata']['name']).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
  });

  it('runs both collector tiers with the generated configs, whose keys collector-contrib accepts', () => {
    const fixture = loadKeyFixture(VERSIONS.collectorContrib);
    const byName = new Map(collectors.map((c) => [c['metadata']['name'] as string, c]));
    expect([...byName.keys()].sort()).toEqual([K8S.edgeName, K8S.gatewayName].sort());
    for (const [tier, name] of [
      ['edge', K8S.edgeName],
      ['gateway', K8S.gatewayName],
    ] as const) {
      const c = byName.get(name)!;
      expect(c['spec']['config'], name).toEqual(collectorConfig(model, tier, K8S_BACKENDS));
      expect(checkCollectorKeys(c['spec']['config'], fixture), name).toEqual([]);
      expect(c['spec']['image']).toBe(COLLECTOR_IMAGE);
      expect(c['spec']['replicas']).toBe(K8S.replicas[tier]);
      expect(c['spec']['resources']['limits']['memory']).toBe(`${MEMORY_MIB[tier]}Mi`);
      // Every environment reference of the config is set on the pod (HOSTNAME: Kubernetes sets it to the pod name).
      const env = new Set((c['spec']['env'] as Obj[]).map((e) => e['name'] as string));
      for (const [, v] of JSON.stringify(c['spec']['config']).matchAll(/\$\{env:([A-Z_]+)\}/g))
        if (v !== 'HOSTNAME') expect(env.has(v!), `${name}: ${v}`).toBe(true);
    }
    // Gateways: a StatefulSet keeps pod names, the `instance` of their series; the edge resolves their headless Service.
    expect(byName.get(K8S.gatewayName)!['spec']['mode']).toBe('statefulset');
    expect(
      byName.get(K8S.edgeName)!['spec']['config']['exporters']['load_balancing']['resolver']['dns']['hostname'],
    ).toBe(operatorHeadlessService(K8S.gatewayName));
    expect(Object.values(K8S_BACKEND_ENV).every((e) => e.value.length > 0)).toBe(true);
  });
});
