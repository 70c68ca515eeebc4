// Shapes of spec fragments as written in YAML; spec.schema.json is the authority, these mirror it.
import type { InstrumentationName } from '../conventions/index.js';
import type { AlertKindName } from './prometheus/kinds/index.js';

export type Stability = 'stable' | 'release_candidate' | 'beta' | 'alpha' | 'development';
export type Requirement = 'required' | 'conditionally_required' | 'recommended' | 'opt_in';
export type AttributeType = 'string' | 'int' | 'double' | 'bool' | 'enum' | 'decimal' | 'timestamp';
export type Instrument = 'counter' | 'updowncounter' | 'gauge' | 'histogram';
export type SpanKind = 'internal' | 'server' | 'client' | 'producer' | 'consumer';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';
export type Severity = 'critical' | 'warning' | 'info';
/** An alert kind: one module each in prometheus/kinds/, listed in prometheus/kinds/index.ts. */
export type AlertKind = AlertKindName;
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export interface RawDeprecated {
  renamed_to?: string;
  note: string;
  /** End of the transition (YYYY-MM-DD, exclusive, UTC); a renamed metric needs it. */
  until?: string;
}
export interface RawAttributeRef {
  ref: string;
  as?: string;
  requirement?: Requirement;
  condition?: string;
  brief?: string;
}
export interface RawEnumMember {
  value: string;
  brief: string;
  stability?: Stability;
  deprecated?: RawDeprecated;
}
export interface RawAttribute {
  id: string;
  type: AttributeType;
  brief: string;
  note?: string;
  stability?: Stability;
  unit?: string;
  examples?: unknown[];
  members?: RawEnumMember[];
  max_cardinality?: number;
  high_cardinality?: boolean;
  pii?: boolean;
  secret?: boolean;
  fingerprint?: boolean;
  deprecated?: RawDeprecated;
}
export interface RawBucketSet {
  id: string;
  unit: string;
  brief: string;
  boundaries: number[];
}
export interface RawResourceAttribute {
  ref: string;
  requirement?: Requirement;
  env?: string;
  default?: string | null;
  metric_label?: string;
  aliases?: Record<string, string>;
}
export interface RawContextEntry {
  ref: string;
  source: 'trace' | 'scope';
  on_spans?: boolean;
  brief?: string;
}
export interface RawLogBaseField {
  field: string;
  from: 'time' | 'level' | 'message' | 'event' | 'resource' | 'context';
  ref?: string;
  always?: boolean;
  brief?: string;
}
export interface RawBus {
  log_object: string;
  headers: { ref: string; header: string; requirement?: Requirement; in_log_object?: boolean }[];
}
export interface RawMetric {
  name: string;
  instrument: Instrument;
  unit: string;
  brief: string;
  note?: string;
  stability?: Stability;
  labels?: RawAttributeRef[];
  buckets?: string;
  max_series?: number;
  deprecated?: RawDeprecated;
  recorded_by?: InstrumentationName[];
}
export interface RawSpan {
  name: string;
  kind: SpanKind;
  brief: string;
  note?: string;
  stability?: Stability;
  attributes?: RawAttributeRef[];
  links?: { brief: string };
  always_sample?: boolean;
  always_sample_when?: Record<string, string[]>;
  deprecated?: RawDeprecated;
}
export interface RawEvent {
  name: string;
  level: LogLevel;
  brief: string;
  note?: string;
  stability?: Stability;
  fields?: RawAttributeRef[];
  deprecated?: RawDeprecated;
}
export interface RawSchedule {
  id: string;
  brief: string;
  days: Weekday[];
  start: string;
  end: string;
}
export type RawMatchers = Record<string, (string | boolean)[]>;
export interface RawSelector {
  metric: string;
  matchers?: RawMatchers;
}
export interface RawAlert {
  name: string;
  kind: AlertKind;
  metric: string;
  matchers?: RawMatchers;
  total?: RawSelector;
  by?: string[];
  quantile?: number;
  op?: '>' | '>=' | '<' | '<=' | '==';
  threshold?: number;
  factor?: number;
  baseline_window?: string;
  window?: string;
  for?: string;
  during?: string;
  severity: Severity;
  summary: string;
  description: string;
  runbook: string;
  labels?: Record<string, string>;
}
export interface RawSlo {
  name: string;
  brief: string;
  objective: number;
  period: string;
  by?: string[];
  runbook: string;
  sli: {
    kind: 'latency' | 'ratio';
    metric?: string;
    matchers?: RawMatchers;
    threshold?: number;
    good?: RawSelector;
    bad?: RawSelector;
    total?: RawSelector;
  };
}
export interface RawSampling {
  sampler: 'parent' | 'traceidratio' | 'always_on' | 'always_off';
  ratio: number;
  per_env?: Record<string, number>;
  tail?: { latency_threshold_ms: number; keep_errors: boolean; base_percentage: number; decision_wait: string };
}
export interface RawRedaction {
  replacement: string;
  key_patterns: string[];
  value_patterns: { id: string; regex: string; brief: string }[];
}
export interface RawFragment {
  registry?: { name: string; version: string; brief?: string };
  imports?: string[];
  codegen?: { runtime_import?: string; dashboards?: string };
  limits?: { max_series_per_metric?: number };
  attributes?: RawAttribute[];
  bucket_sets?: RawBucketSet[];
  resource?: RawResourceAttribute[];
  context?: RawContextEntry[];
  log_base?: RawLogBaseField[];
  bus?: RawBus;
  metrics?: RawMetric[];
  spans?: RawSpan[];
  events?: RawEvent[];
  schedules?: RawSchedule[];
  alerts?: RawAlert[];
  slos?: RawSlo[];
  sampling?: RawSampling;
  redaction?: RawRedaction;
}

/** Sections that hold lists of entities, merged across files and imports. */
export const LIST_SECTIONS = [
  'attributes',
  'bucket_sets',
  'resource',
  'context',
  'metrics',
  'spans',
  'events',
  'schedules',
  'alerts',
  'slos',
] as const;
/** Sections defined once per spec; a spec's own definition replaces an imported one. */
export const SINGLETON_SECTIONS = ['log_base', 'bus', 'sampling', 'redaction'] as const;
/** Keys only the manifest (ampyobs.yaml) may hold. */
export const MANIFEST_SECTIONS = ['registry', 'imports', 'codegen', 'limits'] as const;
