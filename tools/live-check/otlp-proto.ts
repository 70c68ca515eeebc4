// The OpenTelemetry protocol (opentelemetry-proto v1) as far as ampyobs reads it: the export requests
// of traces, metrics and logs. Field numbers are the OTLP specification's; protobufjs skips the fields
// this subset leaves out. No npm package ships the .proto files (@opentelemetry/otlp-transformer only
// encodes), so the subset is kept here, as text protobufjs parses at run time.
import protobuf from 'protobufjs';

export const OTLP_PROTO = `
syntax = "proto3";
package otlp;

message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; }
message Resource { repeated KeyValue attributes = 1; }

message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  string trace_state = 3;
  bytes parent_span_id = 4;
  string name = 5;
  int32 kind = 6;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9;
  repeated Event events = 11;
  repeated Link links = 13;
  Status status = 15;
  message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; }
  message Link { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4; }
}
message Status { string message = 2; int32 code = 3; }

message ExportLogsServiceRequest { repeated ResourceLogs resource_logs = 1; }
message ResourceLogs { Resource resource = 1; repeated ScopeLogs scope_logs = 2; }
message ScopeLogs { InstrumentationScope scope = 1; repeated LogRecord log_records = 2; }
message LogRecord {
  fixed64 time_unix_nano = 1;
  int32 severity_number = 2;
  string severity_text = 3;
  AnyValue body = 5;
  repeated KeyValue attributes = 6;
  uint32 dropped_attributes_count = 7;
  fixed32 flags = 8;
  bytes trace_id = 9;
  bytes span_id = 10;
  fixed64 observed_time_unix_nano = 11;
  string event_name = 12;
}

message ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; }
message ResourceMetrics { Resource resource = 1; repeated ScopeMetrics scope_metrics = 2; }
message ScopeMetrics { InstrumentationScope scope = 1; repeated Metric metrics = 2; }
message Metric {
  string name = 1;
  string description = 2;
  string unit = 3;
  Gauge gauge = 5;
  Sum sum = 7;
  Histogram histogram = 9;
  ExponentialHistogram exponential_histogram = 10;
  Summary summary = 11;
}
message ExponentialHistogram { repeated ExponentialHistogramDataPoint data_points = 1; int32 aggregation_temporality = 2; }
message ExponentialHistogramDataPoint { repeated KeyValue attributes = 1; fixed64 count = 4; double sum = 5; }
message Summary { repeated SummaryDataPoint data_points = 1; }
message SummaryDataPoint { fixed64 count = 4; double sum = 5; repeated KeyValue attributes = 7; }
message Gauge { repeated NumberDataPoint data_points = 1; }
message Sum { repeated NumberDataPoint data_points = 1; int32 aggregation_temporality = 2; bool is_monotonic = 3; }
message Histogram { repeated HistogramDataPoint data_points = 1; int32 aggregation_temporality = 2; }
message NumberDataPoint {
  repeated KeyValue attributes = 7;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  double as_double = 4;
  sfixed64 as_int = 6;
  repeated Exemplar exemplars = 5;
}
message Exemplar {
  repeated KeyValue filtered_attributes = 7;
  fixed64 time_unix_nano = 2;
  double as_double = 3;
  sfixed64 as_int = 6;
  bytes span_id = 4;
  bytes trace_id = 5;
}
message HistogramDataPoint {
  repeated KeyValue attributes = 9;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  fixed64 count = 4;
  double sum = 5;
  repeated fixed64 bucket_counts = 6;
  repeated double explicit_bounds = 7;
  repeated Exemplar exemplars = 8;
  double min = 11;
  double max = 12;
}
`;

/** A signal's export request: ExportTraceServiceRequest, ExportMetricsServiceRequest, ExportLogsServiceRequest. */
export type OtlpSignal = 'traces' | 'metrics' | 'logs';

const MESSAGE: Readonly<Record<OtlpSignal, string>> = {
  traces: 'otlp.ExportTraceServiceRequest',
  metrics: 'otlp.ExportMetricsServiceRequest',
  logs: 'otlp.ExportLogsServiceRequest',
};

let types: Record<OtlpSignal, protobuf.Type> | undefined;

/**
 * Decodes a protobuf export request into the shape of OTLP/JSON (camelCase keys, AnyValue as
 * `{stringValue}`, 64-bit integers as numbers, ids in base64): the same shape the JSON encoding and the
 * telemetry files carry. Throws on bytes that are not such a request.
 */
export function decodeOtlp(signal: OtlpSignal, body: Uint8Array): unknown {
  types ??= (() => {
    const root = protobuf.parse(OTLP_PROTO, { keepCase: false }).root;
    return {
      traces: root.lookupType(MESSAGE.traces),
      metrics: root.lookupType(MESSAGE.metrics),
      logs: root.lookupType(MESSAGE.logs),
    };
  })();
  const t = types[signal];
  return t.toObject(t.decode(body), { longs: Number, bytes: String, defaults: false, oneofs: false });
}
