import { emitAttributes } from './emit/attributes.js';
import { emitBus } from './emit/bus.js';
import { emitCollectorConfig } from './emit/collector.js';
import { renderDashboards } from './emit/dashboards.js';
import { emitDocs } from './emit/docs.js';
import { emitIndex } from './emit/index-file.js';
import { emitK8s } from './emit/k8s.js';
import { emitInit } from './emit/init-file.js';
import { emitLogs } from './emit/logs.js';
import { emitMetrics } from './emit/metrics.js';
import { emitRegistryJson } from './emit/registry.js';
import { emitRules } from './emit/prometheus-rules.js';
import { emitRegistryLibsonnet } from './emit/registry-libsonnet.js';
import { emitRuleTests } from './emit/rule-tests.js';
import { emitRegistryTs } from './emit/registry-ts.js';
import { emitSpans } from './emit/spans.js';
import { header } from './emit/ts-common.js';
import { generateCommand, type OutputTarget } from './command.js';
import { SpecError, type Diagnostic } from './diagnostics.js';
import { loadJsonnet } from './jsonnet-binding.js';
import { at } from './load.js';
import type { Model } from './model.js';

/** Every generated file, by path relative to the output directory, in a stable order. */
export type FileSet = ReadonlyMap<string, string>;

/** The model as the emitters see it for one output: with the command that regenerates that output. */
export function forTarget(model: Model, target: OutputTarget): Model {
  return { ...model, generateCommand: generateCommand(target) };
}

/**
 * Renders the whole output for a valid model, in memory. Same model and target, byte-identical files;
 * the target only shapes the regenerate command in file headers. Throws a SpecError carrying located
 * diagnostics when a dashboard does not evaluate or the jsonnet binding is unavailable.
 */
export async function renderFiles(spec: Model, target: OutputTarget): Promise<FileSet> {
  const model = forTarget(spec, target);
  const files = new Map<string, string>();
  const modules = ['attributes', 'metrics', 'spans', 'logs'];
  files.set('attributes.ts', emitAttributes(model));
  files.set('metrics.ts', emitMetrics(model));
  files.set('spans.ts', emitSpans(model));
  files.set('logs.ts', emitLogs(model));
  const bus = emitBus(model);
  if (bus) {
    files.set('bus.ts', bus);
    modules.push('bus');
  }
  files.set('registry.ts', emitRegistryTs(model));
  files.set('init.ts', emitInit(model));
  modules.push('registry', 'init');
  files.set('index.ts', emitIndex(model, modules));
  files.set('registry.json', emitRegistryJson(model));
  files.set('docs/TELEMETRY.md', emitDocs(model, header(model, '').replace(/^ /gm, '').replace(/\n/g, ' ')));
  for (const [p, text] of emitCollectorConfig(model)) files.set(p, text);
  files.set('prometheus/ampyobs.rules.yaml', emitRules(model));
  const ruleTests = emitRuleTests(model);
  files.set('prometheus/ampyobs.rules.test.yaml', ruleTests.fast);
  files.set('prometheus/ampyobs.rules.slow.test.yaml', ruleTests.slow);
  const registryLibsonnet = emitRegistryLibsonnet(model);
  files.set('dashboards/registry.libsonnet', registryLibsonnet);
  let dashboards = new Map<string, string>();
  if (model.dashboards) {
    const binding = loadJsonnet();
    if ('problem' in binding) throw new SpecError([at(model.dashboards.src, 'error', 'dashboard', binding.problem)]);
    const diags: Diagnostic[] = [];
    dashboards = await renderDashboards(binding.Jsonnet, model.dashboards.dir, registryLibsonnet, diags);
    if (diags.length) throw new SpecError(diags);
    for (const [name, json] of dashboards) files.set(`dashboards/${name}`, json);
  }
  for (const [p, text] of emitK8s(model, dashboards)) files.set(p, text);
  return new Map([...files.entries()].sort(([a], [b]) => a.localeCompare(b)));
}
