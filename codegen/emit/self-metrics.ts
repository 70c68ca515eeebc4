import { SELF_METRIC_PREFIXES } from '../../conventions/index.js';
import type { Metric, Model } from '../model.js';
import { addEnum } from './attributes.js';
import { addDefineImports, addHelperObject, addLabelInterfaces } from './metrics.js';
import { byKey, newProject, render, type Regenerate } from './ts-common.js';

/** This repository's commands: the file belongs to the runtime, not to a service's generated folder. */
const REPOSITORY_COMMANDS: Regenerate = { generate: 'npm run generate', check: 'npm run check' };

/** The metrics the runtime records about itself (ampy.obs.*, ampy.runtime.*), by name. */
export function selfMetrics(model: Model): Metric[] {
  return byKey(
    model.metrics.filter((m) => SELF_METRIC_PREFIXES.some((p) => m.name.startsWith(p))),
    (m) => m.name,
  );
}

/**
 * runtime/generated/self-metrics.ts: the runtime's own metric helpers, from the base spec it ships with.
 * The runtime serves any service's spec and cannot import the service's generated code, so it carries
 * these, with the enums their labels use, inside itself; they are written like generated/metrics.ts.
 */
export function emitSelfMetrics(model: Model): string {
  const metrics = selfMetrics(model);
  if (!metrics.length) throw new Error(`the spec defines no metric named ${SELF_METRIC_PREFIXES.join('* or ')}*`);
  const sf = newProject().createSourceFile('self-metrics.ts');
  addDefineImports(sf, metrics, '../metrics.js');
  const enums = new Map(metrics.flatMap((m) => m.labels.filter((l) => l.attr.type === 'enum').map((l) => [l.attr.id, l.attr] as const)));
  for (const a of byKey([...enums.values()], (x) => x.id)) addEnum(sf, a);
  addLabelInterfaces(sf, metrics);
  addHelperObject(sf, metrics, { name: 'selfMetrics', doc: "The runtime's own metrics, grouped by subsystem (`ampy.<subsystem>.<name>`)." });
  return render(sf, model, import.meta.url, REPOSITORY_COMMANDS);
}
