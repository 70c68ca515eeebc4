// The resolver: from merged spec fragments to the model emitters read, one section at a time.
import path from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import type { MergedSpec } from '../merge.js';
import type { Model } from '../model.js';
import { resolveAlerts, resolveSchedules } from './alerts.js';
import { attributeRefs, resolveAttributes } from './attributes.js';
import { resolveEvents } from './events.js';
import { defaultMaxSeries, resolveBucketSets, resolveMetrics, splitRenamed } from './metrics.js';
import { resolveRedaction, resolveSampling } from './policy.js';
import { missingReporter } from './refs.js';
import { resolveBus, resolveContext, resolveLogBase, resolveResource } from './resource.js';
import { metricRefs } from './selectors.js';
import { resolveSlos } from './slos.js';
import { resolveSpans } from './spans.js';

/**
 * Builds the resolved model: follows every reference, applies defaults, and reports ids defined twice
 * and references that lead nowhere. Semantic rules on the result live in validate/.
 */
export function resolve(merged: MergedSpec, diags: Diagnostic[]): Model {
  const missing = missingReporter(merged, diags);
  const attributes = resolveAttributes(merged, diags);
  const attrs = attributeRefs(attributes, missing, diags);
  const bucketSets = resolveBucketSets(merged, diags);
  const { metrics, renamedMetrics } = splitRenamed(resolveMetrics(merged, bucketSets, attrs, missing, diags), missing);
  const spans = resolveSpans(merged, attrs, diags);
  const events = resolveEvents(merged, attrs, diags);
  const resource = resolveResource(merged, attrs, diags);
  const context = resolveContext(merged, attrs, diags);
  const logBase = resolveLogBase(merged, resource, context, diags);
  const bus = resolveBus(merged, attrs, diags);
  const schedules = resolveSchedules(merged, diags);
  const metricsByName = metricRefs(metrics, missing);
  const alerts = resolveAlerts(merged, schedules, metricsByName, missing, diags);
  const slos = resolveSlos(merged, metricsByName, diags);
  const sampling = resolveSampling(merged);
  const redaction = resolveRedaction(merged, diags);
  return {
    registry: {
      name: merged.manifest?.raw.name ?? 'unnamed',
      version: merged.manifest?.raw.version ?? '0.0.0',
      brief: merged.manifest?.raw.brief ?? '',
    },
    runtimeImport: merged.codegen.runtime_import ?? 'ampyobs/runtime',
    ...(merged.codegen.dashboards &&
      merged.codegenSrc && {
        dashboards: {
          dir: path.resolve(merged.codegenSrc.file.specDir, merged.codegen.dashboards),
          src: { file: merged.codegenSrc.file, path: [...merged.codegenSrc.path, 'dashboards'] },
        },
      }),
    maxSeriesPerMetric: defaultMaxSeries(merged),
    attributes,
    bucketSets,
    resource,
    context,
    logBase,
    ...(bus && { bus }),
    metrics,
    renamedMetrics,
    spans,
    events,
    schedules,
    alerts,
    slos,
    ...(sampling && { sampling }),
    ...(redaction && { redaction }),
  };
}
