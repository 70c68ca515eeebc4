// A real OTLP receiver for tests: OTLP/HTTP (protobuf) over http or https (optionally requiring client
// certificates) and OTLP/gRPC. It decodes every request with the protocol's schema and keeps the raw bytes.
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type ServerResponse,
  type Server as HttpServer,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { Server as GrpcServer, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { OTLP_PROTO } from '../../tools/live-check/otlp-proto.js';

// The protocol subset live-check decodes with, read here with the specification's snake_case names.
const root = protobuf.parse(OTLP_PROTO, { keepCase: true }).root;
const TYPES = {
  traces: root.lookupType('otlp.ExportTraceServiceRequest'),
  metrics: root.lookupType('otlp.ExportMetricsServiceRequest'),
  logs: root.lookupType('otlp.ExportLogsServiceRequest'),
} as const;
export type SignalName = keyof typeof TYPES;

export type AttrValue = string | number | boolean | AttrValue[] | { [k: string]: AttrValue } | null;
export type Attrs = Record<string, AttrValue>;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Attrs;
  links: { traceId: string; spanId: string }[];
  events: { name: string; attributes: Attrs }[];
  status: { code: number; message: string };
  resource: Attrs;
  /** Instrumentation scope name. */
  scope: string;
}
export interface ReceivedLog {
  body: AttrValue;
  severityText: string;
  severityNumber: number;
  eventName: string;
  traceId: string;
  spanId: string;
  attributes: Attrs;
  /** Attributes the SDK dropped from the record (over its limit). */
  droppedAttributesCount: number;
  /** Nanoseconds since the epoch, as a JavaScript number: exact to about a quarter of a microsecond. */
  timeUnixNano: number;
  observedTimeUnixNano: number;
  resource: Attrs;
  scope: string;
}
export interface ReceivedPoint {
  metric: string;
  unit: string;
  kind: 'sum' | 'gauge' | 'histogram';
  attributes: Attrs;
  value?: number;
  count?: number;
  sum?: number;
  bounds?: number[];
  buckets?: number[];
  exemplars: ReceivedExemplar[];
  resource: Attrs;
  scope: string;
}
export interface ReceivedExemplar {
  traceId: string;
  spanId: string;
  value: number;
  timeUnixNano: number;
}
export interface RawRequest {
  signal: SignalName;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

type Pb = Record<string, unknown>;
const hex = (b: unknown): string => (b instanceof Uint8Array ? Buffer.from(b).toString('hex') : '');
const num = (v: unknown): number =>
  typeof v === 'number'
    ? v
    : v && typeof (v as { toNumber?: () => number }).toNumber === 'function'
      ? (v as { toNumber: () => number }).toNumber()
      : Number(v ?? 0);

function anyValue(v: Pb | undefined): AttrValue {
  if (!v) return null;
  if ('string_value' in v) return v['string_value'] as string;
  if ('bool_value' in v) return v['bool_value'] as boolean;
  if ('int_value' in v) return num(v['int_value']);
  if ('double_value' in v) return v['double_value'] as number;
  if ('array_value' in v) return (((v['array_value'] as Pb)['values'] as Pb[] | undefined) ?? []).map(anyValue);
  if ('kvlist_value' in v) return attrs((v['kvlist_value'] as Pb)['values'] as Pb[] | undefined);
  if ('bytes_value' in v) return hex(v['bytes_value']);
  return null;
}
function exemplars(list: unknown): ReceivedExemplar[] {
  return ((list as Pb[] | undefined) ?? []).map((e) => ({
    traceId: hex(e['trace_id']),
    spanId: hex(e['span_id']),
    value: 'as_int' in e ? num(e['as_int']) : num(e['as_double']),
    timeUnixNano: num(e['time_unix_nano']),
  }));
}
function attrs(kvs: Pb[] | undefined): Attrs {
  return Object.fromEntries((kvs ?? []).map((kv) => [kv['key'] as string, anyValue(kv['value'] as Pb | undefined)]));
}

/** Decodes one request body of a signal into plain objects (throws on bytes that are not OTLP). */
/** The instrumentation scope name of a scope_spans, scope_metrics or scope_logs block. */
function scopeName(block: Pb): string {
  return ((block['scope'] as Pb | undefined)?.['name'] as string | undefined) ?? '';
}

export function decode(signal: SignalName, body: Uint8Array): Pb {
  return TYPES[signal].toObject(TYPES[signal].decode(body), {
    oneofs: false,
    defaults: false,
    longs: Number,
    bytes: Buffer,
  }) as Pb;
}

export class OtlpReceiver {
  readonly requests: RawRequest[] = [];
  readonly spans: ReceivedSpan[] = [];
  readonly logs: ReceivedLog[] = [];
  readonly points: ReceivedPoint[] = [];
  private server: HttpServer | GrpcServer | undefined;
  /** Status code to answer with (e.g. 503 to simulate an overloaded collector); 200 by default. */
  status = 200;
  port = 0;

  private ingest(signal: SignalName, body: Buffer, headers: RawRequest['headers']): void {
    this.requests.push({ signal, headers, body });
    const msg = decode(signal, body);
    if (signal === 'traces')
      for (const rs of (msg['resource_spans'] as Pb[] | undefined) ?? []) {
        const resource = attrs((rs['resource'] as Pb | undefined)?.['attributes'] as Pb[] | undefined);
        for (const ss of (rs['scope_spans'] as Pb[] | undefined) ?? [])
          for (const s of (ss['spans'] as Pb[] | undefined) ?? [])
            this.spans.push({
              scope: scopeName(ss),
              traceId: hex(s['trace_id']),
              spanId: hex(s['span_id']),
              parentSpanId: hex(s['parent_span_id']),
              name: s['name'] as string,
              kind: num(s['kind']),
              attributes: attrs(s['attributes'] as Pb[] | undefined),
              links: ((s['links'] as Pb[] | undefined) ?? []).map((l) => ({
                traceId: hex(l['trace_id']),
                spanId: hex(l['span_id']),
              })),
              events: ((s['events'] as Pb[] | undefined) ?? []).map((e) => ({
                name: e['name'] as string,
                attributes: attrs(e['attributes'] as Pb[] | undefined),
              })),
              status: {
                code: num((s['status'] as Pb | undefined)?.['code']),
                message: ((s['status'] as Pb | undefined)?.['message'] as string | undefined) ?? '',
              },
              resource,
            });
      }
    if (signal === 'logs')
      for (const rl of (msg['resource_logs'] as Pb[] | undefined) ?? []) {
        const resource = attrs((rl['resource'] as Pb | undefined)?.['attributes'] as Pb[] | undefined);
        for (const sl of (rl['scope_logs'] as Pb[] | undefined) ?? [])
          for (const r of (sl['log_records'] as Pb[] | undefined) ?? [])
            this.logs.push({
              scope: scopeName(sl),
              body: anyValue(r['body'] as Pb | undefined),
              severityText: (r['severity_text'] as string | undefined) ?? '',
              severityNumber: num(r['severity_number']),
              eventName: (r['event_name'] as string | undefined) ?? '',
              traceId: hex(r['trace_id']),
              spanId: hex(r['span_id']),
              attributes: attrs(r['attributes'] as Pb[] | undefined),
              droppedAttributesCount: num(r['dropped_attributes_count']),
              timeUnixNano: num(r['time_unix_nano']),
              observedTimeUnixNano: num(r['observed_time_unix_nano']),
              resource,
            });
      }
    if (signal === 'metrics')
      for (const rm of (msg['resource_metrics'] as Pb[] | undefined) ?? []) {
        const resource = attrs((rm['resource'] as Pb | undefined)?.['attributes'] as Pb[] | undefined);
        for (const sm of (rm['scope_metrics'] as Pb[] | undefined) ?? [])
          for (const m of (sm['metrics'] as Pb[] | undefined) ?? []) {
            const base = {
              metric: m['name'] as string,
              unit: (m['unit'] as string | undefined) ?? '',
              resource,
              scope: scopeName(sm),
            };
            for (const kind of ['sum', 'gauge'] as const)
              for (const dp of ((m[kind] as Pb | undefined)?.['data_points'] as Pb[] | undefined) ?? [])
                this.points.push({
                  ...base,
                  kind,
                  attributes: attrs(dp['attributes'] as Pb[] | undefined),
                  value: 'as_int' in dp ? num(dp['as_int']) : num(dp['as_double']),
                  exemplars: exemplars(dp['exemplars']),
                });
            for (const dp of ((m['histogram'] as Pb | undefined)?.['data_points'] as Pb[] | undefined) ?? [])
              this.points.push({
                ...base,
                kind: 'histogram',
                attributes: attrs(dp['attributes'] as Pb[] | undefined),
                count: num(dp['count']),
                sum: num(dp['sum']),
                bounds: (dp['explicit_bounds'] as number[] | undefined) ?? [],
                buckets: ((dp['bucket_counts'] as unknown[] | undefined) ?? []).map(num),
                exemplars: exemplars(dp['exemplars']),
              });
          }
      }
  }

  /** Every byte received, for checks that a secret never left the process. */
  rawBytes(): Buffer {
    return Buffer.concat(this.requests.map((r) => r.body));
  }

  /** Starts OTLP/HTTP on 127.0.0.1 (https when tls is given; client certificates required when tls.ca is). */
  async startHttp(opts: { port?: number; tls?: { key: Buffer; cert: Buffer; ca?: Buffer } } = {}): Promise<string> {
    const handler = (req: IncomingMessage, res: ServerResponse): void => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const signal = ({ '/v1/traces': 'traces', '/v1/metrics': 'metrics', '/v1/logs': 'logs' } as const)[
          req.url ?? ''
        ];
        if (!signal) {
          res.writeHead(404).end();
          return;
        }
        if (this.status !== 200) {
          res.writeHead(this.status).end();
          return;
        }
        try {
          this.ingest(signal, Buffer.concat(chunks), req.headers);
          res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        } catch {
          res.writeHead(400).end();
        }
      });
    };
    const server = opts.tls
      ? createHttpsServer(
          {
            key: opts.tls.key,
            cert: opts.tls.cert,
            ...(opts.tls.ca && { ca: opts.tls.ca, requestCert: true, rejectUnauthorized: true }),
          },
          handler,
        )
      : createHttpServer(handler);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as { port: number }).port;
    return `${opts.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  /** Starts OTLP/gRPC (plaintext) on 127.0.0.1. */
  async startGrpc(): Promise<string> {
    const server = new GrpcServer();
    const passthrough = {
      requestSerialize: (b: Buffer) => b,
      requestDeserialize: (b: Buffer) => b,
      responseSerialize: (b: Buffer) => b,
      responseDeserialize: (b: Buffer) => b,
    };
    for (const [signal, svc] of [
      ['traces', 'opentelemetry.proto.collector.trace.v1.TraceService'],
      ['metrics', 'opentelemetry.proto.collector.metrics.v1.MetricsService'],
      ['logs', 'opentelemetry.proto.collector.logs.v1.LogsService'],
    ] as const) {
      const def = {
        Export: {
          path: `/${svc}/Export`,
          requestStream: false,
          responseStream: false,
          originalName: 'Export',
          ...passthrough,
        },
      } as unknown as ServiceDefinition;
      server.addService(def, {
        Export: (
          call: { request: Buffer; metadata: { getMap(): Record<string, unknown> } },
          cb: (e: Error | null, r?: Buffer) => void,
        ) => {
          this.ingest(signal, call.request, call.metadata.getMap() as RawRequest['headers']);
          cb(null, Buffer.alloc(0));
        },
      });
    }
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      ),
    );
    this.server = server;
    return `grpc://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    if (s instanceof GrpcServer) await new Promise<void>((r) => s.tryShutdown(() => r()));
    else {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  }
}
