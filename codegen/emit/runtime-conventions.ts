// The parts of the base spec the runtime applies itself, beside its metric helpers: the environments
// init() accepts (with their aliases) and the metrics auto-instrumentation records, with the label
// bounds the runtime holds instrumentation to. Written into runtime/generated/ by `npm run generate`.
import { tsLiteral } from '../escape/ts.js';
import type { Model } from '../model.js';
import { labelBound, labelKey } from '../resolve/metrics.js';
import { byKey, header, type Regenerate } from './ts-common.js';

const REPOSITORY_COMMANDS: Regenerate = { generate: 'npm run generate', check: 'npm run check' };

/** The resource attribute whose values name deployment environments. */
export const ENVIRONMENT_ATTRIBUTE = 'deployment.environment';

/** runtime/generated/environments.ts: the environments of the spec, its default and its aliases. */
export function emitEnvironments(model: Model): string {
  const r = model.resource.find((x) => x.attr.id === ENVIRONMENT_ATTRIBUTE);
  if (!r || r.attr.type !== 'enum')
    throw new Error(`the spec's resource section has no enum attribute ${ENVIRONMENT_ATTRIBUTE}`);
  const values = r.attr.members.map((m) => m.value);
  const union = (xs: readonly string[]): string => (xs.length ? xs.map((x) => tsLiteral(x)).join(' | ') : 'never');
  const aliases = Object.fromEntries(Object.entries(r.aliases ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return [
    header(model, import.meta.url, '//', REPOSITORY_COMMANDS),
    '',
    `/** A deployment environment: the members of the spec's \`${ENVIRONMENT_ATTRIBUTE}\`. */`,
    `export type Environment = ${union(values)};`,
    '',
    '/** Other names init() accepts for an environment (`aliases` of the resource entry in the spec). */',
    `export type EnvironmentAlias = ${union(Object.keys(aliases))};`,
    '',
    '/** Every environment, in spec order. */',
    `export const ENVIRONMENTS: readonly Environment[] = ${tsLiteral(values)};`,
    '',
    '/** The environment when nothing names one. */',
    `export const DEFAULT_ENVIRONMENT: Environment = ${tsLiteral(r.default ?? values[0] ?? '')};`,
    '',
    '/** Each alias with the environment it names. */',
    `export const ENVIRONMENT_ALIASES: Readonly<Record<EnvironmentAlias, Environment>> = ${tsLiteral(aliases)};`,
    '',
  ].join('\n');
}

/**
 * runtime/generated/instrumented-metrics.ts: the metrics auto-instrumentation records (`recorded_by`),
 * with each label under its OTLP key (the attribute id), its members or bound, and whether it is
 * required (the runtime records a required label that is missing, such as an unmatched route, as _other).
 */
export function emitInstrumentedMetrics(model: Model): string {
  const metrics = byKey(
    model.metrics.filter((m) => m.recordedBy),
    (m) => m.name,
  ).map((m) => ({
    name: m.name,
    instrument: m.instrument,
    unit: m.unit,
    description: m.brief,
    ...(m.buckets && { buckets: m.buckets.boundaries }),
    recordedBy: m.recordedBy,
    labels: m.labels.map((l) => ({
      name: labelKey(m, l),
      ...labelBound(l),
      required: l.requirement === 'required',
    })),
  }));
  return [
    header(model, import.meta.url, '//', REPOSITORY_COMMANDS),
    '',
    "import type { InstrumentedMetric } from '../instrument/guardrails.js';",
    '',
    '/** The metrics auto-instrumentation records, as the spec bounds them (semconv/, imported by spec/). */',
    `export const INSTRUMENTED_METRICS: readonly InstrumentedMetric[] = ${tsLiteral(metrics)};`,
    '',
  ].join('\n');
}
