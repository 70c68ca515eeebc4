// An OTLP endpoint may carry credentials (http://user:password@collector:4318). They go to the collector
// and nowhere else: stderr, GET /health and the ConfigError messages show the endpoint with its userinfo
// replaced, scheme, host, port and path still readable.
import { afterAll, describe, expect, it } from 'vitest';
import { init, spans } from '../../generated/index.js';
import { ConfigError, resolveConfig } from '../../runtime/index.js';
import { CLEAN_ENV, withEnv } from '../support/env.js';
import { OtlpReceiver } from '../support/otlp-receiver.js';
import { freePort } from '../support/ports.js';

const SECRET = 's3cretpass';

/** What the code under `fn` writes to stderr (still written through). */
async function stderrOf(fn: () => Promise<void>): Promise<string> {
  const seen: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    seen.push(String(chunk));
    return write(chunk, ...rest);
  }) as typeof process.stderr.write;
  try {
    await fn();
  } finally {
    process.stderr.write = write;
  }
  return seen.join('');
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const receiver = new OtlpReceiver();
afterAll(() => receiver.stop());

describe('an endpoint with credentials', () => {
  it('sends them to the collector as basic auth', async () => {
    const url = new URL(await receiver.startHttp());
    await withEnv({ ...CLEAN_ENV, OBS_OTLP_ENDPOINT: `http://user:${SECRET}@${url.host}` }, async () => {
      const obs = init({
        serviceName: 'creds',
        export: { metrics: false, logs: false },
        sampler: { type: 'always_on' },
      });
      spans.oms.submit.start({ broker: 'alpaca', client_order_id: 'co_1', side: 'buy' }).end();
      await obs.shutdown(5000);
    });
    const auth = receiver.requests.find((r) => r.signal === 'traces')?.headers['authorization'];
    expect(auth).toBe(`Basic ${Buffer.from(`user:${SECRET}`).toString('base64')}`);
  });

  it('shows them as *** on stderr and in /health when exports fail', async () => {
    const port = await freePort();
    const shown = `http://***@127.0.0.1:${port}/v1/traces`;
    let health: unknown;
    const stderr = await stderrOf(() =>
      withEnv({ ...CLEAN_ENV, OBS_OTLP_ENDPOINT: `http://user:${SECRET}@127.0.0.1:${port}` }, async () => {
        const obs = init({
          serviceName: 'creds',
          otlp: { timeoutMillis: 300 },
          export: { metrics: false, logs: false },
          sampler: { type: 'always_on' },
          logDestination: { write: () => true },
        });
        spans.oms.submit.start({ broker: 'alpaca', client_order_id: 'co_1', side: 'buy' }).end();
        await obs.forceFlush(3000);
        health = obs.health();
        await obs.shutdown(1000);
      }),
    );
    expect(stderr).toContain(`ampyobs: traces export to ${shown} failed: connection refused`);
    const traces = (
      health as { checks: { name: string; message: string; details: { endpoint: string } }[] }
    ).checks.find((c) => c.name === 'exporter:traces');
    expect(traces?.message).toContain(`the latest export to ${shown} failed`);
    expect(traces?.details.endpoint).toBe(shown);
    expect(`${stderr}${JSON.stringify(health)}`).not.toContain(SECRET);
  });

  it('shows them as *** in the ConfigError messages that name the endpoint', () => {
    const prod = messageOf(() =>
      resolveConfig({}, { OBS_ENV: 'prod', OBS_OTLP_ENDPOINT: `http://user:${SECRET}@collector:4318` }),
    );
    expect(prod).toContain("'http://***@collector:4318' is plaintext http");
    const tls = messageOf(() =>
      resolveConfig({}, { OBS_OTLP_INSECURE: 'true', OBS_OTLP_ENDPOINT: `https://user:${SECRET}@collector:4318` }),
    );
    expect(tls).toContain("'https://***@collector:4318' asks for TLS");
    const notUrl = messageOf(() => resolveConfig({}, { OBS_OTLP_ENDPOINT: `http://user:${SECRET}@` }));
    expect(notUrl).toContain("'http://***@' is not a URL");
    for (const m of [prod, tls, notUrl]) expect(m).not.toContain(SECRET);
  });
});

describe('credentials an endpoint cannot carry', () => {
  it('a query or fragment is refused (the signal path is appended), its values shown as ***', () => {
    const m = messageOf(() => resolveConfig({}, { OBS_OTLP_ENDPOINT: `https://collector:4318/?api_key=${SECRET}` }));
    expect(m).toContain("OBS_OTLP_ENDPOINT: 'https://collector:4318/?api_key=***' has a query or fragment");
    expect(m).toContain('OBS_HEADERS');
    expect(m).not.toContain(SECRET);
    expect(() => resolveConfig({}, { OBS_OTLP_ENDPOINT: 'http://collector:4318#x' })).toThrow(
      /has a query or fragment/,
    );
  });

  it('userinfo on a gRPC endpoint, which gRPC would leave out, is refused', () => {
    const m = messageOf(() => resolveConfig({}, { OBS_OTLP_ENDPOINT: `grpc://user:${SECRET}@collector:4317` }));
    expect(m).toContain(
      "OBS_OTLP_ENDPOINT: 'grpc://***@collector:4317' has credentials, which OTLP/gRPC does not send",
    );
    const hinted = messageOf(() =>
      resolveConfig(
        {},
        { OTEL_EXPORTER_OTLP_ENDPOINT: `http://user:${SECRET}@collector:4317`, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
      ),
    );
    expect(hinted).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
    expect(`${m}${hinted}`).not.toContain(SECRET);
  });
});
