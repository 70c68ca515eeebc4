// The resolved model: references followed, defaults applied, ready for emitters.
import type { InstrumentationName } from '../conventions/index.js';
import type { SourceRef } from './load.js';
import type {
  AlertKind,
  AttributeType,
  Instrument,
  LogLevel,
  RawDeprecated,
  Requirement,
  Severity,
  SpanKind,
  Stability,
  Weekday,
} from './spec-types.js';

export interface EnumMember {
  readonly value: string;
  readonly brief: string;
  readonly stability: Stability;
  readonly deprecated?: RawDeprecated;
}

export interface Attribute {
  readonly id: string;
  readonly type: AttributeType;
  readonly brief: string;
  readonly note?: string;
  readonly stability: Stability;
  readonly unit?: string;
  readonly examples: readonly unknown[];
  readonly members: readonly EnumMember[];
  readonly maxCardinality?: number;
  readonly highCardinality: boolean;
  readonly pii: boolean;
  readonly secret: boolean;
  readonly fingerprint: boolean;
  readonly deprecated?: RawDeprecated;
  readonly src: SourceRef;
}

/** An attribute as used by one signal: its wire name there and how much it is required. */
export interface AttributeUse {
  readonly attr: Attribute;
  readonly name: string;
  readonly requirement: Requirement;
  readonly condition?: string;
  readonly brief: string;
  readonly src: SourceRef;
}

export interface BucketSet {
  readonly id: string;
  readonly unit: string;
  readonly brief: string;
  readonly boundaries: readonly number[];
  readonly src: SourceRef;
}

export interface Metric {
  readonly name: string;
  /** Second segment of ampy.<subsystem>.<name> (the first of a name recorded by instrumentation: http, db). */
  readonly subsystem: string;
  /** The rest of the name after the subsystem, in snake_case. */
  readonly short: string;
  readonly instrument: Instrument;
  readonly unit: string;
  readonly brief: string;
  readonly note?: string;
  readonly stability: Stability;
  readonly labels: readonly AttributeUse[];
  readonly buckets?: BucketSet;
  readonly maxSeries: number;
  /** Static series estimate: product of label sizes, times bucket series for histograms. */
  readonly seriesEstimate: number;
  /** Base name the Prometheus exporter exposes (counters with _total; histograms add _bucket/_sum/_count). */
  readonly promName: string;
  readonly deprecated?: RawDeprecated;
  /**
   * The auto-instrumentations that record it: its name, unit and labels follow OpenTelemetry's semantic
   * conventions, no helper is generated, and on OTLP each label keeps its attribute id as its key.
   */
  readonly recordedBy?: readonly InstrumentationName[];
  readonly src: SourceRef;
}

/**
 * A metric renamed with `deprecated.renamed_to`: its helper records under the new name, and recording
 * rules keep the old series until the transition ends.
 */
export interface RenamedMetric {
  /** The old definition, as the spec still holds it. */
  readonly from: Metric;
  readonly to: Metric;
  /** End of the transition, YYYY-MM-DD (exclusive, UTC); validation requires it. */
  readonly until?: string;
  readonly note: string;
}

export interface Span {
  readonly name: string;
  readonly kind: SpanKind;
  readonly brief: string;
  readonly note?: string;
  readonly stability: Stability;
  readonly attributes: readonly AttributeUse[];
  readonly links?: { readonly brief: string };
  readonly alwaysSample: boolean;
  readonly alwaysSampleWhen: readonly { readonly name: string; readonly values: readonly string[] }[];
  readonly deprecated?: RawDeprecated;
  readonly src: SourceRef;
}

export interface LogEvent {
  readonly name: string;
  readonly level: LogLevel;
  readonly brief: string;
  readonly note?: string;
  readonly stability: Stability;
  readonly fields: readonly AttributeUse[];
  readonly deprecated?: RawDeprecated;
  readonly src: SourceRef;
}

export interface ResourceAttribute {
  readonly attr: Attribute;
  readonly requirement: Requirement;
  readonly env?: string;
  readonly default?: string | null;
  readonly metricLabel?: string;
  /** Other names a value may be given by at init, each mapped to a member of the enum. */
  readonly aliases?: Readonly<Record<string, string>>;
  readonly src: SourceRef;
}

export interface ContextEntry {
  readonly attr: Attribute;
  readonly source: 'trace' | 'scope';
  readonly onSpans: boolean;
  readonly brief: string;
  readonly src: SourceRef;
}

export interface LogBaseField {
  readonly field: string;
  readonly from: 'time' | 'level' | 'message' | 'event' | 'resource' | 'context';
  readonly attr?: Attribute;
  readonly always: boolean;
  readonly brief: string;
}

export interface BusHeader {
  readonly attr: Attribute;
  readonly header: string;
  readonly requirement: Requirement;
  readonly inLogObject: boolean;
}

export interface Bus {
  readonly logObject: string;
  readonly headers: readonly BusHeader[];
  readonly src: SourceRef;
}

export interface Schedule {
  readonly id: string;
  readonly brief: string;
  readonly days: readonly Weekday[];
  readonly start: string;
  readonly end: string;
  readonly src: SourceRef;
}

export interface Matcher {
  readonly label: string;
  readonly values: readonly string[];
}

export interface Selector {
  readonly metric: Metric;
  readonly matchers: readonly Matcher[];
}

export interface Alert {
  readonly name: string;
  readonly kind: AlertKind;
  readonly metric: Metric;
  readonly matchers: readonly Matcher[];
  readonly total?: Selector;
  readonly by: readonly string[];
  readonly quantile?: number;
  readonly op: '>' | '>=' | '<' | '<=' | '==';
  readonly threshold?: number;
  readonly factor?: number;
  readonly baselineWindow?: string;
  readonly window?: string;
  readonly for: string;
  readonly during?: Schedule;
  readonly severity: Severity;
  readonly summary: string;
  readonly description: string;
  readonly runbook: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly src: SourceRef;
}

export type Sli =
  | {
      readonly kind: 'latency';
      readonly metric: Metric;
      readonly matchers: readonly Matcher[];
      readonly threshold: number;
    }
  | { readonly kind: 'ratio'; readonly good?: Selector; readonly bad?: Selector; readonly total: Selector };

export interface Slo {
  readonly name: string;
  readonly brief: string;
  readonly objective: number;
  readonly period: string;
  readonly by: readonly string[];
  readonly runbook: string;
  readonly sli: Sli;
  readonly src: SourceRef;
}

export interface Sampling {
  readonly sampler: 'parent' | 'traceidratio' | 'always_on' | 'always_off';
  readonly ratio: number;
  readonly perEnv: Readonly<Record<string, number>>;
  readonly tail?: {
    readonly latencyThresholdMs: number;
    readonly keepErrors: boolean;
    readonly basePercentage: number;
    readonly decisionWait: string;
  };
}

export interface Redaction {
  readonly replacement: string;
  readonly keyPatterns: readonly string[];
  readonly valuePatterns: readonly { readonly id: string; readonly regex: string; readonly brief: string }[];
}

export interface Model {
  readonly registry: { readonly name: string; readonly version: string; readonly brief: string };
  readonly runtimeImport: string;
  /** The jsonnet dashboards to evaluate (absolute directory), when the manifest names them. */
  readonly dashboards?: { readonly dir: string; readonly src: SourceRef };
  readonly maxSeriesPerMetric: number;
  readonly attributes: readonly Attribute[];
  readonly bucketSets: readonly BucketSet[];
  readonly resource: readonly ResourceAttribute[];
  readonly context: readonly ContextEntry[];
  readonly logBase: readonly LogBaseField[];
  readonly bus?: Bus;
  /** Metrics emitted under their own name (renamed ones are in renamedMetrics). */
  readonly metrics: readonly Metric[];
  readonly renamedMetrics: readonly RenamedMetric[];
  readonly spans: readonly Span[];
  readonly events: readonly LogEvent[];
  readonly schedules: readonly Schedule[];
  readonly alerts: readonly Alert[];
  readonly slos: readonly Slo[];
  readonly sampling?: Sampling;
  readonly redaction?: Redaction;
}
