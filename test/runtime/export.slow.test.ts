// init() on a real OTLP receiver: resource attributes on every signal, correlation between logs and
// spans, safety-critical sampling, gRPC, and a trace continued by a second process over bus headers.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { init, injectBusHeaders, log, metrics, spans } from '../../generated/index.js';
import { CLEAN_ENV, withEnv } from '../support/env.js';
import { lineSink } from '../support/lines.js';
import { OtlpReceiver } from '../support/otlp-receiver.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
let receiver: OtlpReceiver;
let endpoint: string;

beforeEach(async () => {
  receiver = new OtlpReceiver();
  endpoint = await receiver.startHttp();
});
afterEach(() => receiver.stop());

const RESOURCE = {
  'service.name': 'ampy-oms',
  'service.version': '2.3.1@abc123',
  'deployment.environment': 'paper',
  'cloud.region': 'us-east-1',
  'ampy.bus.cluster': 'bus-paper-1',
  'ampy.schema_version': '1.4.0',
};

describe('OTLP/HTTP export', () => {
  it('delivers spans, logs and metrics with the resource attributes, and logs carry the span ids', async () => {
    const sink = lineSink();
    await withEnv({ ...CLEAN_ENV, OBS_OTLP_INSECURE: 'true' }, async () => {
      const obs = init({
        serviceName: 'ampy-oms',
        serviceVersion: '2.3.1@abc123',
        environment: 'paper',
        region: 'us-east-1',
        busCluster: 'bus-paper-1',
        schemaVersion: '1.4.0',
        instanceId: 'oms-1',
        otlp: { endpoint },
        sampler: { type: 'always_on' },
        logDestination: sink.stream,
      });
      await spans.oms.submit({ broker: 'alpaca', client_order_id: 'co_1', side: 'buy' }, async () => {
        log.orderSubmit(
          { client_order_id: 'co_1', broker: 'alpaca', limit_price: { scaled: 1919900, scale: 4 } },
          'Placed limit order',
        );
        metrics.oms.orderSubmit.add(1, { broker: 'alpaca', outcome: 'ok' });
        metrics.oms.orderLatencyMs.record(42, { broker: 'alpaca' });
      });
      await obs.shutdown(5000);
    });

    const span = receiver.spans.find((s) => s.name === 'oms.submit');
    expect(span?.attributes).toMatchObject({ broker: 'alpaca', client_order_id: 'co_1', side: 'buy' });
    const record = receiver.logs.find((l) => l.eventName === 'order.submit');
    const point = receiver.points.find((p) => p.metric === 'ampy.oms.order_submit');
    for (const resource of [span?.resource, record?.resource, point?.resource])
      expect(resource).toMatchObject({ ...RESOURCE, 'service.instance.id': 'oms-1' });

    expect(record).toMatchObject({
      body: 'Placed limit order',
      severityText: 'INFO',
      traceId: span?.traceId,
      spanId: span?.spanId,
    });
    // The ids are the record's own fields, not attributes too (Loki would store them twice).
    expect(record?.attributes).toEqual({
      event: 'order.submit',
      client_order_id: 'co_1',
      broker: 'alpaca',
      limit_price: { scaled: 1919900, scale: 4 },
    });
    expect(sink.lines[0]).toMatchObject({
      trace_id: span?.traceId,
      span_id: span?.spanId,
      service: 'ampy-oms',
      env: 'paper',
      service_version: '2.3.1@abc123',
    });

    const latency = receiver.points.find((p) => p.metric === 'ampy.oms.order_latency_ms');
    expect(latency).toMatchObject({
      kind: 'histogram',
      count: 1,
      sum: 42,
      unit: 'ms',
      bounds: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000],
    });
    expect(point).toMatchObject({
      kind: 'sum',
      value: 1,
      unit: '{order}',
      attributes: { broker: 'alpaca', outcome: 'ok' },
    });
  });

  it('gives each log record the instant its line carries, its scope, and at most 128 attributes', async () => {
    const sink = lineSink();
    await withEnv({ ...CLEAN_ENV, OBS_OTLP_INSECURE: 'true' }, async () => {
      const obs = init({
        serviceName: 'ampy-oms',
        environment: 'paper',
        otlp: { endpoint },
        logDestination: sink.stream,
      });
      log.orderSubmit({ client_order_id: 'co_1', broker: 'alpaca' }, 'Placed');
      // Untyped callers can pass any number of fields: the record keeps the first 128 attributes.
      obs.logger('acme.web').info('Wide', Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`f${i}`, i])));
      await obs.shutdown(5000);
    });
    const nanos = (ts: unknown): number => {
      const [, frac] = String(ts).split('.');
      return Date.parse(`${String(ts).slice(0, 19)}Z`) * 1e6 + Number(frac!.slice(0, 9));
    };
    const event = receiver.logs.find((l) => l.eventName === 'order.submit');
    const wide = receiver.logs.find((l) => l.body === 'Wide');
    expect(event?.scope).toBe('ampyobs');
    expect(wide?.scope).toBe('ampyobs.adhoc');
    // The same instant, to the precision a JavaScript number holds nanoseconds since the epoch.
    expect(Math.abs(event!.timeUnixNano - nanos(sink.lines[0]!['ts']))).toBeLessThan(1000);
    expect(Math.abs(wide!.timeUnixNano - nanos(sink.lines[1]!['ts']))).toBeLessThan(1000);
    expect(event!.observedTimeUnixNano).toBe(event!.timeUnixNano);
    expect(event?.droppedAttributesCount).toBe(0);
    // An event's record carries what its line does: the line's fields as attributes, its message as body.
    const { level, ts, service, env, service_version, message, ...fields } = sink.lines[0]!;
    expect([level, ts, service, env, service_version]).not.toContain(undefined);
    expect(event!.body).toBe(message);
    expect(event!.attributes).toEqual(fields);
    expect(Object.keys(wide!.attributes)).toHaveLength(128);
    expect(wide!.attributes).toMatchObject({ f0: 0, f1: 1 });
    // The logger's component and the 200 fields: none lost without being counted.
    expect(wide!.attributes['component']).toBe('acme.web');
    expect(Object.keys(wide!.attributes).length + wide!.droppedAttributesCount).toBe(201);
  });

  it('keeps safety-critical spans when the ratio drops everything else', async () => {
    await withEnv({ ...CLEAN_ENV, OBS_SAMPLER: 'parent', OBS_SAMPLER_RATIO: '0.0' }, async () => {
      const obs = init({ serviceName: 'broker-alpaca', otlp: { endpoint }, logDestination: lineSink().stream });
      for (let i = 0; i < 20; i++) {
        spans.oms.submit({ broker: 'alpaca', client_order_id: `co_${i}`, side: 'buy' }, () => {
          spans.oms.reject.start({ broker: 'alpaca', client_order_id: `co_${i}`, reject_reason: 'risk_check' }).end();
        });
        spans.bus.dlq.start({ topic: 't', message_id: `m${i}`, reason: 'max_retries' }).end();
        spans.broker.ack.start({ broker_order_id: `b${i}`, status: i % 2 ? 'rejected' : 'accepted' }).end();
      }
      await obs.shutdown(5000);
    });
    const count = (name: string): number => receiver.spans.filter((s) => s.name === name).length;
    expect(count('oms.submit')).toBe(0);
    expect(count('oms.reject')).toBe(20);
    expect(count('bus.dlq')).toBe(20);
    expect(receiver.spans.filter((s) => s.name === 'broker.ack').map((s) => s.attributes['status'])).toEqual(
      Array(10).fill('rejected'),
    );
  });

  it('continues a trace in another process from the bus headers alone', async () => {
    let headers: Record<string, string> = {};
    await withEnv({ ...CLEAN_ENV }, async () => {
      const obs = init({ serviceName: 'ampy-model-server', otlp: { endpoint }, logDestination: lineSink().stream });
      const envelope = {
        message_id: '018f5e32',
        schema_fqdn: 'ampy.signals.v1.Signal',
        topic: 'ampy/dev/signals/v1',
        partition_key: 'co_77',
        run_id: 'live_trading_44',
      };
      headers = spans.bus.publish(envelope, () => injectBusHeaders(envelope));
      await obs.shutdown(5000);
    });
    // Asynchronously: the receiver lives in this process and must keep answering.
    await promisify(execFile)(
      path.join(ROOT, 'node_modules', '.bin', 'tsx'),
      [path.join(ROOT, 'test', 'support', 'bus-consumer.ts'), JSON.stringify(headers), endpoint],
      {
        env: {
          ...Object.fromEntries(
            Object.entries(process.env).filter(([k]) => !k.startsWith('OBS_') && !k.startsWith('OTEL_')),
          ),
          OBS_ENV: 'dev',
        },
      },
    );
    const publish = receiver.spans.find((s) => s.name === 'bus.publish');
    const consume = receiver.spans.find((s) => s.name === 'bus.consume');
    expect(publish?.resource['service.name']).toBe('ampy-model-server');
    expect(consume?.resource['service.name']).toBe('ampy-oms');
    expect(consume?.traceId).toBe(publish?.traceId);
    expect(consume?.parentSpanId).toBe(publish?.spanId);
    const record = receiver.logs.find((l) => l.eventName === 'order.submit');
    expect(record).toMatchObject({ traceId: publish?.traceId, spanId: consume?.spanId });
    expect(record?.attributes).toMatchObject({ message_id: '018f5e32', run_id: 'live_trading_44' });
  });
});

describe('OTLP/gRPC export', () => {
  it('is chosen by a grpc:// endpoint and delivers every signal', async () => {
    const grpc = new OtlpReceiver();
    const grpcEndpoint = await grpc.startGrpc();
    try {
      await withEnv({ ...CLEAN_ENV, OBS_OTLP_ENDPOINT: grpcEndpoint }, async () => {
        const obs = init({ serviceName: 'ampy-oms', logDestination: lineSink().stream });
        expect(obs.config.otlp.protocol).toBe('grpc');
        spans.oms.submit({ broker: 'ibkr', client_order_id: 'co_g', side: 'sell' }, () =>
          log.orderSubmit({ client_order_id: 'co_g', broker: 'ibkr' }, 'Placed'),
        );
        metrics.oms.orderSubmit.add(1, { broker: 'ibkr', outcome: 'ok' });
        await obs.shutdown(5000);
      });
      expect(grpc.spans.map((s) => s.name)).toContain('oms.submit');
      expect(grpc.logs.map((l) => l.eventName)).toContain('order.submit');
      expect(grpc.points.map((p) => p.metric)).toContain('ampy.oms.order_submit');
    } finally {
      await grpc.stop();
    }
  });
});
