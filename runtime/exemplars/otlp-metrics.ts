// An OTLP ExportMetricsServiceRequest encoder that carries exemplars. @opentelemetry/otlp-transformer's
// protobuf serializer never writes the exemplar fields (the SDK has none), and its output cannot be
// patched (a field inside a data point changes every enclosing length), so the request is written here
// on protobufjs' Writer, field for field in upstream's order: without exemplars the bytes are the same.
// Field numbers: opentelemetry-proto metrics.proto, common.proto, resource.proto.
import { ValueType, type Attributes, type AttributeValue, type HrTime } from '@opentelemetry/api';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import type { Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type DataPoint,
  type ExponentialHistogram,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import protobuf from 'protobufjs/minimal.js';
import { exemplarsOf, type PointExemplar } from './exemplar.js';

type Writer = protobuf.Writer;
const VARINT = 0;
const I64 = 1;
const LEN = 2;

const tag = (w: Writer, field: number, wire: number): Writer => w.uint32((field << 3) | wire);

/** Unsigned 64-bit {lo, hi} of a non-negative integer, as protobufjs takes fixed64. */
function u64(n: number): { low: number; high: number; unsigned: boolean } {
  return { low: n >>> 0, high: (n / 0x100000000) >>> 0, unsigned: true };
}

/** HrTime as nanoseconds since the epoch (fixed64), without the precision a double loses past 2^53. */
function nanos(t: HrTime): { low: number; high: number; unsigned: boolean } {
  const ns = BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
  return { low: Number(ns & 0xffffffffn), high: Number(ns >> 32n), unsigned: true };
}

function msNanos(ms: number): { low: number; high: number; unsigned: boolean } {
  const whole = Math.floor(ms);
  return nanos([Math.floor(whole / 1000), (whole % 1000) * 1e6 + Math.round((ms - whole) * 1e6)]);
}

const MIN_INT64 = -(2 ** 63);
const MAX_INT64 = 2 ** 63;

function anyValue(w: Writer, v: unknown): void {
  if (typeof v === 'string') tag(w, 1, LEN).string(v);
  else if (typeof v === 'boolean') tag(w, 2, VARINT).uint32(v ? 1 : 0);
  else if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= MIN_INT64 && v < MAX_INT64) tag(w, 3, VARINT).int64(v);
    else tag(w, 4, I64).double(v);
  } else if (v instanceof Uint8Array) tag(w, 7, LEN).bytes(v);
  else if (Array.isArray(v)) {
    tag(w, 5, LEN).fork();
    for (const item of v) {
      tag(w, 1, LEN).fork();
      anyValue(w, item);
      w.ldelim();
    }
    w.ldelim();
  } else if (typeof v === 'object' && v !== null) {
    tag(w, 6, LEN).fork();
    for (const k in v)
      if (Object.prototype.hasOwnProperty.call(v, k)) {
        tag(w, 1, LEN).fork();
        keyValue(w, k, (v as Record<string, unknown>)[k]);
        w.ldelim();
      }
    w.ldelim();
  }
}

function keyValue(w: Writer, key: string, value: unknown): void {
  tag(w, 1, LEN).string(key);
  tag(w, 2, LEN).fork();
  anyValue(w, value);
  w.ldelim();
}

function attributes(w: Writer, attrs: Attributes | undefined, field: number): void {
  if (!attrs) return;
  for (const key in attrs)
    if (Object.prototype.hasOwnProperty.call(attrs, key)) {
      tag(w, field, LEN).fork();
      keyValue(w, key, attrs[key] as AttributeValue | undefined);
      w.ldelim();
    }
}

const hexBytes = (hex: string): Uint8Array => Buffer.from(hex, 'hex');

/** Exemplar: filtered_attributes 7, time_unix_nano 2, as_double 3, span_id 4, trace_id 5. */
function exemplars(w: Writer, list: readonly PointExemplar[], field: number): void {
  for (const e of list) {
    tag(w, field, LEN).fork();
    tag(w, 2, I64).fixed64(msNanos(e.timeMs));
    tag(w, 3, I64).double(e.value);
    tag(w, 4, LEN).bytes(hexBytes(e.spanId));
    tag(w, 5, LEN).bytes(hexBytes(e.traceId));
    w.ldelim();
  }
}

/** NumberDataPoint: start 2, time 3, as_double 4 or as_int 6, attributes 7, exemplars 5. */
function numberPoint(w: Writer, dp: DataPoint<number>, valueType: ValueType): void {
  tag(w, 2, I64).fixed64(nanos(dp.startTime));
  tag(w, 3, I64).fixed64(nanos(dp.endTime));
  if (valueType === ValueType.INT) tag(w, 6, I64).sfixed64(dp.value);
  else tag(w, 4, I64).double(dp.value);
  attributes(w, dp.attributes, 7);
  exemplars(w, exemplarsOf(dp), 5);
}

/** HistogramDataPoint: start 2, time 3, count 4, sum 5, bucket_counts 6, explicit_bounds 7, attributes 9, min 11, max 12, exemplars 8. */
function histogramPoint(w: Writer, dp: DataPoint<Histogram>): void {
  const h = dp.value;
  tag(w, 2, I64).fixed64(nanos(dp.startTime));
  tag(w, 3, I64).fixed64(nanos(dp.endTime));
  tag(w, 4, I64).fixed64(u64(h.count));
  if (h.sum !== undefined) tag(w, 5, I64).double(h.sum);
  if (h.buckets.counts.length > 0) {
    tag(w, 6, LEN).fork();
    for (const c of h.buckets.counts) w.fixed64(u64(c));
    w.ldelim();
  }
  if (h.buckets.boundaries.length > 0) {
    tag(w, 7, LEN).fork();
    for (const b of h.buckets.boundaries) w.double(b);
    w.ldelim();
  }
  attributes(w, dp.attributes, 9);
  if (h.min !== undefined) tag(w, 11, I64).double(h.min);
  if (h.max !== undefined) tag(w, 12, I64).double(h.max);
  exemplars(w, exemplarsOf(dp), 8);
}

function exponentialBuckets(w: Writer, offset: number, counts: readonly number[]): void {
  w.fork();
  if (offset !== 0) tag(w, 1, VARINT).sint32(offset);
  if (counts.length > 0) {
    tag(w, 2, LEN).fork();
    for (const c of counts) w.uint64(c);
    w.ldelim();
  }
  w.ldelim();
}

/** ExponentialHistogramDataPoint (no exemplars on the fast path; written as upstream does). */
function exponentialPoint(w: Writer, dp: DataPoint<ExponentialHistogram>): void {
  const h = dp.value;
  attributes(w, dp.attributes, 1);
  tag(w, 2, I64).fixed64(nanos(dp.startTime));
  tag(w, 3, I64).fixed64(nanos(dp.endTime));
  tag(w, 4, I64).fixed64(u64(h.count));
  if (h.sum !== undefined) tag(w, 5, I64).double(h.sum);
  if (h.scale !== 0) tag(w, 6, VARINT).sint32(h.scale);
  tag(w, 7, I64).fixed64(u64(h.zeroCount));
  tag(w, 8, LEN);
  exponentialBuckets(w, h.positive.offset, h.positive.bucketCounts);
  tag(w, 9, LEN);
  exponentialBuckets(w, h.negative.offset, h.negative.bucketCounts);
  if (h.min !== undefined) tag(w, 12, I64).double(h.min);
  if (h.max !== undefined) tag(w, 13, I64).double(h.max);
}

function temporality(t: AggregationTemporality): number {
  return t === AggregationTemporality.DELTA ? 1 : t === AggregationTemporality.CUMULATIVE ? 2 : 0;
}

/** The points of a Gauge (5), Sum (7), Histogram (9) or ExponentialHistogram (10), each in field 1. */
function points<T>(w: Writer, dps: readonly DataPoint<T>[], write: (w: Writer, dp: DataPoint<T>) => void): void {
  for (const dp of dps) {
    tag(w, 1, LEN).fork();
    write(w, dp);
    w.ldelim();
  }
}

function metric(w: Writer, m: MetricData): void {
  tag(w, 1, LEN).string(m.descriptor.name);
  if (m.descriptor.description) tag(w, 2, LEN).string(m.descriptor.description);
  if (m.descriptor.unit) tag(w, 3, LEN).string(m.descriptor.unit);
  const vt = m.descriptor.valueType;
  switch (m.dataPointType) {
    case DataPointType.GAUGE:
      tag(w, 5, LEN).fork();
      points(w, m.dataPoints, (x, dp) => numberPoint(x, dp, vt));
      w.ldelim();
      break;
    case DataPointType.SUM: {
      tag(w, 7, LEN).fork();
      points(w, m.dataPoints, (x, dp) => numberPoint(x, dp, vt));
      const t = temporality(m.aggregationTemporality);
      if (t !== 0) tag(w, 2, VARINT).uint32(t);
      if (m.isMonotonic) tag(w, 3, VARINT).uint32(1);
      w.ldelim();
      break;
    }
    case DataPointType.HISTOGRAM: {
      tag(w, 9, LEN).fork();
      points(w, m.dataPoints, histogramPoint);
      const t = temporality(m.aggregationTemporality);
      if (t !== 0) tag(w, 2, VARINT).uint32(t);
      w.ldelim();
      break;
    }
    case DataPointType.EXPONENTIAL_HISTOGRAM: {
      tag(w, 10, LEN).fork();
      points(w, m.dataPoints, exponentialPoint);
      const t = temporality(m.aggregationTemporality);
      if (t !== 0) tag(w, 2, VARINT).uint32(t);
      w.ldelim();
      break;
    }
  }
}

function scopeMetrics(w: Writer, sm: ScopeMetrics): void {
  const scope = sm.scope as ScopeMetrics['scope'] & { attributes?: Attributes; droppedAttributesCount?: number };
  tag(w, 1, LEN).fork();
  tag(w, 1, LEN).string(scope.name);
  if (scope.version) tag(w, 2, LEN).string(scope.version);
  attributes(w, scope.attributes, 3);
  if (scope.droppedAttributesCount) tag(w, 4, VARINT).uint32(scope.droppedAttributesCount);
  w.ldelim();
  for (const m of sm.metrics) {
    tag(w, 2, LEN).fork();
    metric(w, m);
    w.ldelim();
  }
  if (scope.schemaUrl) tag(w, 3, LEN).string(scope.schemaUrl);
}

function resource(w: Writer, r: Resource): void {
  tag(w, 1, LEN).fork();
  attributes(w, r.attributes, 1);
  tag(w, 2, VARINT).uint32(0);
  w.ldelim();
}

/** The protobuf ExportMetricsServiceRequest of a collection, exemplars included. */
export function encodeMetricsRequest(rm: ResourceMetrics): Uint8Array {
  const w = protobuf.Writer.create();
  tag(w, 1, LEN).fork();
  resource(w, rm.resource);
  for (const sm of rm.scopeMetrics) {
    tag(w, 2, LEN).fork();
    scopeMetrics(w, sm);
    w.ldelim();
  }
  if (rm.resource.schemaUrl) tag(w, 3, LEN).string(rm.resource.schemaUrl);
  w.ldelim();
  return w.finish();
}

/** The serializer the OTLP export delegates take: our request encoder, upstream's response decoder. */
export const ExemplarMetricsSerializer = {
  serializeRequest: (rm: ResourceMetrics): Uint8Array => encodeMetricsRequest(rm),
  deserializeResponse: (data: Uint8Array): ReturnType<typeof ProtobufMetricsSerializer.deserializeResponse> =>
    ProtobufMetricsSerializer.deserializeResponse(data),
};
