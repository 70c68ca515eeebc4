// The OTLP log record of a line, built here rather than through the OpenTelemetry SDK's Logger: the helpers
// have already sanitised every attribute, and the SDK's per-record validation, copying and processor
// fan-out cost more than the record itself (README "Performance").
import { isSpanContextValid, type SpanContext } from '@opentelemetry/api';
import type { AnyValue, SeverityNumber } from '@opentelemetry/api-logs';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { ADHOC_SCOPE, SCOPE } from '../conventions/index.js';
import { hrTimeOf } from './time.js';

type Scope = ReadableLogRecord['instrumentationScope'];
type Writable<T> = { -readonly [K in keyof T]: T[K] };

// One object per scope: the exporter groups records by the scope's identity.
const SCOPES: Readonly<Record<'events' | 'adhoc', Scope>> = {
  events: { name: SCOPE.name },
  adhoc: { name: ADHOC_SCOPE },
};

/** A record's severity: OpenTelemetry's number and its text. */
export interface Severity {
  readonly number: SeverityNumber;
  readonly text: string;
}

/** Attributes a record keeps at most, the OpenTelemetry SDK's default; the rest are dropped and counted on the record. */
export const MAX_RECORD_ATTRIBUTES = 128;

/** Where log records go while log export is on: the export queue, and the resource every record carries. */
export interface LogRecordTarget {
  readonly resource: Resource;
  /** Takes one record; never throws (a full queue drops and counts it). */
  push(record: ReadableLogRecord): void;
}

let target: LogRecordTarget | undefined;

/** Sends log records to `t` from now on, or stops building them (undefined). init and shutdown call it. */
export function setLogRecordTarget(t: LogRecordTarget | undefined): void {
  target = t;
}

/** Whether log records are being exported: when not, the helpers build none. */
export function exportingRecords(): boolean {
  return target !== undefined;
}

/** The first MAX_RECORD_ATTRIBUTES attributes, and how many others were dropped. */
function bounded(a: Record<string, AnyValue>): { kept: Record<string, AnyValue>; dropped: number } {
  let n = 0;
  for (const _ in a) n++;
  if (n <= MAX_RECORD_ATTRIBUTES) return { kept: a, dropped: 0 };
  const kept: Record<string, AnyValue> = {};
  let i = 0;
  for (const k in a) {
    if (i++ === MAX_RECORD_ATTRIBUTES) break;
    kept[k] = a[k];
  }
  return { kept, dropped: n - MAX_RECORD_ATTRIBUTES };
}

/**
 * Queues the OTLP record of one line. `t` is the line's own timestamp (ms since the epoch), so the record
 * and the line carry the same instant.
 */
export function emitRecord(
  scope: 'events' | 'adhoc',
  t: number,
  severity: Severity,
  body: string,
  eventName: string | undefined,
  attributes: Record<string, AnyValue>,
  sc: SpanContext | undefined,
): void {
  if (!target) return;
  const { kept, dropped } = bounded(attributes);
  const hrTime = hrTimeOf(t);
  const r: Writable<ReadableLogRecord> = {
    hrTime,
    hrTimeObserved: hrTime,
    severityNumber: severity.number,
    severityText: severity.text,
    body,
    resource: target.resource,
    instrumentationScope: SCOPES[scope],
    attributes: kept,
    droppedAttributesCount: dropped,
  };
  if (sc && isSpanContextValid(sc)) r.spanContext = sc;
  if (eventName !== undefined) r.eventName = eventName;
  target.push(r);
}
