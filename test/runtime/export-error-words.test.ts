// Export errors reach stderr and /health in words, the same for OTLP/HTTP and OTLP/gRPC: the errors here
// are the transports' own, from a closed port and a server without the OTLP service.
import { request } from 'node:http';
import * as grpc from '@grpc/grpc-js';
import { afterAll, describe, expect, it } from 'vitest';
import { exportErrorInWords } from '../../runtime/export-error-words.js';
import { freePort } from '../support/ports.js';

const EXPORT = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';

/** The error grpc-js ends a unary OTLP call to `address` with. */
function grpcError(address: string): Promise<Error> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return new Promise<Error>((resolve) => {
    client.makeUnaryRequest(
      EXPORT,
      (b: Buffer) => b,
      (b: Buffer) => b,
      Buffer.alloc(0),
      new grpc.Metadata(),
      { deadline: Date.now() + 5000 },
      (err) => {
        client.close();
        resolve(err ?? new Error('no error'));
      },
    );
  });
}

const server = new grpc.Server();
afterAll(() => server.forceShutdown());

describe('export errors in words', () => {
  it('names a refused connection the same over HTTP and gRPC', async () => {
    const port = await freePort();
    const http = await new Promise<Error>((resolve) =>
      request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/logs' }).on('error', resolve).end(),
    );
    expect(exportErrorInWords(http)).toBe('connection refused (is the collector running?) [ECONNREFUSED]');
    const viaGrpc = await grpcError(`127.0.0.1:${port}`);
    expect(viaGrpc.message).toMatch(/^14 UNAVAILABLE/);
    expect(exportErrorInWords(viaGrpc)).toBe('connection refused (is the collector running?) [ECONNREFUSED]');
  });

  it('says what a gRPC status means when no system error says more', async () => {
    // A gRPC server that serves no OTLP service.
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    const err = await grpcError(`127.0.0.1:${port}`);
    expect(exportErrorInWords(err)).toMatch(
      /^the endpoint does not serve OTLP over gRPC \(OTLP\/HTTP is usually on 4318, gRPC on 4317\) \[gRPC UNIMPLEMENTED\]: /,
    );
    expect(exportErrorInWords(err)).not.toMatch(/Resolution note/);
  });

  it('keeps an error it has no words for as it is', () => {
    expect(exportErrorInWords(new Error('Request timed out'))).toBe('Request timed out');
    expect(exportErrorInWords(undefined)).toBe('unknown error');
    // A code that names a property every object has is no code of ours.
    const odd = Object.assign(new Error('odd'), { code: 'toString' });
    expect(exportErrorInWords(odd)).toBe('odd');
  });
});
