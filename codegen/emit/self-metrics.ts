import { SELF_METRIC_PREFIXES } from '../../conventions/index.js';
import type { Metric, Model } from '../model.js';
import { addEnum } from './attributes.js';
import { addDefineImports, addHelperObject, addLabelInterfaces } from './metrics.js';
import { byKey, newProject, render, type Regenerate } from './ts-common.js';

/** This repository's commands: the file belongs to the runtime, not to a service's generated folder. */
const REPOSITORY_COMMANDS: Regenerate = { generate: 'npm run generate', check: 'npm run check' };

/**
 * What the runtime records itself: its own metrics (ampy.obs.*, ampy.runtime.*), and the API metrics its
 * HTTP server instrumentation records for every request (ampy.api.*).
 */
export const RUNTIME_RECORDED_PREFIXES: readonly string[] = [...SELF_METRIC_PREFIXES, 'ampy.api.'];

/** The metrics the runtime records (RUNTIME_RECORDED_PREFIXES), by name. */
export function selfMetrics(model: Model): Metric[] {
  return byKey(
    model.metrics.filter((m) => RUNTIME_RECORDED_PREFIXES.some((p) => m.name.startsWith(p))),
    (m) => m.name,
  );
}

/**
 * runtime/generated/self-metrics.ts: the helpers of the metrics the runtime records, from the base spec it ships with.
 * The runtime serves any service's spec and cannot import the service's generated code, so it carries
 * these, with the enums their labels use, inside itself; they are written like generated/metrics.ts.
 */
export function emitSelfMetrics(model: Model): string {
  const metrics = selfMetrics(model);
  if (!metrics.length) throw new Error(`the spec defines no metric named ${RUNTIME_RECORDED_PREFIXES.join('* or ')}*`);
  const sf = newProject().createSourceFile('self-metrics.ts');
  addDefineImports(sf, metrics, '../metrics.js');
  const enums = new Map(
    metrics.flatMap((m) => m.labels.filter((l) => l.attr.type === 'enum').map((l) => [l.attr.id, l.attr] as const)),
  );
  for (const a of byKey([...enums.values()], (x) => x.id)) addEnum(sf, a);
  addLabelInterfaces(sf, metrics);
  addHelperObject(sf, metrics, {
    name: 'selfMetrics',
    doc: 'The metrics the runtime records (its own, and the API metrics of its HTTP server instrumentation), grouped by subsystem (`ampy.<subsystem>.<name>`).',
  });
  return render(sf, model, import.meta.url, REPOSITORY_COMMANDS);
}
