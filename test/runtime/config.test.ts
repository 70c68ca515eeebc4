// Configuration: every OBS_* variable and the OTEL_* overlaps. For each, what a user relies on is
// observed for real where it is cheap (the resource and headers at an OTLP receiver, which signals
// arrive, the Prometheus page, the JSON log line), and a bad value must give a ConfigError naming the
// variable. Pure parsing and precedence go through resolveConfig directly, with the spec's defaults.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { init, log, metrics, registry, spans, type OrderSubmitFields } from '../../generated/index.js';
import {
  ConfigError,
  resolveConfig,
  type EnvironmentAlias,
  type InitOptions,
  type ObsConfig,
  type Observability,
} from '../../runtime/index.js';
import { LINEAR_CHECK } from '../../conventions/index.js';
import { CLEAN_ENV, withEnv } from '../support/env.js';
import { lineSink } from '../support/lines.js';
import { OtlpReceiver, type SignalName } from '../support/otlp-receiver.js';
import { freePort } from '../support/ports.js';

type Vars = Record<string, string>;

/**
 * What the generated init() passes: the spec's sampling and redaction sections, the value patterns
 * marked as shown linear at generate time. The last test of OBS_REDACTION_RULES checks both sides.
 */
const SPEC = { sampling: registry.sampling, redaction: { ...registry.redaction!, linearChecked: LINEAR_CHECK } };
/** A TLS endpoint, so that prod resolves without OBS_OTLP_INSECURE. */
const HTTPS = 'https://collector.example:4318';

let receiver: OtlpReceiver;
let endpoint: string;

beforeEach(async () => {
  receiver = new OtlpReceiver();
  endpoint = await receiver.startHttp();
});
afterEach(() => receiver.stop());

function resolve(env: Vars, options: InitOptions = {}): ObsConfig {
  return resolveConfig(options, env, SPEC);
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}

/** resolveConfig must refuse the configuration with a ConfigError naming `setting`. */
function expectConfigError(env: Vars, setting: string, options: InitOptions = {}): ConfigError {
  const e = configError(() => resolve(env, options));
  expect(e.setting).toBe(setting);
  expect(e.message).toContain(setting);
  return e;
}

/** Runs init() with exactly these variables (every other OBS_ and OTEL_ variable cleared), then shuts down. */
async function withObs(env: Vars, options: InitOptions, body: (obs: Observability) => unknown): Promise<Observability> {
  return withEnv({ ...CLEAN_ENV, ...env }, async () => {
    const obs = init({ logDestination: lineSink().stream, ...options });
    try {
      await body(obs);
    } finally {
      await obs.shutdown(5000);
    }
    return obs;
  });
}

/** One span with a log line and a metric inside it. */
async function emitAll(id = 'co_cfg'): Promise<void> {
  await spans.oms.submit({ broker: 'alpaca', client_order_id: id, side: 'buy' }, async () => {
    log.orderSubmit({ client_order_id: id, broker: 'alpaca' }, 'Placed limit order');
    metrics.oms.orderSubmit.add(1, { broker: 'alpaca', outcome: 'ok' });
  });
}

/** `n` root spans that are not safety-critical (the sampler decides for each). */
function rootSpans(n: number): void {
  for (let i = 0; i < n; i++)
    spans.oms.submit.start({ broker: 'alpaca', client_order_id: `co_${i}`, side: 'buy' }).end();
}

const requests = (r: OtlpReceiver, signal: SignalName): number => r.requests.filter((q) => q.signal === signal).length;
const spanCount = (r: OtlpReceiver, name = 'oms.submit'): number => r.spans.filter((s) => s.name === name).length;

/** GET with retries: the Prometheus server starts listening asynchronously. */
async function scrape(url: string): Promise<{ status: number; type: string; body: string }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(url);
      return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
    } catch (e) {
      if (attempt >= 50) throw e;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

async function withGrpcReceiver(fn: (grpc: OtlpReceiver, grpcEndpoint: string) => Promise<void>): Promise<void> {
  const grpc = new OtlpReceiver();
  const grpcEndpoint = await grpc.startGrpc();
  try {
    await fn(grpc, grpcEndpoint);
  } finally {
    await grpc.stop();
  }
}

// ---------------------------------------------------------------------------------------------------

describe('OBS_SERVICE_NAME', () => {
  it('is service.name in the resource of exported spans, logs and metrics, and the service of log lines', async () => {
    const sink = lineSink();
    await withObs(
      { OBS_SERVICE_NAME: 'ampy-risk', OBS_OTLP_ENDPOINT: endpoint },
      { serviceName: 'from-options', logDestination: sink.stream },
      () => emitAll(),
    );
    expect(receiver.spans.find((s) => s.name === 'oms.submit')?.resource['service.name']).toBe('ampy-risk');
    expect(receiver.logs.find((l) => l.eventName === 'order.submit')?.resource['service.name']).toBe('ampy-risk');
    expect(receiver.points.find((p) => p.metric === 'ampy.oms.order_submit')?.resource['service.name']).toBe(
      'ampy-risk',
    );
    expect(sink.lines.find((l) => l['event'] === 'order.submit')).toMatchObject({ service: 'ampy-risk' });
  });

  it('is trimmed', () => {
    expect(resolve({ OBS_SERVICE_NAME: '  ampy-risk \t' }).resource['service.name']).toBe('ampy-risk');
  });

  it('with a line break or another control character inside is refused by init(), naming it and the character', async () => {
    await withEnv({ ...CLEAN_ENV, OBS_SERVICE_NAME: 'ampy-oms\n{"level":"fatal"}' }, () => {
      const e = configError(() => init({ logDestination: lineSink().stream }));
      expect(e.setting).toBe('OBS_SERVICE_NAME');
      expect(e.message).toContain('holds U+000A, a control character');
    });
    // Nothing was left running: a later init() is accepted.
    await withObs({ OBS_OTLP_ENDPOINT: endpoint }, {}, () => {});
  });

  it.each(['', '   ', '\t\n'])('empty or blank (%j) falls back to the next source', (blank) => {
    expect(resolve({ OBS_SERVICE_NAME: blank }, { serviceName: 'from-options' }).resource['service.name']).toBe(
      'from-options',
    );
    expect(resolve({ OBS_SERVICE_NAME: blank, OTEL_SERVICE_NAME: 'from-otel' }).resource['service.name']).toBe(
      'from-otel',
    );
  });
});

describe('resource identity: no control characters, from any source', () => {
  it.each([
    ['OBS_SERVICE_VERSION', { OBS_SERVICE_VERSION: '1.0\r\n2' }, {}],
    ['OBS_REGION', { OBS_REGION: 'us-east-1\u001b[2J' }, {}],
    ['OTEL_SERVICE_NAME', { OTEL_SERVICE_NAME: 'a\tb' }, {}],
    ['OTEL_RESOURCE_ATTRIBUTES', { OTEL_RESOURCE_ATTRIBUTES: 'team=risk%0Adesk' }, {}],
    ['OTEL_RESOURCE_ATTRIBUTES', { OTEL_RESOURCE_ATTRIBUTES: 'te\nam=risk' }, {}],
    ['serviceName', {}, { serviceName: 'ampy\u0000oms' }],
    ['instanceId', {}, { instanceId: 'oms-1\u0085' }],
    ['busCluster', {}, { busCluster: 'bus\n1' }],
    ['schemaVersion', {}, { schemaVersion: '1.4\n' }],
    ['resourceAttributes.team', {}, { resourceAttributes: { team: 'risk\ndesk' } }],
    ['resourceAttributes', {}, { resourceAttributes: { 'te\nam': 'risk' } }],
  ] as [string, Vars, InitOptions][])(
    'a control character in %s is a ConfigError naming it',
    (setting, env, options) => {
      expect(expectConfigError(env, setting, options).message).toMatch(/holds U\+00[0-9A-F]{2}, a control character/);
    },
  );

  it('a value from untyped code that is not a string is refused, naming the option', () => {
    expectConfigError({}, 'serviceName', { serviceName: 42 as unknown as string });
    expectConfigError({}, 'region', { region: { name: 'x' } as unknown as string });
  });

  it('a line break around a value is trimmed away, not refused', () => {
    expect(resolve({ OBS_SERVICE_NAME: 'ampy-oms\n', OBS_REGION: '\r\nus-east-1\n' }).resource).toMatchObject({
      'service.name': 'ampy-oms',
      'cloud.region': 'us-east-1',
    });
  });
});

describe('OBS_SERVICE_VERSION', () => {
  it('is service.version in the exported resource and service_version in log lines', async () => {
    const sink = lineSink();
    await withObs(
      { OBS_SERVICE_VERSION: '4.5.6@def789', OBS_OTLP_ENDPOINT: endpoint },
      { serviceName: 'ampy-oms', serviceVersion: '1.0.0', logDestination: sink.stream },
      () => emitAll(),
    );
    expect(receiver.spans.find((s) => s.name === 'oms.submit')?.resource['service.version']).toBe('4.5.6@def789');
    expect(sink.lines.find((l) => l['event'] === 'order.submit')).toMatchObject({ service_version: '4.5.6@def789' });
  });

  it('blank falls back to the option, then to service.version of OTEL_RESOURCE_ATTRIBUTES', () => {
    expect(resolve({ OBS_SERVICE_VERSION: '  ' }, { serviceVersion: '1.2.3' }).resource['service.version']).toBe(
      '1.2.3',
    );
    expect(
      resolve({ OBS_SERVICE_VERSION: '', OTEL_RESOURCE_ATTRIBUTES: 'service.version=7.7.7' }).resource[
        'service.version'
      ],
    ).toBe('7.7.7');
  });
});

describe('OBS_ENV', () => {
  it('is deployment.environment in the exported resource and env in log lines', async () => {
    const sink = lineSink();
    await withObs(
      { OBS_ENV: 'paper', OBS_OTLP_INSECURE: 'true', OBS_SAMPLER: 'always_on', OBS_OTLP_ENDPOINT: endpoint },
      { serviceName: 'ampy-oms', environment: 'prod', logDestination: sink.stream },
      () => emitAll(),
    );
    expect(receiver.spans.find((s) => s.name === 'oms.submit')?.resource['deployment.environment']).toBe('paper');
    expect(sink.lines.find((l) => l['event'] === 'order.submit')).toMatchObject({ env: 'paper' });
  });

  it('prod with an http:// endpoint and no OBS_OTLP_INSECURE is refused by init(), which starts nothing', async () => {
    await withEnv({ ...CLEAN_ENV, OBS_ENV: 'prod', OBS_OTLP_ENDPOINT: endpoint }, () => {
      const e = configError(() => init({ serviceName: 'ampy-oms', logDestination: lineSink().stream }));
      expect(e.setting).toBe('OBS_OTLP_ENDPOINT');
      expect(e.message).toMatch(/plaintext http.*OBS_OTLP_INSECURE=true/);
    });
    // Nothing was left running: a later init() is accepted.
    await withObs({ OBS_OTLP_ENDPOINT: endpoint }, { serviceName: 'ampy-oms' }, () => emitAll());
    expect(spanCount(receiver)).toBe(1);
  });

  it('paper is outside dev too: plaintext is refused there, TLS is accepted', () => {
    expectConfigError({ OBS_ENV: 'paper', OBS_OTLP_ENDPOINT: 'http://collector:4318' }, 'OBS_OTLP_ENDPOINT');
    expect(resolve({ OBS_ENV: 'prod', OBS_OTLP_ENDPOINT: HTTPS }).otlp).toMatchObject({
      insecure: false,
      endpoint: HTTPS,
    });
    // dev (the default) allows plaintext.
    expect(resolve({ OBS_OTLP_ENDPOINT: 'http://collector:4318' }).otlp.insecure).toBe(true);
  });

  it.each(['qa', 'PROD ', 'Production'])(
    'rejects %j naming OBS_ENV, listing the environments and the aliases',
    (value) => {
      const e = expectConfigError({ OBS_ENV: value }, 'OBS_ENV');
      expect(e.message).toMatch(
        /dev, paper, prod \(also accepted: development for dev, production for prod, staging for paper\)/,
      );
    },
  );

  it.each([
    ['development', 'dev'],
    ['staging', 'paper'],
    ['production', 'prod'],
  ])('accepts the spec alias %j for %s, wherever the environment is set', (alias, env) => {
    const secure = { OBS_OTLP_ENDPOINT: HTTPS };
    expect(resolve({ ...secure, OBS_ENV: alias }).resource['deployment.environment']).toBe(env);
    expect(resolve(secure, { environment: alias as EnvironmentAlias }).resource['deployment.environment']).toBe(env);
    expect(
      resolve({ ...secure, OTEL_RESOURCE_ATTRIBUTES: `deployment.environment=${alias}` }).resource[
        'deployment.environment'
      ],
    ).toBe(env);
    // The alias picks the environment's spec defaults too.
    expect(resolve({ ...secure, OBS_ENV: alias }).sampler.ratio).toBe(registry.sampling.perEnv[env as 'dev']);
  });

  it('a log level from untyped code that is not a level is a ConfigError naming logLevel', () => {
    expectConfigError({}, 'logLevel', { logLevel: 'verbose' } as unknown as InitOptions);
    expectConfigError({}, 'logLevel', { logLevel: 'toString' } as unknown as InitOptions);
  });

  it('blank falls back to the option', () => {
    expect(
      resolve({ OBS_ENV: ' ', OBS_OTLP_ENDPOINT: HTTPS }, { environment: 'prod' }).resource['deployment.environment'],
    ).toBe('prod');
  });
});

describe('OBS_REGION', () => {
  it('is cloud.region in the exported resource', async () => {
    await withObs(
      { OBS_REGION: 'eu-west-2', OBS_OTLP_ENDPOINT: endpoint },
      { serviceName: 'ampy-oms', region: 'us-east-1' },
      () => emitAll(),
    );
    expect(receiver.spans.find((s) => s.name === 'oms.submit')?.resource['cloud.region']).toBe('eu-west-2');
  });

  it('blank falls back to the option, and with nothing set there is no cloud.region', () => {
    expect(resolve({ OBS_REGION: '  ' }, { region: 'us-east-1' }).resource['cloud.region']).toBe('us-east-1');
    expect(resolve({ OBS_REGION: '' }).resource).not.toHaveProperty(['cloud.region']);
  });
});

describe('OBS_OTLP_ENDPOINT', () => {
  it('an http:// URL sends OTLP/HTTP there, over the init() option', async () => {
    await withObs(
      { OBS_OTLP_ENDPOINT: endpoint },
      { serviceName: 'ampy-oms', otlp: { endpoint: 'http://127.0.0.1:9' } },
      () => emitAll(),
    );
    expect(spanCount(receiver)).toBe(1);
    expect(requests(receiver, 'logs')).toBeGreaterThan(0);
    expect(requests(receiver, 'metrics')).toBeGreaterThan(0);
  });

  it('a grpc:// URL sends OTLP/gRPC there', async () => {
    await withGrpcReceiver(async (grpc, grpcEndpoint) => {
      const obs = await withObs({ OBS_OTLP_ENDPOINT: grpcEndpoint }, { serviceName: 'ampy-oms' }, () => emitAll());
      expect(obs.config.otlp).toMatchObject({ protocol: 'grpc', endpoint: `127.0.0.1:${grpc.port}` });
      expect(spanCount(grpc)).toBe(1);
      expect(receiver.requests).toHaveLength(0);
    });
  });

  it.each(['collector:9000', 'not a url', 'http://', 'ftp://collector:4318', 'ws://collector:4318'])(
    'rejects %j naming OBS_OTLP_ENDPOINT',
    (value) => {
      expectConfigError({ OBS_OTLP_ENDPOINT: value }, 'OBS_OTLP_ENDPOINT');
    },
  );

  it('blank falls back to the option', () => {
    expect(resolve({ OBS_OTLP_ENDPOINT: ' ' }, { otlp: { endpoint: 'http://opt:4318' } }).otlp.endpoint).toBe(
      'http://opt:4318',
    );
  });
});

describe('OBS_OTLP_INSECURE', () => {
  it('=true lets prod export over plaintext http', async () => {
    const obs = await withObs(
      { OBS_ENV: 'prod', OBS_OTLP_INSECURE: 'true', OBS_OTLP_ENDPOINT: endpoint, OBS_SAMPLER: 'always_on' },
      { serviceName: 'ampy-oms' },
      () => emitAll(),
    );
    expect(obs.config.otlp.insecure).toBe(true);
    expect(spanCount(receiver)).toBe(1);
    expect(receiver.spans[0]?.resource['deployment.environment']).toBe('prod');
  });

  it('=false refuses plaintext even in dev, naming OBS_OTLP_INSECURE', () => {
    expectConfigError({ OBS_OTLP_INSECURE: 'false', OBS_OTLP_ENDPOINT: 'http://collector:4318' }, 'OBS_OTLP_INSECURE');
  });

  it('=true with an https:// endpoint is a contradiction, naming OBS_OTLP_INSECURE', () => {
    expectConfigError({ OBS_OTLP_INSECURE: 'true', OBS_OTLP_ENDPOINT: HTTPS }, 'OBS_OTLP_INSECURE');
  });

  it.each(['maybe', 'on', '2'])('rejects %j naming OBS_OTLP_INSECURE', (value) => {
    expectConfigError({ OBS_OTLP_INSECURE: value }, 'OBS_OTLP_INSECURE');
  });

  it('accepts the usual spellings, and blank falls back to the option', () => {
    for (const v of ['true', 'TRUE', '1', 'yes'])
      expect(resolve({ OBS_ENV: 'prod', OBS_OTLP_INSECURE: v }).otlp.insecure).toBe(true);
    expect(resolve({ OBS_ENV: 'prod', OBS_OTLP_INSECURE: ' ' }, { otlp: { insecure: true } }).otlp.insecure).toBe(true);
  });
});

describe('OBS_SAMPLER', () => {
  it('=always_off yields no spans at all, safety-critical ones included', async () => {
    await withObs(
      { OBS_SAMPLER: 'always_off', OBS_OTLP_ENDPOINT: endpoint },
      { serviceName: 'ampy-oms', sampler: { type: 'always_on' } },
      async () => {
        await emitAll();
        spans.oms.reject.start({ broker: 'alpaca', client_order_id: 'co_r', reject_reason: 'risk_check' }).end();
      },
    );
    expect(receiver.spans).toHaveLength(0);
    expect(requests(receiver, 'traces')).toBe(0);
    // The other signals are unaffected.
    expect(receiver.logs.map((l) => l.eventName)).toContain('order.submit');
  });

  it('=always_on keeps every root span in prod, whose default ratio is 0.25', async () => {
    await withObs(
      { OBS_SAMPLER: 'always_on', OBS_ENV: 'prod', OBS_OTLP_INSECURE: 'true', OBS_OTLP_ENDPOINT: endpoint },
      { serviceName: 'ampy-oms' },
      () => rootSpans(40),
    );
    expect(spanCount(receiver)).toBe(40);
  });

  it.each(['sometimes', 'ALWAYS', 'parentbased_sometimes'])('rejects %j naming OBS_SAMPLER', (value) => {
    expectConfigError({ OBS_SAMPLER: value }, 'OBS_SAMPLER');
  });

  it('blank falls back to the option', () => {
    expect(resolve({ OBS_SAMPLER: ' ' }, { sampler: { type: 'always_off' } }).sampler.type).toBe('always_off');
  });
});

describe('OBS_SAMPLER_RATIO', () => {
  it('=0 with traceidratio drops every ordinary root span but keeps safety-critical ones', async () => {
    await withObs(
      { OBS_SAMPLER: 'traceidratio', OBS_SAMPLER_RATIO: '0', OBS_OTLP_ENDPOINT: endpoint },
      { serviceName: 'ampy-oms', sampler: { ratio: 1 } },
      () => {
        rootSpans(20);
        spans.oms.reject.start({ broker: 'alpaca', client_order_id: 'co_r', reject_reason: 'risk_check' }).end();
      },
    );
    expect(spanCount(receiver)).toBe(0);
    expect(spanCount(receiver, 'oms.reject')).toBe(1);
  });

  it('=1 keeps every root span in prod', async () => {
    await withObs(
      { OBS_SAMPLER_RATIO: '1', OBS_ENV: 'prod', OBS_OTLP_INSECURE: 'true', OBS_OTLP_ENDPOINT: endpoint },
      { serviceName: 'ampy-oms' },
      () => rootSpans(40),
    );
    expect(spanCount(receiver)).toBe(40);
  });

  it.each(['2', '1.01', '-0.1', 'abc', 'NaN', 'Infinity', '50%'])('rejects %j naming OBS_SAMPLER_RATIO', (value) => {
    const e = expectConfigError({ OBS_SAMPLER_RATIO: value }, 'OBS_SAMPLER_RATIO');
    expect(e.message).toContain('between 0.0 and 1.0');
  });

  it('accepts the bounds and decimals, and blank falls back to the option', () => {
    expect(resolve({ OBS_SAMPLER_RATIO: '0' }).sampler.ratio).toBe(0);
    expect(resolve({ OBS_SAMPLER_RATIO: ' 0.05 ' }).sampler.ratio).toBe(0.05);
    expect(resolve({ OBS_SAMPLER_RATIO: '1.0' }).sampler.ratio).toBe(1);
    expect(resolve({ OBS_SAMPLER_RATIO: '  ' }, { sampler: { ratio: 0.4 } }).sampler.ratio).toBe(0.4);
  });
});

describe('OBS_EXPORT_TRACES / OBS_EXPORT_METRICS / OBS_EXPORT_LOGS', () => {
  it('OBS_EXPORT_TRACES=false: no trace request reaches the receiver, metrics and logs still do', async () => {
    await withObs(
      { OBS_EXPORT_TRACES: 'false', OBS_OTLP_ENDPOINT: endpoint },
      { serviceName: 'ampy-oms', export: { traces: true } },
      () => emitAll(),
    );
    expect(requests(receiver, 'traces')).toBe(0);
    expect(receiver.points.map((p) => p.metric)).toContain('ampy.oms.order_submit');
    expect(receiver.logs.map((l) => l.eventName)).toContain('order.submit');
  });

  it('OBS_EXPORT_METRICS=false: no metric request reaches the receiver, traces and logs still do', async () => {
    await withObs({ OBS_EXPORT_METRICS: 'false', OBS_OTLP_ENDPOINT: endpoint }, { serviceName: 'ampy-oms' }, () =>
      emitAll(),
    );
    expect(requests(receiver, 'metrics')).toBe(0);
    expect(spanCount(receiver)).toBe(1);
    expect(receiver.logs.map((l) => l.eventName)).toContain('order.submit');
  });

  it('OBS_EXPORT_LOGS=false: no log request reaches the receiver, the JSON line is still written, traces still arrive', async () => {
    const sink = lineSink();
    await withObs(
      { OBS_EXPORT_LOGS: 'false', OBS_OTLP_ENDPOINT: endpoint },
      { serviceName: 'ampy-oms', logDestination: sink.stream },
      () => emitAll(),
    );
    expect(requests(receiver, 'logs')).toBe(0);
    expect(sink.lines.map((l) => l['event'])).toContain('order.submit');
    expect(spanCount(receiver)).toBe(1);
    expect(receiver.points.map((p) => p.metric)).toContain('ampy.oms.order_submit');
  });

  it('=true overrides an init() option that switched the signal off', async () => {
    await withObs(
      { OBS_EXPORT_TRACES: 'true', OBS_OTLP_ENDPOINT: endpoint },
      { serviceName: 'ampy-oms', export: { traces: false } },
      () => emitAll(),
    );
    expect(spanCount(receiver)).toBe(1);
  });

  it.each(['OBS_EXPORT_TRACES', 'OBS_EXPORT_METRICS', 'OBS_EXPORT_LOGS'])(
    '%s rejects a non-boolean, naming the variable',
    (name) => {
      for (const value of ['off', 'disabled', 'truthy']) expectConfigError({ [name]: value }, name);
    },
  );

  it.each([
    ['OBS_EXPORT_TRACES', 'traces'],
    ['OBS_EXPORT_METRICS', 'metrics'],
    ['OBS_EXPORT_LOGS', 'logs'],
  ] as const)('%s blank falls back to the option', (name, signal) => {
    expect(resolve({ [name]: ' ' }, { export: { [signal]: false } }).export[signal]).toBe(false);
  });
});

describe('OBS_PROM_PORT', () => {
  it('serves a Prometheus text page with ampy_ metrics at http://127.0.0.1:<port>/metrics, until shutdown', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/metrics`;
    const obs = await withObs(
      { OBS_PROM_PORT: String(port), OBS_EXPORT_METRICS: 'false', OBS_OTLP_ENDPOINT: endpoint },
      { serviceName: 'ampy-oms' },
      async (o) => {
        expect(o.prometheusUrl).toBe(url);
        metrics.oms.orderSubmit.add(3, { broker: 'alpaca', outcome: 'ok' });
        const page = await scrape(url);
        expect(page.status).toBe(200);
        expect(page.type).toMatch(/^text\/plain/);
        expect(page.body).toMatch(/^# TYPE ampy_\w+ /m);
        expect(page.body).toMatch(/^ampy_runtime_mem_bytes\w*\{[^}]*type="rss"[^}]*\} \d/m);
        expect(page.body).toMatch(/^ampy_oms_order_submit\w*\{[^}]*broker="alpaca"[^}]*\} 3\b/m);
      },
    );
    expect(obs.config.prometheus).toEqual({ port, host: '0.0.0.0' });
    // OTLP metric export was off: Prometheus is independent of it.
    expect(requests(receiver, 'metrics')).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
  });

  it('is off when unset or blank (no prometheusUrl), and blank falls back to the option', () => {
    expect(resolve({})).not.toHaveProperty('prometheus');
    expect(resolve({ OBS_PROM_PORT: ' ' })).not.toHaveProperty('prometheus');
    expect(resolve({ OBS_PROM_PORT: ' ' }, { prometheus: { port: 9464 } }).prometheus).toEqual({
      port: 9464,
      host: '0.0.0.0',
    });
  });

  it.each(['abc', '0', '-1', '65536', '9464.5', '94 64'])('rejects %j naming OBS_PROM_PORT', (value) => {
    const e = expectConfigError({ OBS_PROM_PORT: value }, 'OBS_PROM_PORT');
    expect(e.message).toContain('1-65535');
  });
});

describe('OBS_HEADERS', () => {
  it('arrive as HTTP headers on every OTLP request (percent-decoded), replacing the option', async () => {
    await withObs(
      { OBS_HEADERS: 'x-tenant=ampy, Authorization=Bearer%20abc123 ,x-empty=', OBS_OTLP_ENDPOINT: endpoint },
      { serviceName: 'ampy-oms', otlp: { headers: { 'x-from-options': '1' } } },
      () => emitAll(),
    );
    expect(receiver.requests.length).toBeGreaterThanOrEqual(3);
    for (const signal of ['traces', 'metrics', 'logs'] as const) {
      const req = receiver.requests.find((r) => r.signal === signal);
      expect(req?.headers).toMatchObject({ 'x-tenant': 'ampy', authorization: 'Bearer abc123', 'x-empty': '' });
      expect(req?.headers).not.toHaveProperty('x-from-options');
    }
  });

  it('arrive as gRPC metadata with a grpc:// endpoint', async () => {
    await withGrpcReceiver(async (grpc, grpcEndpoint) => {
      await withObs(
        { OBS_HEADERS: 'x-tenant=ampy', OBS_OTLP_ENDPOINT: grpcEndpoint },
        { serviceName: 'ampy-oms' },
        () => emitAll(),
      );
      expect(grpc.requests.find((r) => r.signal === 'traces')?.headers).toMatchObject({ 'x-tenant': 'ampy' });
    });
  });

  it.each(['novalue', 'a=1,broken', '=value', 'bad key=v', 'x(y)=v', 'k=%E0%A4%A'])(
    'rejects malformed %j naming OBS_HEADERS',
    (value) => {
      expectConfigError({ OBS_HEADERS: value }, 'OBS_HEADERS');
    },
  );

  it.each([
    ['a CR LF, percent-encoded', 'authorization=Bearer%20s3cret%0D%0AX-Injected: 1', 'U+000D'],
    ['a raw line feed', 'authorization=Bearer s3cret\nX-Injected: 1', 'U+000A'],
    ['a NUL', 'authorization=s3cret%00', 'U+0000'],
    ['a character outside ASCII', 'authorization=s3cret%E2%82%AC', 'U+20AC'],
  ])(
    'a value with %s is refused by init(), naming OBS_HEADERS and the header, not the value',
    async (_, value, char) => {
      await withEnv({ ...CLEAN_ENV, OBS_HEADERS: value, OBS_OTLP_ENDPOINT: endpoint }, () => {
        const e = configError(() => init({ serviceName: 'ampy-oms', logDestination: lineSink().stream }));
        expect(e.setting).toBe('OBS_HEADERS');
        expect(e.message).toContain(`the value of header 'authorization' holds ${char}`);
        expect(e.message).not.toContain('s3cret');
      });
      // Nothing was left running: a later init() is accepted.
      await withObs({ OBS_OTLP_ENDPOINT: endpoint }, {}, () => {});
    },
  );

  it('otlp.headers from code are checked the same way: names, string values, characters', () => {
    for (const headers of [
      { 'x-tenant': 'ampy\r\nX-Injected: 1' },
      { 'bad name': 'v' },
      { 'x-count': 1 as unknown as string },
      'x=1' as unknown as Record<string, string>,
    ])
      expectConfigError({}, 'otlp.headers', { otlp: { headers } });
    expect(resolve({}, { otlp: { headers: { 'X-Tenant': 'ampy' } } }).otlp.headers).toEqual({ 'X-Tenant': 'ampy' });
  });

  it('OTEL_EXPORTER_OTLP_HEADERS and its per-signal variables, which the exporters send too, are checked even under OBS_HEADERS', () => {
    for (const name of [
      'OTEL_EXPORTER_OTLP_HEADERS',
      'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
      'OTEL_EXPORTER_OTLP_LOGS_HEADERS',
    ])
      expectConfigError({ OBS_HEADERS: 'x-obs=1', [name]: 'a=b%0Ac' }, name);
  });

  it('a header name gRPC metadata cannot carry is refused with a grpc:// endpoint only', () => {
    expectConfigError({ OBS_HEADERS: 'x!tenant=1', OBS_OTLP_ENDPOINT: 'grpc://collector:4317' }, 'OBS_HEADERS');
    expect(resolve({ OBS_HEADERS: 'x!tenant=1' }).otlp.headers).toEqual({ 'x!tenant': '1' });
    expect(resolve({}, { otlp: { endpoint: 'grpc://c:4317', headers: { 'X-Tenant': '1' } } }).otlp.headers).toEqual({
      'X-Tenant': '1',
    });
  });

  it('blank falls back to the option', () => {
    expect(resolve({ OBS_HEADERS: '  ' }, { otlp: { headers: { 'x-opt': '1' } } }).otlp.headers).toEqual({
      'x-opt': '1',
    });
  });
});

describe('OBS_TLS_CA_FILE / OBS_TLS_CERT_FILE / OBS_TLS_KEY_FILE (resolution; the TLS handshake is in tls.slow.test.ts)', () => {
  let dir: string;
  let ca: string;
  let cert: string;
  let key: string;
  let empty: string;
  let missing: string;
  let subdir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ampyobs-config-'));
    const file = (name: string, text: string): string => {
      const p = path.join(dir, name);
      writeFileSync(p, text);
      return p;
    };
    ca = file('ca.crt', '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n');
    cert = file('client.crt', '-----BEGIN CERTIFICATE-----\nclient\n-----END CERTIFICATE-----\n');
    key = file('client.key', '-----BEGIN PRIVATE KEY-----\nkey\n-----END PRIVATE KEY-----\n');
    empty = file('empty.crt', '');
    missing = path.join(dir, 'no-such-file.crt');
    subdir = path.join(dir, 'a-directory');
    mkdirSync(subdir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the files given, over the init() options', () => {
    const o = resolve(
      { OBS_OTLP_ENDPOINT: HTTPS, OBS_TLS_CA_FILE: ca, OBS_TLS_CERT_FILE: cert, OBS_TLS_KEY_FILE: key },
      { otlp: { tls: { caFile: missing, certFile: missing, keyFile: missing } } },
    ).otlp;
    expect(o.ca?.toString()).toContain('\nca\n');
    expect(o.cert?.toString()).toContain('\nclient\n');
    expect(o.key?.toString()).toContain('\nkey\n');
    expect(o.insecure).toBe(false);
  });

  it('a CA alone is enough (server verification without mTLS), also for grpcs://', () => {
    expect(resolve({ OBS_OTLP_ENDPOINT: HTTPS, OBS_TLS_CA_FILE: ca }).otlp).toMatchObject({ insecure: false });
    const g = resolve({ OBS_OTLP_ENDPOINT: 'grpcs://collector:4317', OBS_TLS_CA_FILE: ca }).otlp;
    expect(g).toMatchObject({ protocol: 'grpc', insecure: false });
    expect(g.ca?.toString()).toContain('\nca\n');
  });

  it.each([
    ['OBS_TLS_CA_FILE', 'missing'],
    ['OBS_TLS_CA_FILE', 'empty'],
    ['OBS_TLS_CA_FILE', 'directory'],
    ['OBS_TLS_CERT_FILE', 'missing'],
    ['OBS_TLS_CERT_FILE', 'empty'],
    ['OBS_TLS_KEY_FILE', 'missing'],
    ['OBS_TLS_KEY_FILE', 'directory'],
  ])('%s naming a %s file is an error naming the variable and the path', (name, kind) => {
    const bad = kind === 'missing' ? missing : kind === 'empty' ? empty : subdir;
    const env: Vars = {
      OBS_OTLP_ENDPOINT: HTTPS,
      OBS_TLS_CA_FILE: ca,
      OBS_TLS_CERT_FILE: cert,
      OBS_TLS_KEY_FILE: key,
      [name]: bad,
    };
    const e = expectConfigError(env, name);
    expect(e.message).toContain(bad);
  });

  it('an unreadable file makes init() throw, naming the variable', async () => {
    await withEnv({ ...CLEAN_ENV, OBS_OTLP_ENDPOINT: HTTPS, OBS_TLS_CA_FILE: missing }, () => {
      expect(configError(() => init({ logDestination: lineSink().stream })).setting).toBe('OBS_TLS_CA_FILE');
    });
  });

  // A client certificate without its key (or the reverse) must name the OBS_TLS_* variables the user
  // works with, not an OTEL_* variable nobody set.
  it('OBS_TLS_CERT_FILE without OBS_TLS_KEY_FILE is an error naming an OBS_TLS_* variable', () => {
    const e = configError(() => resolve({ OBS_OTLP_ENDPOINT: HTTPS, OBS_TLS_CERT_FILE: cert }));
    expect(e.setting).toBe('OBS_TLS_CERT_FILE');
    expect(e.message).toMatch(/is set without its key \(OBS_TLS_KEY_FILE\): mTLS needs both/);
  });

  it('OBS_TLS_KEY_FILE without OBS_TLS_CERT_FILE is an error naming an OBS_TLS_* variable', () => {
    const e = configError(() => resolve({ OBS_OTLP_ENDPOINT: HTTPS, OBS_TLS_KEY_FILE: key }));
    expect(e.setting).toBe('OBS_TLS_KEY_FILE');
    expect(e.message).toMatch(/is set without its certificate \(OBS_TLS_CERT_FILE\)/);
  });

  it('TLS files with a plaintext endpoint are an error naming the file variable', () => {
    expectConfigError({ OBS_OTLP_ENDPOINT: 'http://collector:4318', OBS_TLS_CA_FILE: ca }, 'OBS_TLS_CA_FILE');
    expectConfigError(
      { OBS_OTLP_ENDPOINT: 'grpc://collector:4317', OBS_TLS_CERT_FILE: cert, OBS_TLS_KEY_FILE: key },
      'OBS_TLS_CERT_FILE',
    );
  });

  it('blank falls back to the options', () => {
    const o = resolve(
      { OBS_OTLP_ENDPOINT: HTTPS, OBS_TLS_CA_FILE: ' ', OBS_TLS_CERT_FILE: '', OBS_TLS_KEY_FILE: '  ' },
      { otlp: { tls: { caFile: ca, certFile: cert, keyFile: key } } },
    ).otlp;
    expect(o.ca?.toString()).toContain('\nca\n');
    expect(o.cert?.toString()).toContain('\nclient\n');
    expect(o.key?.toString()).toContain('\nkey\n');
  });
});

describe('OBS_REDACTION_RULES', () => {
  it('=foo redacts a log field named foo_x in the JSON line and in the exported record, on top of the built-in patterns', async () => {
    const sink = lineSink();
    const fields = {
      client_order_id: 'co_red',
      broker: 'alpaca',
      foo_x: 'hunter2',
      Foo_Y: 'hunter3',
      api_key: 'k-123',
      visible: 'plain',
    } as OrderSubmitFields;
    await withObs(
      { OBS_REDACTION_RULES: 'foo', OBS_OTLP_ENDPOINT: endpoint },
      { serviceName: 'ampy-oms', redaction: { patterns: ['visible'] }, logDestination: sink.stream },
      () => log.orderSubmit(fields, 'Placed'),
    );
    const line = sink.lines.find((l) => l['event'] === 'order.submit');
    // OBS_REDACTION_RULES replaces the option's patterns, but never the built-in and spec ones.
    expect(line).toMatchObject({
      client_order_id: 'co_red',
      foo_x: '***',
      Foo_Y: '***',
      api_key: '***',
      visible: 'plain',
    });
    expect(sink.text()).not.toMatch(/hunter2|hunter3|k-123/);
    expect(receiver.logs.find((l) => l.eventName === 'order.submit')?.attributes).toMatchObject({
      foo_x: '***',
      visible: 'plain',
    });
    expect(receiver.rawBytes().includes('hunter2')).toBe(false);
  });

  it('takes several comma-separated patterns, case-insensitively', () => {
    const k = resolve({ OBS_REDACTION_RULES: 'Foo, account_number ,SSN' }).redaction.keyPatterns;
    expect(k).toEqual(
      expect.arrayContaining(['foo', 'account_number', 'ssn', 'secret', 'password', 'token', 'api_key']),
    );
  });

  it.each([',', 'foo,,bar', 'foo, ,bar', 'foo,'])(
    'rejects %j (an empty pattern would redact every key) naming OBS_REDACTION_RULES',
    (value) => {
      expectConfigError({ OBS_REDACTION_RULES: value }, 'OBS_REDACTION_RULES');
    },
  );

  it('blank falls back to the option', () => {
    expect(
      resolve({ OBS_REDACTION_RULES: '  ' }, { redaction: { patterns: ['bar'] } }).redaction.keyPatterns,
    ).toContain('bar');
  });

  it('takes /regex/ entries as value patterns, commas inside them included, and scrubs what they match everywhere', async () => {
    const cfg = resolve({ OBS_REDACTION_RULES: 'desk_pin, /sk_live_[0-9a-z]{8,}/ ,/pin-[0-9]{2,4},x/' });
    expect(cfg.redaction.keyPatterns).toContain('desk_pin');
    expect(cfg.redaction.keyPatterns).not.toContain('/sk_live_[0-9a-z]{8,}/');
    expect(cfg.redaction.valuePatterns.map((r) => r.source)).toEqual(
      expect.arrayContaining(['sk_live_[0-9a-z]{8,}', 'pin-[0-9]{2,4},x']),
    );
    const sink = lineSink();
    await withObs(
      { OBS_REDACTION_RULES: '/sk_live_[0-9a-z]{8,}/', OBS_OTLP_ENDPOINT: endpoint },
      { serviceName: 'ampy-oms', logDestination: sink.stream },
      () =>
        log.orderSubmit(
          { client_order_id: 'co_sk', broker: 'alpaca', account_id: 'key sk_live_abcdef123456' },
          'charged with sk_live_abcdef123456',
        ),
    );
    expect(sink.lines.find((l) => l['client_order_id'] === 'co_sk')).toMatchObject({
      account_id: 'key ***',
      message: 'charged with ***',
    });
  });

  it.each([
    ['(a+)+$', 'exponential'],
    ['x[a-z]+y', '2nd degree polynomial'],
  ])('rejects the value pattern /%s/, which backtracks super-linearly, naming it', (source, complexity) => {
    const e = expectConfigError({ OBS_REDACTION_RULES: `token,/${source}/` }, 'OBS_REDACTION_RULES');
    expect(e.message).toContain(`value pattern /${source}/ backtracks super-linearly (${complexity})`);
  });

  it('rejects a value pattern with a count too large to analyse, at once, naming it', () => {
    // The analyser used to spend its whole time limit on it (10 s of the service's start) before refusing.
    const e = expectConfigError({ OBS_REDACTION_RULES: 'token,/pin-a{99999}/' }, 'OBS_REDACTION_RULES');
    expect(e.message).toContain('value pattern /pin-a{99999}/ repeats a piece 99999 times');
  });

  it('rejects a value pattern that does not compile, matches everything, or is not closed', () => {
    expect(expectConfigError({ OBS_REDACTION_RULES: '/(a/' }, 'OBS_REDACTION_RULES').message).toContain(
      'not a valid regular expression',
    );
    expect(expectConfigError({ OBS_REDACTION_RULES: '/x*/' }, 'OBS_REDACTION_RULES').message).toContain(
      'matches the empty string',
    );
    expect(expectConfigError({ OBS_REDACTION_RULES: 'a,/b' }, 'OBS_REDACTION_RULES').message).toContain(
      "has no closing '/'",
    );
  });

  it('checks spec value patterns at init unless generate already showed them linear, naming the pattern', () => {
    // One linear spec pattern beside the bad one: checking all of them in this thread would take seconds.
    const bearer = registry.redaction!.valuePatterns.find((p) => p.id === 'bearer_token')!;
    const bad = { ...registry.redaction!, valuePatterns: [bearer, { id: 'slow', regex: 'eyJ[A-Za-z0-9]+x' }] };
    const e = configError(() => resolveConfig({}, {}, { redaction: bad }));
    expect(e.setting).toBe('redaction pattern slow');
    expect(e.message).toContain('backtracks super-linearly');
    // The generated init() marks the spec's patterns as checked by the same analyser the runtime trusts.
    expect(readFileSync(path.resolve(import.meta.dirname, '../../generated/init.ts'), 'utf8')).toContain(
      `linearChecked: '${LINEAR_CHECK}'`,
    );
  });
});

// ---------------------------------------------------------------------------------------------------

describe('precedence: OBS_* over init() options over OTEL_* over the spec defaults', () => {
  it('service.name at the receiver comes from the highest source set', async () => {
    const cases: [Vars, InitOptions, string][] = [
      [{ OBS_SERVICE_NAME: 'obs', OTEL_SERVICE_NAME: 'otel' }, { serviceName: 'opt' }, 'obs'],
      [{ OTEL_SERVICE_NAME: 'otel', OTEL_RESOURCE_ATTRIBUTES: 'service.name=attrs' }, { serviceName: 'opt' }, 'opt'],
      [{ OTEL_SERVICE_NAME: 'otel', OTEL_RESOURCE_ATTRIBUTES: 'service.name=attrs' }, {}, 'otel'],
      [{ OTEL_RESOURCE_ATTRIBUTES: 'service.name=attrs' }, {}, 'attrs'],
    ];
    for (const [env, options, expected] of cases) {
      const before = receiver.spans.length;
      await withObs({ ...env, OBS_OTLP_ENDPOINT: endpoint }, options, () => emitAll());
      expect(receiver.spans.slice(before).map((s) => s.resource['service.name'])).toEqual([expected]);
    }
  });

  it('sampling ratio: OBS_SAMPLER_RATIO, then sampler.ratio, then OTEL_TRACES_SAMPLER_ARG, then the spec per environment', () => {
    const prod = { OBS_ENV: 'prod', OBS_OTLP_ENDPOINT: HTTPS };
    expect(
      resolve({ ...prod, OBS_SAMPLER_RATIO: '0.1', OTEL_TRACES_SAMPLER_ARG: '0.3' }, { sampler: { ratio: 0.2 } })
        .sampler.ratio,
    ).toBe(0.1);
    expect(resolve({ ...prod, OTEL_TRACES_SAMPLER_ARG: '0.3' }, { sampler: { ratio: 0.2 } }).sampler.ratio).toBe(0.2);
    expect(resolve({ ...prod, OTEL_TRACES_SAMPLER_ARG: '0.3' }).sampler.ratio).toBe(0.3);
    expect(resolve(prod).sampler).toEqual({ type: 'parent', ratio: 0.25 });
    expect(resolve({ OBS_ENV: 'paper', OBS_OTLP_ENDPOINT: HTTPS }).sampler.ratio).toBe(0.25);
    expect(resolve({}).sampler).toEqual({ type: 'parent', ratio: 1 });
    // The environment that picks the spec default follows the same precedence.
    expect(resolve({ OBS_OTLP_ENDPOINT: HTTPS }, { environment: 'prod' }).sampler.ratio).toBe(0.25);
    expect(resolve({ OBS_ENV: 'dev' }, { environment: 'prod' }).sampler.ratio).toBe(1);
  });

  it('sampler type: OBS_SAMPLER, then sampler.type, then OTEL_TRACES_SAMPLER, then the spec', () => {
    expect(
      resolve({ OBS_SAMPLER: 'always_on', OTEL_TRACES_SAMPLER: 'always_off' }, { sampler: { type: 'traceidratio' } })
        .sampler.type,
    ).toBe('always_on');
    expect(resolve({ OTEL_TRACES_SAMPLER: 'always_off' }, { sampler: { type: 'traceidratio' } }).sampler.type).toBe(
      'traceidratio',
    );
    expect(resolve({ OTEL_TRACES_SAMPLER: 'always_off' }).sampler.type).toBe('always_off');
    expect(resolve({}).sampler.type).toBe('parent');
  });

  it('dev samples every root span by default (the spec says 1.0), prod about a quarter (0.25)', async () => {
    await withObs({ OBS_OTLP_ENDPOINT: endpoint }, { serviceName: 'ampy-oms' }, () => rootSpans(40));
    expect(spanCount(receiver)).toBe(40);
    const before = receiver.spans.length;
    await withObs(
      { OBS_ENV: 'prod', OBS_OTLP_INSECURE: 'true', OBS_OTLP_ENDPOINT: endpoint },
      { serviceName: 'ampy-oms' },
      () => rootSpans(400),
    );
    // Binomial(400, 0.25): mean 100, sd 8.7; the bounds are more than 5 sd away.
    const kept = receiver.spans.length - before;
    expect(kept).toBeGreaterThan(50);
    expect(kept).toBeLessThan(150);
  });

  it('endpoint: OBS_OTLP_ENDPOINT, then otlp.endpoint, then OTEL_EXPORTER_OTLP_ENDPOINT, then http://collector:4318', () => {
    const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318' };
    expect(
      resolve({ ...otel, OBS_OTLP_ENDPOINT: 'http://obs:4318' }, { otlp: { endpoint: 'http://opt:4318' } }).otlp
        .endpoint,
    ).toBe('http://obs:4318');
    expect(resolve(otel, { otlp: { endpoint: 'http://opt:4318' } }).otlp.endpoint).toBe('http://opt:4318');
    expect(resolve(otel).otlp.endpoint).toBe('http://otel:4318');
    expect(resolve({}).otlp.endpoint).toBe('http://collector:4318');
  });

  it('environment: OBS_ENV, then environment, then deployment.environment of OTEL_RESOURCE_ATTRIBUTES, then dev', () => {
    const attrs = { OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=paper', OBS_OTLP_INSECURE: 'true' };
    expect(resolve({ ...attrs, OBS_ENV: 'dev' }, { environment: 'prod' }).resource['deployment.environment']).toBe(
      'dev',
    );
    expect(resolve(attrs, { environment: 'prod' }).resource['deployment.environment']).toBe('prod');
    expect(resolve(attrs).resource['deployment.environment']).toBe('paper');
    expect(resolve({}).resource['deployment.environment']).toBe('dev');
  });

  it('headers: OBS_HEADERS, then otlp.headers, then OTEL_EXPORTER_OTLP_HEADERS (whole sets, not merged)', () => {
    const otel = { OTEL_EXPORTER_OTLP_HEADERS: 'x-otel=1' };
    expect(resolve({ ...otel, OBS_HEADERS: 'x-obs=1' }, { otlp: { headers: { 'x-opt': '1' } } }).otlp.headers).toEqual({
      'x-obs': '1',
    });
    expect(resolve(otel, { otlp: { headers: { 'x-opt': '1' } } }).otlp.headers).toEqual({ 'x-opt': '1' });
    expect(resolve(otel).otlp.headers).toEqual({ 'x-otel': '1' });
  });

  it('export switches: OBS_EXPORT_*, then export.*, then OTEL_*_EXPORTER=none', () => {
    const none = { OTEL_TRACES_EXPORTER: 'none' };
    expect(resolve({ ...none, OBS_EXPORT_TRACES: 'true' }, { export: { traces: false } }).export.traces).toBe(true);
    expect(resolve(none, { export: { traces: true } }).export.traces).toBe(true);
    expect(resolve(none).export.traces).toBe(false);
    expect(resolve({}).export).toEqual({ traces: true, metrics: true, logs: true });
  });
});

// ---------------------------------------------------------------------------------------------------

describe('OTEL_* overlaps', () => {
  it('OTEL_SERVICE_NAME is service.name at the receiver when neither OBS_SERVICE_NAME nor the option is set', async () => {
    await withObs({ OTEL_SERVICE_NAME: 'otel-svc', OBS_OTLP_ENDPOINT: endpoint }, {}, () => emitAll());
    expect(receiver.spans[0]?.resource['service.name']).toBe('otel-svc');
    expect(
      resolve({ OTEL_SERVICE_NAME: ' ', OTEL_RESOURCE_ATTRIBUTES: 'service.name=attrs' }).resource['service.name'],
    ).toBe('attrs');
  });

  it('OTEL_RESOURCE_ATTRIBUTES adds (percent-decoded) attributes to the exported resource', async () => {
    await withObs(
      {
        OTEL_RESOURCE_ATTRIBUTES: 'team=execution,cloud.region=us-east-2,note=a%2Cb%3Dc, host.name = oms-7 ',
        OBS_OTLP_ENDPOINT: endpoint,
      },
      { serviceName: 'ampy-oms' },
      () => emitAll(),
    );
    expect(receiver.spans[0]?.resource).toMatchObject({
      'service.name': 'ampy-oms',
      team: 'execution',
      'cloud.region': 'us-east-2',
      note: 'a,b=c',
      'host.name': 'oms-7',
    });
    expect(receiver.points[0]?.resource).toMatchObject({ team: 'execution' });
  });

  it.each(['novalue', 'a=1,=2', 'k=%E0%A4%A'])('OTEL_RESOURCE_ATTRIBUTES rejects %j naming it', (value) => {
    expectConfigError({ OTEL_RESOURCE_ATTRIBUTES: value }, 'OTEL_RESOURCE_ATTRIBUTES');
  });

  it('OTEL_RESOURCE_ATTRIBUTES with a deployment.environment outside dev|paper|prod and their aliases is an error naming OTEL_RESOURCE_ATTRIBUTES', () => {
    expectConfigError({ OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=qa' }, 'OTEL_RESOURCE_ATTRIBUTES');
  });

  it('OTEL_EXPORTER_OTLP_ENDPOINT sends OTLP/HTTP there', async () => {
    await withObs({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }, { serviceName: 'ampy-oms' }, () => emitAll());
    expect(spanCount(receiver)).toBe(1);
  });

  it('OTEL_EXPORTER_OTLP_ENDPOINT with OTEL_EXPORTER_OTLP_PROTOCOL=grpc sends OTLP/gRPC there', async () => {
    await withGrpcReceiver(async (grpc) => {
      const obs = await withObs(
        { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${grpc.port}`, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
        { serviceName: 'ampy-oms' },
        () => emitAll(),
      );
      expect(obs.config.otlp.protocol).toBe('grpc');
      expect(spanCount(grpc)).toBe(1);
      expect(grpc.logs.map((l) => l.eventName)).toContain('order.submit');
      expect(receiver.requests).toHaveLength(0);
    });
  });

  it('an http:// OTEL_EXPORTER_OTLP_ENDPOINT for gRPC in prod is refused like any plaintext endpoint outside dev', () => {
    expectConfigError(
      { OBS_ENV: 'prod', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
      'OTEL_EXPORTER_OTLP_ENDPOINT',
    );
  });

  it('OTEL_EXPORTER_OTLP_ENDPOINT and OTEL_EXPORTER_OTLP_PROTOCOL reject bad values, naming themselves', () => {
    expectConfigError({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4000' }, 'OTEL_EXPORTER_OTLP_ENDPOINT');
    expectConfigError(
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'thrift' },
      'OTEL_EXPORTER_OTLP_PROTOCOL',
    );
  });

  it('OTEL_EXPORTER_OTLP_HEADERS arrive as HTTP headers, and as gRPC metadata', async () => {
    await withObs(
      { OTEL_EXPORTER_OTLP_HEADERS: 'api-key=s3cr%3Dt,x-tenant=ampy', OBS_OTLP_ENDPOINT: endpoint },
      { serviceName: 'ampy-oms' },
      () => emitAll(),
    );
    expect(receiver.requests.find((r) => r.signal === 'traces')?.headers).toMatchObject({
      'api-key': 's3cr=t',
      'x-tenant': 'ampy',
    });
    await withGrpcReceiver(async (grpc, grpcEndpoint) => {
      await withObs(
        { OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=ampy', OBS_OTLP_ENDPOINT: grpcEndpoint },
        { serviceName: 'ampy-oms' },
        () => emitAll(),
      );
      expect(grpc.requests.find((r) => r.signal === 'traces')?.headers).toMatchObject({ 'x-tenant': 'ampy' });
    });
  });

  it.each(['novalue', 'a b=c', 'k=%E0%A4%A'])('OTEL_EXPORTER_OTLP_HEADERS rejects %j naming it', (value) => {
    expectConfigError({ OTEL_EXPORTER_OTLP_HEADERS: value }, 'OTEL_EXPORTER_OTLP_HEADERS');
  });

  it('OTEL_TRACES_SAMPLER=always_off yields no spans', async () => {
    await withObs({ OTEL_TRACES_SAMPLER: 'always_off', OBS_OTLP_ENDPOINT: endpoint }, { serviceName: 'ampy-oms' }, () =>
      rootSpans(10),
    );
    expect(receiver.spans).toHaveLength(0);
  });

  it('OTEL_TRACES_SAMPLER=traceidratio with OTEL_TRACES_SAMPLER_ARG=0 drops ordinary spans, =1 keeps them', async () => {
    await withObs(
      { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0', OBS_OTLP_ENDPOINT: endpoint },
      { serviceName: 'ampy-oms' },
      () => rootSpans(20),
    );
    expect(spanCount(receiver)).toBe(0);
    await withObs(
      {
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '1',
        OBS_ENV: 'prod',
        OBS_OTLP_INSECURE: 'true',
        OBS_OTLP_ENDPOINT: endpoint,
      },
      { serviceName: 'ampy-oms' },
      () => rootSpans(20),
    );
    expect(spanCount(receiver)).toBe(20);
  });

  it('OTEL_TRACES_SAMPLER=parentbased_always_on samples every root span, even in prod', async () => {
    await withObs(
      {
        OTEL_TRACES_SAMPLER: 'parentbased_always_on',
        OBS_ENV: 'prod',
        OBS_OTLP_INSECURE: 'true',
        OBS_OTLP_ENDPOINT: endpoint,
      },
      { serviceName: 'ampy-oms' },
      () => rootSpans(20),
    );
    expect(spanCount(receiver)).toBe(20);
  });

  it('OTEL_TRACES_SAMPLER=parentbased_always_off (a standard value) is accepted and samples no ordinary root span', async () => {
    await withObs(
      { OTEL_TRACES_SAMPLER: 'parentbased_always_off', OBS_OTLP_ENDPOINT: endpoint },
      { serviceName: 'ampy-oms' },
      () => rootSpans(20),
    );
    expect(spanCount(receiver)).toBe(0);
  });

  it('OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG reject bad values, naming themselves', () => {
    expectConfigError({ OTEL_TRACES_SAMPLER: 'sometimes' }, 'OTEL_TRACES_SAMPLER');
    for (const v of ['1.5', '-1', 'half'])
      expectConfigError({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: v }, 'OTEL_TRACES_SAMPLER_ARG');
  });

  it('OTEL_TRACES_EXPORTER=none: no trace request, metrics and logs still arrive', async () => {
    await withObs({ OTEL_TRACES_EXPORTER: 'none', OBS_OTLP_ENDPOINT: endpoint }, { serviceName: 'ampy-oms' }, () =>
      emitAll(),
    );
    expect(requests(receiver, 'traces')).toBe(0);
    expect(receiver.points.map((p) => p.metric)).toContain('ampy.oms.order_submit');
    expect(receiver.logs.map((l) => l.eventName)).toContain('order.submit');
  });

  it('OTEL_SDK_DISABLED=true: the receiver gets nothing, the JSON log line is still written', async () => {
    const sink = lineSink();
    const obs = await withObs(
      { OTEL_SDK_DISABLED: 'true', OBS_OTLP_ENDPOINT: endpoint },
      { serviceName: 'ampy-oms', logDestination: sink.stream },
      () => emitAll(),
    );
    expect(obs.config.export).toEqual({ traces: false, metrics: false, logs: false });
    expect(receiver.requests).toHaveLength(0);
    expect(sink.lines.map((l) => l['event'])).toContain('order.submit');
  });

  it('OTEL_SDK_DISABLED rejects a non-boolean, naming it; false leaves export on', () => {
    expectConfigError({ OTEL_SDK_DISABLED: 'yes please' }, 'OTEL_SDK_DISABLED');
    expect(resolve({ OTEL_SDK_DISABLED: 'false' }).export).toEqual({ traces: true, metrics: true, logs: true });
  });
});

describe('strictness', () => {
  it('accepts only plain decimal numbers for ports and ratios', () => {
    expectConfigError({ OBS_PROM_PORT: '1e3' }, 'OBS_PROM_PORT');
    expectConfigError({ OBS_PROM_PORT: '0x50' }, 'OBS_PROM_PORT');
    expectConfigError({ OBS_SAMPLER_RATIO: '0x1' }, 'OBS_SAMPLER_RATIO');
    expect(resolve({ OBS_SAMPLER_RATIO: '.5' }).sampler.ratio).toBe(0.5);
  });

  it('treats grpc:// as plaintext: refused in prod unless insecure is asked for, grpcs:// is TLS', () => {
    expectConfigError({ OBS_ENV: 'prod', OBS_OTLP_ENDPOINT: 'grpc://collector:4317' }, 'OBS_OTLP_ENDPOINT');
    expect(
      resolve({ OBS_ENV: 'prod', OBS_OTLP_ENDPOINT: 'grpc://collector:4317', OBS_OTLP_INSECURE: 'true' }).otlp,
    ).toMatchObject({ protocol: 'grpc', insecure: true });
    expect(resolve({ OBS_ENV: 'prod', OBS_OTLP_ENDPOINT: 'grpcs://collector:4317' }).otlp).toMatchObject({
      protocol: 'grpc',
      insecure: false,
    });
  });

  it('names OTEL_EXPORTER_OTLP_INSECURE when it is the setting that refuses plaintext', () => {
    expectConfigError(
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_INSECURE: 'false' },
      'OTEL_EXPORTER_OTLP_INSECURE',
    );
  });
});

describe('OBS_OTLP_ENDPOINT=file://', () => {
  it('selects local OTLP-JSON files in that directory, without transport security', () => {
    expect(resolve({ OBS_ENV: 'prod', OBS_OTLP_ENDPOINT: 'file:///var/tmp/ampy%20telemetry' }).otlp).toMatchObject({
      protocol: 'file',
      endpoint: '/var/tmp/ampy telemetry',
    });
  });
  it('needs a directory', () => {
    expectConfigError({ OBS_OTLP_ENDPOINT: 'file:///' }, 'OBS_OTLP_ENDPOINT');
  });
  it('takes file://localhost/ as the local host', () => {
    expect(resolve({ OBS_OTLP_ENDPOINT: 'file://localhost/var/tmp/tel' }).otlp.endpoint).toBe('/var/tmp/tel');
  });
  it.each([
    'file://relative/dir',
    'file://./tel2',
    'file:tel2',
    'file:./tel2',
    'file:/abs/dir',
    'file://collector/var/tel',
  ])('refuses %j, which is not file:///absolute/path, saying what to write (not a directory at the root)', (url) => {
    expect(expectConfigError({ OBS_OTLP_ENDPOINT: url }, 'OBS_OTLP_ENDPOINT').message).toContain(
      'write file:///absolute/path',
    );
  });
  it.each(['file:///var/tmp/a%2Fb', 'file:///var/tmp/a%00b', 'file:///var/tmp/tel?x=1'])(
    'refuses %j, which names no plain directory',
    (url) => {
      expectConfigError({ OBS_OTLP_ENDPOINT: url }, 'OBS_OTLP_ENDPOINT');
    },
  );
});

describe('configuration other SDKs use (accepted, or refused precisely)', () => {
  it.each([
    ['localhost:4317', 'grpc', 'localhost:4317'],
    ['collector:4318', 'http/protobuf', 'http://collector:4318'],
    ['[::1]:4317', 'grpc', '[::1]:4317'],
  ])('OTEL_EXPORTER_OTLP_ENDPOINT=%s without a scheme is %s by its port', (value, protocol, resolved) => {
    expect(resolve({ OTEL_EXPORTER_OTLP_ENDPOINT: value }).otlp).toMatchObject({
      protocol,
      endpoint: resolved,
      insecure: true,
    });
    expect(resolve({ OBS_OTLP_ENDPOINT: value }).otlp).toMatchObject({ protocol, endpoint: resolved });
  });

  it('host:port on another port names the variable and the fix', () => {
    const e = expectConfigError({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:9000' }, 'OTEL_EXPORTER_OTLP_ENDPOINT');
    expect(e.message).toContain('write grpc://collector:9000 or http://collector:9000');
    // Plaintext host:port is still refused outside dev, naming what to do.
    expect(
      expectConfigError(
        { OBS_ENV: 'prod', OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4317' },
        'OTEL_EXPORTER_OTLP_ENDPOINT',
      ).message,
    ).toMatch(/OBS_OTLP_INSECURE=true/);
  });

  it('an unknown sampler lists every accepted one, and OpenTelemetry names work in OBS_SAMPLER too', () => {
    for (const [env, setting] of [
      [{ OTEL_TRACES_SAMPLER: 'jaeger_remote' }, 'OTEL_TRACES_SAMPLER'],
      [{ OBS_SAMPLER: 'sometimes' }, 'OBS_SAMPLER'],
    ] as const) {
      const e = expectConfigError(env, setting);
      expect(e.message).toContain(
        "accepted: parent, traceidratio, always_on, always_off, or OpenTelemetry's parentbased_traceidratio, parentbased_always_on, parentbased_always_off",
      );
    }
    expect(
      resolve({ OBS_SAMPLER: 'parentbased_always_on', OBS_ENV: 'prod', OBS_OTLP_ENDPOINT: HTTPS }).sampler,
    ).toEqual({ type: 'parent', ratio: 1 });
    expect(expectConfigError({}, 'sampler.type', { sampler: { type: 'jaeger' as 'parent' } }).message).toContain(
      'accepted: parent',
    );
  });

  it('OTEL_<SIGNAL>_EXPORTER and OBS_EXPORT_<SIGNAL> take console; several exporters or an unknown one are refused', () => {
    const c = resolve({
      OTEL_TRACES_EXPORTER: 'console',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_LOGS_EXPORTER: 'console',
    });
    expect(c.console).toEqual({ traces: true, metrics: false, logs: true });
    // Console logs are the JSON lines on stdout: no OTLP log records.
    expect(c.export).toEqual({ traces: true, metrics: true, logs: false });
    expect(resolve({ OBS_EXPORT_METRICS: 'console' }).console.metrics).toBe(true);
    expect(resolve({}, { export: { traces: 'console' } }).console.traces).toBe(true);
    expect(resolve({ OBS_EXPORT_TRACES: 'true', OTEL_TRACES_EXPORTER: 'console' }).console.traces).toBe(false);
    expect(expectConfigError({ OTEL_TRACES_EXPORTER: 'otlp,console' }, 'OTEL_TRACES_EXPORTER').message).toContain(
      'one: otlp, console or none',
    );
    expect(expectConfigError({ OTEL_METRICS_EXPORTER: 'prometheus' }, 'OTEL_METRICS_EXPORTER').message).toContain(
      'accepted: otlp, console, none',
    );
    expect(expectConfigError({ OBS_EXPORT_LOGS: 'stdout' }, 'OBS_EXPORT_LOGS').message).toContain(
      'true, false or console',
    );
  });

  it('OBS_LOG_LEVEL, then logLevel, then OTEL_LOG_LEVEL set the lines written', async () => {
    expect(resolve({ OBS_LOG_LEVEL: 'WARN', OTEL_LOG_LEVEL: 'debug' }, { logLevel: 'error' }).logLevel).toBe('warn');
    expect(resolve({ OTEL_LOG_LEVEL: 'debug' }, { logLevel: 'error' }).logLevel).toBe('error');
    expect(resolve({ OTEL_LOG_LEVEL: 'VERBOSE', OBS_ENV: 'prod', OBS_OTLP_ENDPOINT: HTTPS })).toMatchObject({
      logLevel: 'debug',
      diagLevel: 'verbose',
    });
    expect(resolve({ OBS_LOG_LEVEL: 'warning' }).logLevel).toBe('warn');
    expect(resolve({ OBS_ENV: 'prod', OBS_OTLP_ENDPOINT: HTTPS }).logLevel).toBe('info');
    expect(expectConfigError({ OBS_LOG_LEVEL: 'loud' }, 'OBS_LOG_LEVEL').message).toContain(
      'debug, info, warn, error, fatal',
    );
    expect(expectConfigError({ OTEL_LOG_LEVEL: 'loud' }, 'OTEL_LOG_LEVEL').message).toContain(
      'none, error, warn, info, debug, verbose, all',
    );
    const sink = lineSink();
    await withObs(
      { OBS_LOG_LEVEL: 'warn', OBS_OTLP_ENDPOINT: endpoint },
      { serviceName: 'ampy-oms', logDestination: sink.stream },
      async () => {
        log.orderSubmit({ client_order_id: 'co_info', broker: 'alpaca' }, 'info: left out');
        log.orderReject({ client_order_id: 'co_err', reject_reason: 'risk_check' }, 'error: written');
        await new Promise((r) => setImmediate(r));
      },
    );
    expect(sink.lines.map((l) => l['message'])).toEqual(['error: written']);
  });

  it('resourceAttributes and OTEL_RESOURCE_ATTRIBUTES add to every signal; the dedicated options win', async () => {
    const cfg = resolve(
      { OTEL_RESOURCE_ATTRIBUTES: 'team=data,deployment.mode=vm,service.name=from-otel' },
      {
        serviceName: 'ampy-oms',
        resourceAttributes: {
          team: 'execution',
          'deployment.mode': 'kubernetes',
          replicas: 3,
          canary: false,
          'service.name': 'ignored',
        },
      },
    );
    expect(cfg.resource).toMatchObject({
      'service.name': 'ampy-oms',
      team: 'execution',
      'deployment.mode': 'kubernetes',
      replicas: '3',
      canary: 'false',
    });
    expect(
      expectConfigError({}, 'resourceAttributes.owner', { resourceAttributes: { owner: {} as string } }).message,
    ).toContain('a string, a finite number or a boolean');
    expect(
      expectConfigError({}, 'resourceAttributes.weight', { resourceAttributes: { weight: Number.NaN } }).message,
    ).toContain('finite number');
    await withObs(
      { OBS_OTLP_ENDPOINT: endpoint, OTEL_RESOURCE_ATTRIBUTES: 'team=data' },
      { serviceName: 'ampy-oms', resourceAttributes: { 'deployment.mode': 'kubernetes' } },
      () => emitAll(),
    );
    expect(receiver.spans[0]?.resource).toMatchObject({ team: 'data', 'deployment.mode': 'kubernetes' });
    expect(receiver.points[0]?.resource).toMatchObject({ team: 'data', 'deployment.mode': 'kubernetes' });
  });

  it('OTEL_SERVICE_VERSION is service.version, below OBS_SERVICE_VERSION and serviceVersion', async () => {
    expect(
      resolve({ OTEL_SERVICE_VERSION: '2.0.1', OTEL_RESOURCE_ATTRIBUTES: 'service.version=1.0.0' }).resource[
        'service.version'
      ],
    ).toBe('2.0.1');
    expect(resolve({ OTEL_SERVICE_VERSION: '2.0.1' }, { serviceVersion: '3.0.0' }).resource['service.version']).toBe(
      '3.0.0',
    );
    expect(resolve({ OTEL_SERVICE_VERSION: '2.0.1', OBS_SERVICE_VERSION: '4.0.0' }).resource['service.version']).toBe(
      '4.0.0',
    );
    const sink = lineSink();
    await withObs(
      { OTEL_SERVICE_VERSION: '2.0.1', OBS_OTLP_ENDPOINT: endpoint },
      { serviceName: 'ampy-oms', logDestination: sink.stream },
      () => emitAll(),
    );
    expect(receiver.spans[0]?.resource['service.version']).toBe('2.0.1');
    expect(sink.lines[0]?.['service_version']).toBe('2.0.1');
  });

  it('OBS_INSTRUMENT and instrument: names (fetch and https too), all or none; anything else lists the names', () => {
    expect(resolve({ OBS_INSTRUMENT: 'pg, fetch,http' }).instrument).toEqual({
      names: ['http', 'undici', 'pg'],
      setting: 'OBS_INSTRUMENT',
    });
    expect(resolve({ OBS_INSTRUMENT: 'none' }, { instrument: 'all' }).instrument.names).toEqual([]);
    expect(resolve({}, { instrument: 'all' }).instrument.names).toEqual([
      'http',
      'undici',
      'express',
      'fastify',
      'pg',
      'ioredis',
      'redis',
      'grpc',
    ]);
    expect(resolve({}, { instrument: ['https', 'express'] }).instrument.names).toEqual(['http', 'express']);
    // Without the register entry, nothing is instrumented unless asked.
    expect(resolve({}).instrument).toEqual({ names: [], setting: 'default' });
    expect(expectConfigError({ OBS_INSTRUMENT: 'http,mongodb' }, 'OBS_INSTRUMENT').message).toContain(
      "'mongodb' is not an instrumentation; accepted: all, none, http, undici, express, fastify, pg, ioredis, redis, grpc",
    );
    expect(expectConfigError({ OBS_INSTRUMENT: 'all,pg' }, 'OBS_INSTRUMENT').message).toContain(
      'mixes all or none with names',
    );
    expectConfigError({}, 'instrument', { instrument: 'everything' as 'all' });
    expectConfigError({}, 'instrument', { instrument: [42] as unknown as ['http'] });
  });
});

describe('OBS_ADMIN_BIND / OBS_ADMIN_TOKEN / OBS_ADMIN_TRACES / OBS_ADMIN_TRACES_BYTES / OBS_EXEMPLARS', () => {
  it('binds the surface to 0.0.0.0 by default, or where OBS_ADMIN_BIND, admin.bind or prometheus.host says', () => {
    expect(resolve({ OBS_PROM_PORT: '9464' }).prometheus).toEqual({ port: 9464, host: '0.0.0.0' });
    expect(
      resolve({ OBS_PROM_PORT: '9464', OBS_ADMIN_BIND: '127.0.0.1' }, { admin: { bind: '::' } }).prometheus!.host,
    ).toBe('127.0.0.1');
    expect(
      resolve({ OBS_PROM_PORT: '9464' }, { admin: { bind: '::1' }, prometheus: { host: '0.0.0.0' } }).prometheus!.host,
    ).toBe('::1');
    expect(resolve({}, { prometheus: { port: 9464, host: 'localhost' } }).prometheus!.host).toBe('localhost');
    expect(expectConfigError({ OBS_ADMIN_BIND: 'example.com' }, 'OBS_ADMIN_BIND').message).toMatch(
      /is not an IP address to listen on/,
    );
  });

  it('takes the token from OBS_ADMIN_TOKEN over admin.token, and refuses one that cannot be a header value', () => {
    expect(resolve({}).admin).not.toHaveProperty('token');
    expect(resolve({ OBS_ADMIN_TOKEN: 'from-env' }, { admin: { token: 'from-code' } }).admin.token).toBe('from-env');
    expect(resolve({}, { admin: { token: 'from-code' } }).admin.token).toBe('from-code');
    expect(expectConfigError({ OBS_ADMIN_TOKEN: 'two words' }, 'OBS_ADMIN_TOKEN').message).toMatch(
      /printable ASCII without spaces/,
    );
  });

  it('bounds the trace ring by count and bytes', () => {
    expect(resolve({}).admin.traces).toEqual({ maxTraces: 100, maxBytes: 4 * 1024 * 1024 });
    expect(
      resolve({ OBS_ADMIN_TRACES: '0', OBS_ADMIN_TRACES_BYTES: '65536' }, { admin: { traces: { maxTraces: 5 } } }).admin
        .traces,
    ).toEqual({ maxTraces: 0, maxBytes: 65536 });
    expectConfigError({ OBS_ADMIN_TRACES: '-1' }, 'OBS_ADMIN_TRACES');
    expectConfigError({ OBS_ADMIN_TRACES_BYTES: '1e6' }, 'OBS_ADMIN_TRACES_BYTES');
    expect(configError(() => resolve({}, { admin: { sloSampleMillis: 5 } })).setting).toBe('admin.sloSampleMillis');
  });

  it('keeps exemplars unless OBS_EXEMPLARS or the option says false', () => {
    expect(resolve({}).exemplars).toBe(true);
    expect(resolve({ OBS_EXEMPLARS: 'false' }, { exemplars: true }).exemplars).toBe(false);
    expect(resolve({}, { exemplars: false }).exemplars).toBe(false);
    expectConfigError({ OBS_EXEMPLARS: 'maybe' }, 'OBS_EXEMPLARS');
  });

  it('shuts down on exit unless OBS_SHUTDOWN_ON_EXIT or the option says false', () => {
    expect(resolve({}).shutdownOnExit).toBe(true);
    expect(resolve({ OBS_SHUTDOWN_ON_EXIT: 'false' }, { shutdownOnExit: true }).shutdownOnExit).toBe(false);
    expect(resolve({}, { shutdownOnExit: false }).shutdownOnExit).toBe(false);
    expectConfigError({ OBS_SHUTDOWN_ON_EXIT: 'later' }, 'OBS_SHUTDOWN_ON_EXIT');
  });
});
