// TLS and mTLS against a receiver that requires client certificates, with certificates made here.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, spans } from '../../generated/index.js';
import { makePki, type TestPki } from '../support/certs.js';
import { CLEAN_ENV, withEnv } from '../support/env.js';
import { lineSink } from '../support/lines.js';
import { OtlpReceiver } from '../support/otlp-receiver.js';

let pki: TestPki;
let receiver: OtlpReceiver;
let endpoint: string;

beforeAll(async () => {
  pki = makePki();
  receiver = new OtlpReceiver();
  endpoint = await receiver.startHttp({ tls: { key: pki.serverKey, cert: pki.serverCert, ca: pki.ca } });
});
afterAll(async () => {
  await receiver.stop();
  rmSync(pki.dir, { recursive: true, force: true });
});

async function sendOneSpan(env: Record<string, string>): Promise<{ errors: string; stderr: string }> {
  const stderr: string[] = [];
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  }) as typeof process.stderr.write;
  try {
    return await withEnv(
      { ...CLEAN_ENV, OBS_ENV: 'prod', OBS_SAMPLER: 'always_on', OBS_OTLP_ENDPOINT: endpoint, ...env },
      async () => {
        const obs = init({ serviceName: 'ampy-oms', logDestination: lineSink().stream, otlp: { timeoutMillis: 2000 } });
        spans.oms.submit.start({ broker: 'alpaca', client_order_id: 'co_tls', side: 'buy' }).end();
        await obs.forceFlush(4000);
        const errors = obs.status().errors.traces?.message ?? '';
        await obs.shutdown(1000);
        return { errors, stderr: stderr.join('') };
      },
    );
  } finally {
    process.stderr.write = write;
  }
}

describe('TLS to the collector', () => {
  it('delivers over mTLS with the right CA and a client certificate', async () => {
    const before = receiver.spans.length;
    const { errors } = await sendOneSpan({
      OBS_TLS_CA_FILE: pki.caFile,
      OBS_TLS_CERT_FILE: pki.clientCertFile,
      OBS_TLS_KEY_FILE: pki.clientKeyFile,
    });
    expect(errors).toBe('');
    expect(receiver.spans.slice(before).map((s) => s.attributes['client_order_id'])).toEqual(['co_tls']);
  });

  it('fails with a clear, counted error when the CA does not match, and delivers nothing', async () => {
    const before = receiver.spans.length;
    const { errors, stderr } = await sendOneSpan({
      OBS_TLS_CA_FILE: pki.otherCaFile,
      OBS_TLS_CERT_FILE: pki.clientCertFile,
      OBS_TLS_KEY_FILE: pki.clientKeyFile,
    });
    expect(errors).toMatch(/not trusted \(set OBS_TLS_CA_FILE/);
    expect(stderr).toMatch(
      /ampyobs: traces export to https:\/\/127\.0\.0\.1:\d+\/v1\/traces failed: .*OBS_TLS_CA_FILE/,
    );
    expect(receiver.spans.length).toBe(before);
  });

  it('is refused by the server without a client certificate', async () => {
    const before = receiver.spans.length;
    const { errors } = await sendOneSpan({ OBS_TLS_CA_FILE: pki.caFile });
    expect(errors).not.toBe('');
    expect(receiver.spans.length).toBe(before);
  });
});
