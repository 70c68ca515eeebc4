// Value types shared by generated helpers and the runtime.

/** An exact decimal as ampy-proto carries it: value = scaled / 10^scale. Never stringified lossily. */
export interface Decimal {
  readonly scaled: number | bigint;
  readonly scale: number;
}

/** A UTC instant: a Date or an ISO-8601 string. */
export type Timestamp = Date | string;

/** A primitive attribute value as the spec's types allow it. */
export type AttributeValue = string | number | boolean | Decimal | Timestamp;

/** What the runtime needs to know of one attribute of a signal, from the spec. */
export interface FieldDescriptor {
  readonly name: string;
  readonly type: 'string' | 'int' | 'double' | 'bool' | 'enum' | 'decimal' | 'timestamp';
  /** The members of an enum attribute. */
  readonly values?: readonly string[];
  /** Redact (or fingerprint) whatever value arrives. */
  readonly secret?: boolean;
  readonly fingerprint?: boolean;
}

export interface MetricDescriptor {
  /** OpenTelemetry instrument name, e.g. ampy.oms.rejections. */
  readonly name: string;
  readonly instrument: 'counter' | 'updowncounter' | 'gauge' | 'histogram';
  readonly unit: string;
  readonly description: string;
  /** Explicit histogram bucket boundaries from the spec's bucket set. */
  readonly buckets?: readonly number[];
  /**
   * Label names with, for enums, their legal values and, for bounded strings, the declared number of
   * distinct values, and whether the spec requires the label: calls from untyped code are held to these.
   */
  readonly labels: readonly {
    readonly name: string;
    readonly values?: readonly string[];
    readonly maxValues?: number;
    /** Every point carries it: one left out is recorded as the overflow value (absent: the label may be left out). */
    readonly required?: boolean;
  }[];
}

export interface SpanDescriptor {
  readonly name: string;
  readonly kind: 'internal' | 'server' | 'client' | 'producer' | 'consumer';
  /** Safety-critical: kept whatever the sampling ratio. */
  readonly alwaysSample: boolean;
  /** Safety-critical when a start attribute has one of these values; absent when no attribute decides it. */
  readonly alwaysSampleWhen?: readonly { readonly name: string; readonly values: readonly string[] }[];
  readonly attributes: readonly FieldDescriptor[];
}

export interface EventDescriptor {
  /** Value of the log line's `event` field, e.g. order.reject. */
  readonly name: string;
  readonly level: 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  readonly fields: readonly FieldDescriptor[];
  /** Further fields that hold a structured value, written after `fields` (the bus correlation object). */
  readonly objects?: readonly string[];
}
