// An OTLP endpoint for live-check: OTLP/HTTP (protobuf or JSON, gzip or not) and OTLP/gRPC on the same
// port. The first bytes of a connection say which: HTTP/2's preface goes to gRPC (@grpc/grpc-js, given
// the connection), anything else to the HTTP/1.1 server. Every request is decoded and handed on.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { Server as GrpcServer, ServerCredentials, status as GrpcStatus, type ServiceDefinition } from '@grpc/grpc-js';
import { decodeOtlp, type OtlpSignal } from './otlp-proto.js';

/** A request body larger than this is refused (413), like a collector's default limit. */
const MAX_BODY = 32 << 20;
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0');
const PATHS: Readonly<Record<string, OtlpSignal>> = {
  '/v1/traces': 'traces',
  '/v1/metrics': 'metrics',
  '/v1/logs': 'logs',
};
const SERVICES: readonly [OtlpSignal, string][] = [
  ['traces', 'opentelemetry.proto.collector.trace.v1.TraceService'],
  ['metrics', 'opentelemetry.proto.collector.metrics.v1.MetricsService'],
  ['logs', 'opentelemetry.proto.collector.logs.v1.LogsService'],
];

/** What a receiver hands on: a decoded request (OTLP/JSON shape) or a reason it could not be read. */
export interface Sink {
  request(signal: OtlpSignal, body: unknown, source: string): void;
  bad(source: string, why: string): void;
}

export class OtlpListener {
  private net: NetServer | undefined;
  private readonly grpc = new GrpcServer();
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly sink: Sink) {}

  private http(req: IncomingMessage, res: ServerResponse): void {
    const signal = req.method === 'POST' ? PATHS[(req.url ?? '').split('?')[0] ?? ''] : undefined;
    if (!signal) {
      res
        .writeHead(404, { 'content-type': 'text/plain' })
        .end('OTLP/HTTP takes POST /v1/traces, /v1/metrics and /v1/logs\n');
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      const source = `otlp/http :${this.port}`;
      if (size > MAX_BODY) {
        this.sink.bad(source, `a request of ${size} bytes, over ${MAX_BODY}`);
        res.writeHead(413).end();
        return;
      }
      const json = /json/i.test(req.headers['content-type'] ?? '');
      try {
        let body = Buffer.concat(chunks);
        if (/gzip/i.test(req.headers['content-encoding'] ?? '')) body = gunzipSync(body, { maxOutputLength: MAX_BODY });
        this.sink.request(
          signal,
          json ? (JSON.parse(body.toString('utf8')) as unknown) : decodeOtlp(signal, body),
          source,
        );
        res
          .writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' })
          .end(json ? '{}' : undefined);
      } catch (e) {
        this.sink.bad(
          source,
          `an OTLP/HTTP ${signal} request that does not decode (${(e as Error).message.split('\n')[0]})`,
        );
        res.writeHead(400, { 'content-type': 'text/plain' }).end('not an OTLP export request\n');
      }
    });
  }

  /** Listens on 127.0.0.1 (or `host`) at `port` (0 picks one); resolves once listening. */
  async start(port: number, host = '127.0.0.1'): Promise<number> {
    const passthrough = {
      requestSerialize: (b: Buffer) => b,
      requestDeserialize: (b: Buffer) => b,
      responseSerialize: (b: Buffer) => b,
      responseDeserialize: (b: Buffer) => b,
    };
    for (const [signal, svc] of SERVICES) {
      const def = {
        Export: {
          path: `/${svc}/Export`,
          requestStream: false,
          responseStream: false,
          originalName: 'Export',
          ...passthrough,
        },
      } as unknown as ServiceDefinition;
      this.grpc.addService(def, {
        Export: (call: { request: Buffer }, cb: (e: { code: number; details: string } | null, r?: Buffer) => void) => {
          const source = `otlp/grpc :${this.port}`;
          try {
            this.sink.request(signal, decodeOtlp(signal, call.request), source);
            cb(null, Buffer.alloc(0));
          } catch (e) {
            this.sink.bad(
              source,
              `an OTLP/gRPC ${signal} request that does not decode (${(e as Error).message.split('\n')[0]})`,
            );
            cb({ code: GrpcStatus.INVALID_ARGUMENT, details: 'not an OTLP export request' });
          }
        },
      });
    }
    const grpc = this.grpc.createConnectionInjector(ServerCredentials.createInsecure());
    const http = createHttpServer((req, res) => this.http(req, res));
    const net = createNetServer((socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
      socket.once('readable', () => {
        const head = socket.read(H2_PREFACE.length) as Buffer | null;
        const first = head ?? (socket.read() as Buffer | null);
        if (!first) return socket.end();
        socket.unshift(first);
        if (first.length >= H2_PREFACE.length && first.subarray(0, H2_PREFACE.length).equals(H2_PREFACE))
          grpc.injectConnection(socket);
        else http.emit('connection', socket);
      });
    });
    await new Promise<void>((resolve, reject) => {
      net.once('error', (e: NodeJS.ErrnoException) =>
        reject(
          new Error(
            e.code === 'EADDRINUSE'
              ? `port ${port} is in use (a collector running?); choose another with --otlp-port`
              : e.message,
          ),
        ),
      );
      net.listen(port, host, () => resolve());
    });
    this.net = net;
    this.port = (net.address() as { port: number }).port;
    return this.port;
  }

  async stop(): Promise<void> {
    const net = this.net;
    this.net = undefined;
    this.grpc.forceShutdown();
    for (const s of this.sockets) s.destroy();
    if (net) await new Promise<void>((r) => net.close(() => r()));
  }
}
