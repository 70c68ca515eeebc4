// Secrets planted in nested log fields, span attributes set at start and later, exception messages and
// log messages never appear in any byte that leaves the process: stdout lines or OTLP payloads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, log, spans } from '../../generated/index.js';
import { fingerprint } from '../../runtime/index.js';
import { CLEAN_ENV, withEnv } from '../support/env.js';
import { lineSink } from '../support/lines.js';
import { OtlpReceiver } from '../support/otlp-receiver.js';

const SECRETS = {
  password: 'hunter2-correct-horse',
  bearer: 'Bearer s3cr3tT0kenValue42',
  jwt: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbXB5In0.c2lnbmF0dXJlLXZhbHVlLXNlY3JldA',
  aws: 'AKIAIOSFODNN7EXAMPLE',
  secretRef: 'aws-sm://ALPACA_SECRET#value',
  card: '4111 1111 1111 1111',
  pem: '-----BEGIN RSA PRIVATE KEY-----',
  urlCreds: 'https://trader:pa55w0rd@broker.example/api',
  custom: 'desk-pin-8841',
};
const FRAGMENTS = [
  'hunter2',
  's3cr3tT0kenValue42',
  'c2lnbmF0dXJlLXZhbHVlLXNlY3JldA',
  'AKIAIOSFODNN7EXAMPLE',
  'ALPACA_SECRET',
  '4111 1111 1111 1111',
  'BEGIN RSA PRIVATE KEY',
  'pa55w0rd',
  'desk-pin-8841',
];

const receiver = new OtlpReceiver();
let endpoint = '';
beforeAll(async () => {
  endpoint = await receiver.startHttp();
});
afterAll(() => receiver.stop());

describe('redaction', () => {
  it('keeps every planted secret out of log lines and exported spans and logs', async () => {
    const sink = lineSink();
    await withEnv({ ...CLEAN_ENV, OBS_SAMPLER: 'always_on', OBS_REDACTION_RULES: 'desk_pin' }, async () => {
      const obs = init({ serviceName: 'broker-alpaca', otlp: { endpoint }, logDestination: sink.stream });
      await spans.oms
        .reject({ broker: 'alpaca', client_order_id: 'co_1', reject_reason: 'risk_check' }, async (span) => {
          span.setAttribute('db.password', SECRETS.password);
          span.setAttribute('http.request.header.authorization', SECRETS.bearer);
          span.setAttribute('broker.response', `rejected; session=${SECRETS.jwt}`);
          span.addEvent('retry', { note: `creds ${SECRETS.urlCreds}`, desk_pin: SECRETS.custom });
          // Untyped code can pass anything: nested objects included.
          const untyped = log.orderReject as unknown as (f: Record<string, unknown>, m: string) => void;
          untyped(
            {
              client_order_id: 'co_1',
              reject_reason: 'risk_check',
              secret_ref: SECRETS.secretRef,
              broker_payload: `{"key":"${SECRETS.aws}"}`,
              details: {
                auth: { password: SECRETS.password, token: SECRETS.jwt },
                card: SECRETS.card,
                desk_pin: SECRETS.custom,
                pem: SECRETS.pem,
              },
            },
            `Order rejected by broker: ${SECRETS.bearer} key ${SECRETS.aws}`,
          );
          span.recordException(new Error(`upstream said ${SECRETS.bearer}`));
          throw new Error(`broker answered 429 for key ${SECRETS.aws}`);
        })
        .catch(() => {});
      await obs.shutdown(5000);
    });

    const exported = receiver.rawBytes().toString('latin1');
    const stdout = sink.text();
    for (const f of FRAGMENTS) {
      expect(stdout, `stdout leaked ${f}`).not.toContain(f);
      expect(exported, `OTLP leaked ${f}`).not.toContain(f);
    }
    // What remains is useful: the fingerprint correlates the secret ref, the rest is marked.
    expect(sink.lines[0]).toMatchObject({
      event: 'order.reject',
      secret_ref: fingerprint(SECRETS.secretRef),
      broker_payload: '***',
    });
    expect(sink.lines[0]?.['message']).toBe('Order rejected by broker: *** key ***');
    const span = receiver.spans.find((s) => s.name === 'oms.reject');
    expect(span?.attributes).toMatchObject({
      'db.password': '***',
      'http.request.header.authorization': '***',
      'broker.response': 'rejected; session=***',
    });
    expect(span?.status.message).toBe('broker answered 429 for key ***');
    expect(receiver.logs.find((l) => l.eventName === 'order.reject')?.body).toBe(
      'Order rejected by broker: *** key ***',
    );
  });
});
