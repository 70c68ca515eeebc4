// The rules a spec diagnostic can name, each raised by exactly one module of one stage. The severity of
// a diagnostic, which module may raise it (checked by the compiler through locator()), the checks
// validate/index.ts runs, the README's rule list and the bad-spec catalogue (test/fixtures/bad-specs/)
// all derive from this table; test/codegen/bad-specs.test.ts and test/codegen/diagnostic-rules.test.ts
// hold them to it.

/** Where in the pipeline a rule is checked: spec → load → schema → merge → resolve → validate → emit. */
export type Stage = 'load' | 'schema' | 'merge' | 'resolve' | 'validate' | 'emit';

/** One rule of the table. */
export interface RuleInfo {
  readonly stage: Stage;
  /** Errors stop generation; warnings are printed and generation goes on. */
  readonly severity: 'error' | 'warning';
  /** The module that raises it, from the repository root. */
  readonly module: string;
  /** What it refuses, in a sentence. */
  readonly brief: string;
  /** Its bad-spec case: test/fixtures/bad-specs/<example>.yaml. */
  readonly example: string;
}

const LOAD = 'codegen/load.ts';
const MERGE = 'codegen/merge.ts';
const NAMES = 'codegen/validate/names.ts';
const METRICS = 'codegen/validate/metrics.ts';
const SIGNALS = 'codegen/validate/signals.ts';
const PROMETHEUS = 'codegen/prometheus/checks.ts';

/** Every rule, in the order the README lists them. */
export const RULES = {
  'yaml-syntax': {
    stage: 'load',
    severity: 'error',
    module: LOAD,
    brief:
      'A file is not YAML, nests too deeply to read, has an alias inside the node it names or with no anchor before it, or expands more than 100 aliases.',
    example: 'yaml-syntax',
  },
  'spec-file': {
    stage: 'load',
    severity: 'error',
    module: LOAD,
    brief: 'A spec file cannot be read: a link loop or broken link, not a regular file, over 1 MiB, not UTF-8 text.',
    example: 'spec-file',
  },
  'manifest-missing': {
    stage: 'load',
    severity: 'error',
    module: LOAD,
    brief: 'A spec directory, or one it imports, has no ampyobs.yaml manifest.',
    example: 'manifest-missing',
  },
  'import-not-found': {
    stage: 'load',
    severity: 'error',
    module: LOAD,
    brief: 'An import names no spec directory.',
    example: 'import-not-found',
  },
  'import-cycle': {
    stage: 'load',
    severity: 'error',
    module: LOAD,
    brief: 'Imports lead back to a spec already being imported.',
    example: 'import-cycle',
  },
  'invalid-text': {
    stage: 'schema',
    severity: 'error',
    module: 'codegen/text-check.ts',
    brief: 'Spec text holds a control character or a non-character.',
    example: 'invalid-text',
  },
  schema: {
    stage: 'schema',
    severity: 'error',
    module: 'codegen/schema-check.ts',
    brief: 'A fragment breaks the spec schema (codegen/spec.schema.json): an unknown key, a missing or mistyped value.',
    example: 'schema',
  },
  manifest: {
    stage: 'merge',
    severity: 'error',
    module: MERGE,
    brief: 'The manifest declares no registry name and version.',
    example: 'manifest',
  },
  'manifest-only': {
    stage: 'merge',
    severity: 'error',
    module: MERGE,
    brief: 'A manifest section (registry, imports, codegen, limits) sits outside ampyobs.yaml.',
    example: 'manifest-only',
  },
  'duplicate-section': {
    stage: 'merge',
    severity: 'error',
    module: MERGE,
    brief: 'A section defined once per spec (log_base, bus, sampling, redaction) is defined twice.',
    example: 'duplicate-section',
  },
  'unique-id': {
    stage: 'resolve',
    severity: 'error',
    module: 'codegen/resolve/refs.ts',
    brief:
      'An id, a name, an enum member, a redaction pattern, a base log field, a bus header or the attribute it carries, or a resource metric label is defined twice.',
    example: 'unique-id',
  },
  'unresolved-ref': {
    stage: 'resolve',
    severity: 'error',
    module: 'codegen/resolve/refs.ts',
    brief: 'A reference leads nowhere: an attribute, bucket set, metric or schedule that is not defined.',
    example: 'unresolved-ref',
  },
  'duplicate-name': {
    stage: 'resolve',
    severity: 'error',
    module: 'codegen/resolve/attributes.ts',
    brief: 'Two attributes of one signal have the same wire name.',
    example: 'duplicate-name',
  },
  'log-base': {
    stage: 'resolve',
    severity: 'error',
    module: 'codegen/resolve/resource.ts',
    brief: 'A base log field taken from the resource or context names no attribute.',
    example: 'log-base',
  },
  'slo-sli': {
    stage: 'resolve',
    severity: 'error',
    module: 'codegen/resolve/slos.ts',
    brief: 'An SLI lacks its fields or counts with the wrong instrument: latency needs a histogram, a ratio counters.',
    example: 'slo-sli',
  },
  'generated-name': {
    stage: 'validate',
    severity: 'error',
    module: NAMES,
    brief: 'Two spec names would generate the same TypeScript identifier.',
    example: 'generated-name',
  },
  'wire-name': {
    stage: 'validate',
    severity: 'error',
    module: NAMES,
    brief:
      'A metric label or log field name is not snake_case, or a label of a metric recorded by instrumentation is not its attribute id as Prometheus shows it.',
    example: 'wire-name',
  },
  'name-length': {
    stage: 'validate',
    severity: 'error',
    module: NAMES,
    brief: 'A name is longer than every backend accepts (200 characters; 100 for labels, attributes and fields).',
    example: 'name-length',
  },
  'label-reserved': {
    stage: 'validate',
    severity: 'error',
    module: NAMES,
    brief: 'A metric or alert label has a name Prometheus, the exporter or the collector sets itself.',
    example: 'label-reserved',
  },
  'attribute-flags': {
    stage: 'validate',
    severity: 'error',
    module: 'codegen/validate/attributes.ts',
    brief: 'Attribute flags contradict each other.',
    example: 'attribute-flags',
  },
  'deprecated-target': {
    stage: 'validate',
    severity: 'error',
    module: 'codegen/validate/attributes.ts',
    brief: 'A deprecation renames to an attribute or member that does not exist.',
    example: 'deprecated-target',
  },
  'base-unit': {
    stage: 'validate',
    severity: 'error',
    module: 'codegen/validate/units.ts',
    brief: 'A unit is not a base unit (ms, By, bp, 1, USD or a {count} annotation).',
    example: 'base-unit',
  },
  'metric-name': {
    stage: 'validate',
    severity: 'error',
    module: METRICS,
    brief:
      'A metric name is not ampy.<subsystem>.<name> in snake_case; one recorded by instrumentation is not an OpenTelemetry convention name.',
    example: 'metric-name',
  },
  'counter-suffix': {
    stage: 'validate',
    severity: 'error',
    module: METRICS,
    brief: 'A counter name ends in _total, which the exporter appends.',
    example: 'counter-suffix',
  },
  'prometheus-name': {
    stage: 'validate',
    severity: 'error',
    module: METRICS,
    brief:
      "Two metrics would take one Prometheus name: one's name as exposed (with _total) is the other's, or a series of a histogram (_bucket, _sum, _count).",
    example: 'prometheus-name',
  },
  'unit-suffix': {
    stage: 'validate',
    severity: 'error',
    module: METRICS,
    brief: 'A metric name and its unit disagree (_ms for ms, _bytes for By).',
    example: 'unit-suffix',
  },
  'histogram-buckets': {
    stage: 'validate',
    severity: 'error',
    module: METRICS,
    brief: 'A histogram has no bucket set, or another instrument has one.',
    example: 'histogram-buckets',
  },
  'bucket-order': {
    stage: 'validate',
    severity: 'error',
    module: METRICS,
    brief: 'Bucket boundaries do not increase strictly.',
    example: 'bucket-order',
  },
  'bucket-sign': {
    stage: 'validate',
    severity: 'error',
    module: METRICS,
    brief: 'A bucket boundary is negative.',
    example: 'bucket-sign',
  },
  'bucket-unit': {
    stage: 'validate',
    severity: 'error',
    module: METRICS,
    brief: "A histogram's bucket set is in another unit.",
    example: 'bucket-unit',
  },
  'metric-label-high-cardinality': {
    stage: 'validate',
    severity: 'error',
    module: METRICS,
    brief: 'A high-cardinality attribute labels a metric.',
    example: 'metric-label-high-cardinality',
  },
  'metric-label-sensitive': {
    stage: 'validate',
    severity: 'error',
    module: METRICS,
    brief: 'A pii or secret attribute labels a metric.',
    example: 'metric-label-sensitive',
  },
  'metric-label-unbounded': {
    stage: 'validate',
    severity: 'error',
    module: METRICS,
    brief: 'An attribute without a bound on its values labels a metric.',
    example: 'metric-label-unbounded',
  },
  'cardinality-budget': {
    stage: 'validate',
    severity: 'error',
    module: METRICS,
    brief: 'A metric may produce more series than its budget.',
    example: 'cardinality-budget',
  },
  'metric-rename': {
    stage: 'validate',
    severity: 'error',
    module: METRICS,
    brief:
      'A renamed metric declares no end of its transition, or its new name cannot carry its old series (another instrument or unit, a label with no counterpart).',
    example: 'metric-rename',
  },
  'span-name': {
    stage: 'validate',
    severity: 'error',
    module: SIGNALS,
    brief: 'A span name is not <domain>.<operation> in snake_case.',
    example: 'span-name',
  },
  'event-name': {
    stage: 'validate',
    severity: 'error',
    module: SIGNALS,
    brief: 'A log event name is not <domain>.<action> in snake_case.',
    example: 'event-name',
  },
  'pii-forbidden': {
    stage: 'validate',
    severity: 'error',
    module: SIGNALS,
    brief: 'A pii attribute without fingerprint is on a span or log event.',
    example: 'pii-forbidden',
  },
  requirement: {
    stage: 'validate',
    severity: 'error',
    module: SIGNALS,
    brief: 'A conditionally required attribute does not say when.',
    example: 'requirement',
  },
  'always-sample-when': {
    stage: 'validate',
    severity: 'error',
    module: SIGNALS,
    brief: 'A safety-critical sampling condition is not a required enum attribute of the span with its values.',
    example: 'always-sample-when',
  },
  'field-shadows-base': {
    stage: 'validate',
    severity: 'error',
    module: SIGNALS,
    brief: 'A log event field, or the bus log object, has the name of a base field of every line.',
    example: 'field-shadows-base',
  },
  'resource-default': {
    stage: 'validate',
    severity: 'error',
    module: SIGNALS,
    brief: 'A resource default, or the target of an alias, is not a value of its enum; an alias is a member itself.',
    example: 'resource-default',
  },
  'context-source': {
    stage: 'validate',
    severity: 'error',
    module: SIGNALS,
    brief: 'A context entry other than trace_id and span_id reads the active trace.',
    example: 'context-source',
  },
  'alert-name': {
    stage: 'validate',
    severity: 'error',
    module: PROMETHEUS,
    brief: 'An alert name is not CamelCase.',
    example: 'alert-name',
  },
  'alert-summary': {
    stage: 'validate',
    severity: 'error',
    module: PROMETHEUS,
    brief: 'An alert summary is not one static sentence ending in a period.',
    example: 'alert-summary',
  },
  'alert-runbook': {
    stage: 'validate',
    severity: 'error',
    module: PROMETHEUS,
    brief: 'A runbook is not an http(s) URL.',
    example: 'alert-runbook',
  },
  'alert-kind': {
    stage: 'validate',
    severity: 'error',
    module: PROMETHEUS,
    brief: "An alert's metric is not an instrument its kind reads.",
    example: 'alert-kind',
  },
  'alert-fields': {
    stage: 'validate',
    severity: 'error',
    module: PROMETHEUS,
    brief: 'An alert lacks a field its kind needs, or has one its kind ignores.',
    example: 'alert-fields',
  },
  'alert-window': {
    stage: 'validate',
    severity: 'error',
    module: PROMETHEUS,
    brief: 'An alert window is too short for a rate, or a window or `for` is longer than 1d.',
    example: 'alert-window',
  },
  'alert-threshold': {
    stage: 'validate',
    severity: 'error',
    module: PROMETHEUS,
    brief: 'An alert could never fire, or never go quiet, or compares a windowed value with ==.',
    example: 'alert-threshold-ratio',
  },
  'alert-template': {
    stage: 'validate',
    severity: 'error',
    module: PROMETHEUS,
    brief: 'An alert description uses a template action that is empty or not supported.',
    example: 'alert-template',
  },
  schedule: {
    stage: 'validate',
    severity: 'error',
    module: PROMETHEUS,
    brief: 'A schedule starts when it ends, so it never opens.',
    example: 'schedule',
  },
  'label-unknown': {
    stage: 'validate',
    severity: 'error',
    module: PROMETHEUS,
    brief: 'An alert or SLO matches or groups by a label its metric does not have.',
    example: 'label-unknown',
  },
  'label-value': {
    stage: 'validate',
    severity: 'error',
    module: PROMETHEUS,
    brief: 'An alert or SLO matches a value its label can never take.',
    example: 'label-value',
  },
  'by-label': {
    stage: 'validate',
    severity: 'error',
    module: PROMETHEUS,
    brief:
      'An alert or SLO groups by a label its rules set themselves, or a ratio groups by a label its counted events are picked by but its total is not.',
    example: 'by-label',
  },
  'ratio-total': {
    stage: 'validate',
    severity: 'error',
    module: PROMETHEUS,
    brief:
      'A ratio counts its whole total: over the same metric, every matcher of its counted events is one its total has too, so the ratio never changes.',
    example: 'ratio-total',
  },
  'slo-period': {
    stage: 'validate',
    severity: 'error',
    module: PROMETHEUS,
    brief: 'An SLO period is shorter than 1d or longer than 90d.',
    example: 'slo-period',
  },
  'slo-threshold-bucket': {
    stage: 'validate',
    severity: 'error',
    module: PROMETHEUS,
    brief: "A latency SLI's threshold is not a bucket boundary of its histogram.",
    example: 'slo-threshold-bucket',
  },
  'sampling-env': {
    stage: 'validate',
    severity: 'error',
    module: 'codegen/validate/policy.ts',
    brief: 'A sampling ratio names an environment that does not exist.',
    example: 'sampling-env',
  },
  'bad-regex': {
    stage: 'validate',
    severity: 'error',
    module: 'codegen/validate/policy.ts',
    brief: 'A redaction pattern does not compile, or matches the empty string.',
    example: 'bad-regex',
  },
  'collector-regex': {
    stage: 'validate',
    severity: 'error',
    module: 'codegen/validate/policy.ts',
    brief:
      "A redaction value pattern uses JavaScript syntax the collector's RE2 refuses or reads otherwise: lookaround past a leading lookbehind, backreferences, \\u escapes, escaped letters RE2 reads otherwise…",
    example: 'collector-regex',
  },
  redos: {
    stage: 'validate',
    severity: 'error',
    module: 'codegen/validate/policy.ts',
    brief: 'A redaction value pattern can backtrack super-linearly, stalling a service on long input.',
    example: 'redos',
  },
  dashboard: {
    stage: 'emit',
    severity: 'error',
    module: 'codegen/emit/dashboards.ts',
    brief: 'A dashboard does not evaluate against the generated registry.libsonnet.',
    example: 'dashboard',
  },
  'deprecated-ref': {
    stage: 'validate',
    severity: 'warning',
    module: SIGNALS,
    brief: 'A signal uses a deprecated attribute.',
    example: 'deprecated-ref',
  },
  'slo-burn-tier': {
    stage: 'validate',
    severity: 'warning',
    module: PROMETHEUS,
    brief: 'A burn-rate tier could never fire at this objective; it is left out.',
    example: 'slo-burn-tier',
  },
} as const satisfies Record<string, RuleInfo>;

/** A validation rule id. */
export type SpecRule = keyof typeof RULES;

/** The modules that raise rules of a stage. */
export type ModuleOf<S extends Stage> = {
  [K in SpecRule]: (typeof RULES)[K]['stage'] extends S ? (typeof RULES)[K]['module'] : never;
}[SpecRule];

/** The rules a module raises. */
export type RuleOf<M extends string> = { [K in SpecRule]: (typeof RULES)[K]['module'] extends M ? K : never }[SpecRule];

/** Every validation rule with its severity: errors stop generation, warnings are printed. */
export const SPEC_RULES = Object.fromEntries(Object.entries(RULES).map(([id, r]) => [id, r.severity])) as {
  readonly [K in SpecRule]: (typeof RULES)[K]['severity'];
};

/** Not a spec problem: a bug in ampyobs met while processing a spec, reported once instead of a stack trace. */
export const INTERNAL_RULE = 'internal';

/** Any rule a diagnostic can name. */
export type RuleId = SpecRule | typeof INTERNAL_RULE;
