import { emitAttributes } from './emit/attributes.js';
import { emitBus } from './emit/bus.js';
import { COLLECTOR_CONFIG_PATH, emitCollectorConfig } from './emit/collector.js';
import { bindingDiagnostic, renderDashboards } from './emit/dashboards.js';
import { emitDocs } from './emit/docs.js';
import { emitIndex } from './emit/index-file.js';
import { emitK8s, K8S_RULES_PATH } from './emit/k8s.js';
import { emitInit } from './emit/init-file.js';
import { emitLogSchemaJson, emitLogSchemaTs } from './emit/log-schema.js';
import { emitLogs } from './emit/logs.js';
import { emitMetrics } from './emit/metrics.js';
import { emitRegistryJson } from './emit/registry.js';
import { emitRules } from './prometheus/rules.js';
import { emitRegistryLibsonnet } from './emit/registry-libsonnet.js';
import { emitRuleTests } from './prometheus/rule-tests.js';
import { emitRegistryTs } from './emit/registry-ts.js';
import { emitSpans } from './emit/spans.js';
import { InternalError, SpecError, type Diagnostic } from './diagnostics.js';
import { formatFiles } from './format.js';
import { loadJsonnet } from './jsonnet-binding.js';
import type { Model } from './model.js';
import { compareText } from './order.js';

/** Every generated file, by path relative to the output directory, in a stable order. */
export type FileSet = ReadonlyMap<string, string>;

/**
 * Renders the whole output for a valid model, in memory, TypeScript and JSON formatted by prettier
 * (codegen/format.ts). Same model, byte-identical files. Throws a SpecError carrying located
 * diagnostics when a dashboard does not evaluate, and an InternalError naming the file it was rendering
 * when an emitter fails unexpectedly.
 */
export async function renderFiles(model: Model): Promise<FileSet> {
  const files = new Map<string, string>();
  const put = (file: string, render: () => string | undefined): boolean => {
    let text: string | undefined;
    try {
      text = render();
    } catch (e) {
      if (e instanceof SpecError) throw e;
      throw new InternalError(`rendering ${file}`, e);
    }
    if (text !== undefined) files.set(file, text);
    return text !== undefined;
  };
  const modules = ['attributes', 'metrics', 'spans', 'logs'];
  put('attributes.ts', () => emitAttributes(model));
  put('metrics.ts', () => emitMetrics(model));
  put('spans.ts', () => emitSpans(model));
  put('logs.ts', () => emitLogs(model));
  if (put('bus.ts', () => emitBus(model))) modules.push('bus');
  put('registry.ts', () => emitRegistryTs(model));
  put('log-schema.ts', () => emitLogSchemaTs(model));
  put('init.ts', () => emitInit(model));
  modules.push('registry', 'log-schema', 'init');
  put('index.ts', () => emitIndex(model, modules));
  put('registry.json', () => emitRegistryJson(model));
  put('log-schema.json', () => emitLogSchemaJson(model));
  put('docs/TELEMETRY.md', () => emitDocs(model));
  put(COLLECTOR_CONFIG_PATH, () => {
    for (const [p, text] of emitCollectorConfig(model)) files.set(p, text);
    return undefined;
  });
  put('prometheus/ampyobs.rules.yaml', () => emitRules(model));
  put('prometheus/ampyobs.rules.test.yaml', () => {
    const ruleTests = emitRuleTests(model);
    files.set('prometheus/ampyobs.rules.slow.test.yaml', ruleTests.slow);
    return ruleTests.fast;
  });
  put('dashboards/registry.libsonnet', () => emitRegistryLibsonnet(model));
  let dashboards = new Map<string, string>();
  if (model.dashboards) {
    const binding = loadJsonnet();
    if ('problem' in binding) throw new SpecError([bindingDiagnostic(model.dashboards.src, binding.problem)]);
    const diags: Diagnostic[] = [];
    try {
      dashboards = await renderDashboards(
        binding.Jsonnet,
        model.dashboards.dir,
        files.get('dashboards/registry.libsonnet')!,
        diags,
      );
    } catch (e) {
      if (e instanceof SpecError) throw e;
      throw new InternalError('rendering the dashboards', e);
    }
    if (diags.length) throw new SpecError(diags);
    // Formatted now, so that the ConfigMaps of generated/k8s carry them byte for byte.
    dashboards = new Map(await formatFiles(dashboards));
    for (const [name, json] of dashboards) files.set(`dashboards/${name}`, json);
  }
  put(K8S_RULES_PATH, () => {
    for (const [p, text] of emitK8s(model, dashboards)) files.set(p, text);
    return undefined;
  });
  return formatFiles(new Map([...files.entries()].sort(([a], [b]) => compareText(a, b))));
}
