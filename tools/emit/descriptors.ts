// The runtime descriptors of a resolved model's signals, built in memory: what the generated helpers
// hold as literals (codegen/emit/metrics.ts, spans.ts, logs.ts write the same objects as TypeScript),
// for commands that work on any spec without generating code. test/tools/emit.slow.test.ts holds the two
// to each other on the base registry.
import type { AttributeUse, LogEvent, Metric, Model, Span } from '../../codegen/model.js';
import { labelBound, labelKey } from '../../codegen/resolve/metrics.js';
import type { EventDescriptor, FieldDescriptor, MetricDescriptor, SpanDescriptor } from '../../runtime/types.js';

export function fieldDescriptor(u: AttributeUse): FieldDescriptor {
  return {
    name: u.name,
    type: u.attr.type,
    ...(u.attr.type === 'enum' && { values: u.attr.members.map((m) => m.value) }),
    ...(u.attr.secret && { secret: true }),
    ...(u.attr.fingerprint && { fingerprint: true }),
  };
}

export function metricDescriptor(m: Metric): MetricDescriptor {
  return {
    name: m.name,
    instrument: m.instrument,
    unit: m.unit,
    description: m.brief,
    ...(m.buckets && { buckets: m.buckets.boundaries }),
    labels: m.labels.map((l) => ({
      name: labelKey(m, l),
      ...labelBound(l),
      ...(l.requirement === 'required' && { required: true }),
    })),
  };
}

export function spanDescriptor(s: Span): SpanDescriptor {
  return {
    name: s.name,
    kind: s.kind,
    alwaysSample: s.alwaysSample,
    ...(s.alwaysSampleWhen.length && { alwaysSampleWhen: s.alwaysSampleWhen }),
    attributes: s.attributes.map(fieldDescriptor),
  };
}

export function eventDescriptor(model: Model, e: LogEvent): EventDescriptor {
  return {
    name: e.name,
    level: e.level,
    fields: e.fields.map(fieldDescriptor),
    ...(model.bus && { objects: [model.bus.logObject] }),
  };
}
