// The cardinality guardrails of the spec, applied to what instrumentation records: the metrics of the
// semantic-convention registry (semconv/) keep only their declared labels, a value outside an enum or
// past a label's bound becomes _other (counted in ampy.obs.dropped, like an untyped caller's), and a
// required label that is missing, such as the route of a request no route matched, is recorded as
// _other. They are metric views, so they act before aggregation: rejected series never exist.
import type { Attributes } from '@opentelemetry/api';
import { AggregationType, type IAttributesProcessor, type ViewOptions } from '@opentelemetry/sdk-metrics';
import { INSTRUMENTATIONS, type InstrumentationName } from '../../conventions/index.js';
import { INSTRUMENTED_METRICS } from '../generated/instrumented-metrics.js';
import { LabelIndex } from '../label-index.js';
import type { MetricDescriptor } from '../types.js';

/** A metric auto-instrumentation records, as the spec bounds it (runtime/generated/instrumented-metrics.ts). */
export interface InstrumentedMetric extends MetricDescriptor {
  readonly recordedBy: readonly InstrumentationName[];
  /** Labels under their OTLP keys (the attribute ids), each with whether the spec requires it. */
  readonly labels: readonly (MetricDescriptor['labels'][number] & { readonly required: boolean })[];
}

/** The attributes processor of one metric: declared labels only, bounded, required ones present. */
export function guard(m: InstrumentedMetric): IAttributesProcessor {
  // A required label missing here is not a caller's mistake: recorded as _other, not counted.
  const index = new LabelIndex(m, false);
  const keys = m.labels.map((l) => l.name);
  return {
    process(incoming: Attributes): Attributes {
      const kept: Attributes = {};
      for (const k of keys) {
        const v = incoming[k];
        // An empty route (a middleware matched, no route did) is no route.
        if (v !== undefined && v !== '') kept[k] = v;
      }
      const out = index.attributes(kept);
      for (const k of keys) {
        const v = kept[k];
        // Bounded ints keep their type on OTLP: the index gives every value back as text.
        if (typeof v === 'number' && out[k] === String(v)) out[k] = v;
      }
      return out;
    },
  };
}

/**
 * The views that hold each instrumented metric to the spec, one per instrumentation scope that records
 * it; they also give every scope's copy of a metric the spec's description and buckets.
 */
export function instrumentationViews(metrics: readonly InstrumentedMetric[] = INSTRUMENTED_METRICS): ViewOptions[] {
  return metrics.flatMap((m) =>
    m.recordedBy.flatMap((name) => {
      const scope = INSTRUMENTATIONS[name];
      if (scope === undefined) return [];
      const view: ViewOptions = {
        instrumentName: m.name,
        meterName: scope,
        description: m.description,
        attributesProcessors: [guard(m)],
        ...(m.buckets && {
          aggregation: { type: AggregationType.EXPLICIT_BUCKET_HISTOGRAM, options: { boundaries: [...m.buckets] } },
        }),
      };
      return [view];
    }),
  );
}
