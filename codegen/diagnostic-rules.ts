// The rules a spec diagnostic can name. The README's validation-rule list and the bad-spec catalogue
// (test/fixtures/bad-specs/, one case or more per rule) are checked against this list by
// test/codegen/bad-specs.test.ts.

/** Every validation rule with its severity: errors stop generation, warnings are printed. */
export const SPEC_RULES = {
  'yaml-syntax': 'error',
  'spec-file': 'error',
  'invalid-text': 'error',
  schema: 'error',
  manifest: 'error',
  'manifest-only': 'error',
  'manifest-missing': 'error',
  'import-not-found': 'error',
  'import-cycle': 'error',
  'duplicate-section': 'error',
  'unique-id': 'error',
  'unresolved-ref': 'error',
  'duplicate-name': 'error',
  'generated-name': 'error',
  'wire-name': 'error',
  'name-length': 'error',
  'label-reserved': 'error',
  'log-base': 'error',
  'attribute-flags': 'error',
  'deprecated-target': 'error',
  'base-unit': 'error',
  'metric-name': 'error',
  'counter-suffix': 'error',
  'unit-suffix': 'error',
  'histogram-buckets': 'error',
  'bucket-order': 'error',
  'bucket-sign': 'error',
  'bucket-unit': 'error',
  'metric-label-high-cardinality': 'error',
  'metric-label-sensitive': 'error',
  'metric-label-unbounded': 'error',
  'cardinality-budget': 'error',
  'span-name': 'error',
  'event-name': 'error',
  'pii-forbidden': 'error',
  requirement: 'error',
  'always-sample-when': 'error',
  'field-shadows-base': 'error',
  'resource-default': 'error',
  'context-source': 'error',
  'alert-name': 'error',
  'alert-summary': 'error',
  'alert-runbook': 'error',
  'alert-kind': 'error',
  'alert-fields': 'error',
  'alert-window': 'error',
  'alert-threshold': 'error',
  'alert-template': 'error',
  schedule: 'error',
  'label-unknown': 'error',
  'label-value': 'error',
  'slo-period': 'error',
  'slo-sli': 'error',
  'slo-threshold-bucket': 'error',
  'sampling-env': 'error',
  'bad-regex': 'error',
  redos: 'error',
  dashboard: 'error',
  'deprecated-ref': 'warning',
  'slo-burn-tier': 'warning',
} as const;

/** A validation rule id. */
export type SpecRule = keyof typeof SPEC_RULES;

/** Not a spec problem: a bug in ampyobs met while processing a spec, reported once instead of a stack trace. */
export const INTERNAL_RULE = 'internal';

/** Any rule a diagnostic can name. */
export type RuleId = SpecRule | typeof INTERNAL_RULE;
