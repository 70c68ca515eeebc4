// `ampyobs inspect` pivots from an order id to its log lines, its trace across processes, the metric
// series of the services on the path and the dashboard panels showing them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../codegen/cli.js';
import { extractBusContext, init, injectBusHeaders, log, metrics, spans } from '../../../generated/index.js';
import { inspectDir } from '../../../tools/inspect/inspect.js';
import { readLocalTelemetry } from '../../../tools/inspect/read.js';
import type { Observability } from '../../../runtime/index.js';
import { CLEAN_ENV, withEnv } from '../../support/env.js';
import { freePort } from '../../support/ports.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(path.join(tmpdir(), 'ampyobs-inspect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

beforeAll(async () => {
  let headers: Record<string, string> = {};
  // Two services, one after the other, writing to the same folder as two processes would.
  await withEnv({ ...CLEAN_ENV, OBS_OTLP_ENDPOINT: `file://${dir}` }, async () => {
    const oms = init({ serviceName: 'ampy-oms', logFile: path.join(dir, 'log-ampy-oms.jsonl') });
    await spans.oms.submit({ broker: 'alpaca', client_order_id: 'co_x1', side: 'buy' }, async () => {
      log.orderSubmit({ client_order_id: 'co_x1', broker: 'alpaca' }, 'Placed limit order');
      // Recorded in the sampled span: the counter keeps it as an exemplar.
      metrics.oms.orderSubmit.add(1, { broker: 'alpaca', outcome: 'ok' });
      const envelope = {
        message_id: 'm1',
        schema_fqdn: 'ampy.orders.v1.OrderRequest',
        topic: 'ampy/dev/orders/v1/requests',
        partition_key: 'co_x1',
      };
      headers = spans.bus.publish(envelope, () => injectBusHeaders(envelope));
    });
    // Seconds sum to fractions; an instrument of another scope is marked with it.
    oms.histogram('quotes.fetch_seconds', { unit: 's' }).record(0.0123);
    spans.oms.submit({ broker: 'alpaca', client_order_id: 'co_other', side: 'sell' }, () =>
      log.orderSubmit({ client_order_id: 'co_other', broker: 'alpaca' }, 'Another order'),
    );
    await oms.shutdown(2000);

    const broker = init({ serviceName: 'broker-alpaca', logFile: path.join(dir, 'log-broker-alpaca.jsonl') });
    const { context, envelope } = extractBusContext(headers);
    spans.bus.consume(
      {
        topic: envelope.topic!,
        message_id: envelope.message_id!,
        schema_fqdn: envelope.schema_fqdn!,
        partition_key: envelope.partition_key!,
      },
      () => {
        log.brokerAck({ client_order_id: 'co_x1', broker_order_id: 'b1', status: 'accepted' }, 'Order accepted');
        metrics.bus.consumed.add(1, { topic: 'ampy/dev/orders/v1/requests' });
      },
      { parent: context },
    );
    await broker.shutdown(2000);
  });
});

describe('ampyobs inspect', () => {
  it('joins log lines, the trace across processes, metric series and dashboard panels for an order', () => {
    const t = readLocalTelemetry(dir);
    const trace = t.spans.find((s) => s.name === 'oms.submit' && s.attributes['client_order_id'] === 'co_x1')!.traceId;
    const { lines, found } = inspectDir(dir, { clientOrderId: 'co_x1' }, path.join(ROOT, 'generated', 'dashboards'));
    const text = lines.join('\n');
    expect(found).toBe(true);
    expect(text).toMatch(/ampy-oms\s+info\s+order\.submit\s+Placed limit order/);
    expect(text).toMatch(/broker-alpaca\s+info\s+broker\.ack\s+Order accepted/);
    expect(text).not.toContain('Another order');
    expect(text).toContain(`Trace ${trace} across ampy-oms → broker-alpaca`);
    expect(text).toMatch(/ampy-oms\s+ampy\.oms\.order_submit\{broker="alpaca", outcome="ok"\} 1/);
    expect(text).toMatch(/broker-alpaca\s+ampy\.bus\.consumed\{topic="ampy\/dev\/orders\/v1\/requests"\} 1/);
    expect(text).toMatch(/Trading Path › .*[Oo]rder/);
    expect(text).toMatch(/ampy-oms\s+quotes\.fetch_seconds\{\} count=1 sum=0\.0123 \[ampyobs\.adhoc\]/);
  });

  it("shows a service's log records when its lines went to stdout, and a line written both ways once", async () => {
    // A service run as the README says, with OBS_OTLP_ENDPOINT=file:///… and stdout collected elsewhere:
    // the folder holds its OTLP records only.
    const own = mkdtempSync(path.join(tmpdir(), 'ampyobs-inspect-records-'));
    try {
      let traceId = '';
      await withEnv({ ...CLEAN_ENV, OBS_OTLP_ENDPOINT: `file://${own}` }, async () => {
        const obs = init({ serviceName: 'acme-strategy', logDestination: { write: () => true } });
        spans.oms.submit({ broker: 'alpaca', client_order_id: 'co_r1', side: 'buy' }, (span) => {
          traceId = span.spanContext().traceId;
          log.orderSubmit({ client_order_id: 'co_r1', broker: 'alpaca' }, 'Placed from a service');
        });
        await obs.shutdown(2000);
      });
      const logs = readLocalTelemetry(own).logs;
      expect(logs).toEqual([
        expect.objectContaining({
          level: 'info',
          service: 'acme-strategy',
          env: 'dev',
          trace_id: traceId,
          client_order_id: 'co_r1',
          broker: 'alpaca',
          event: 'order.submit',
          message: 'Placed from a service',
        }),
      ]);
      expect(logs[0]!.ts).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/);
      const text = inspectDir(own, { clientOrderId: 'co_r1' }, path.join(ROOT, 'generated', 'dashboards')).lines.join(
        '\n',
      );
      expect(text).toMatch(
        new RegExp(`acme-strategy\\s+info\\s+order\\.submit\\s+Placed from a service  trace_id=${traceId}`),
      );
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
    // ampy-oms wrote a line file and records: its line is listed once.
    const text = inspectDir(dir, { clientOrderId: 'co_x1' }, path.join(ROOT, 'generated', 'dashboards')).lines.join(
      '\n',
    );
    expect(text.match(/Placed limit order/g)).toHaveLength(1);
  });

  it('finds the same by trace id, and says clearly when there is nothing', async () => {
    const trace = readLocalTelemetry(dir).spans.find((s) => s.name === 'bus.consume')!.traceId;
    expect(inspectDir(dir, { traceId: trace }, path.join(ROOT, 'generated', 'dashboards')).lines.join('\n')).toContain(
      'Order accepted',
    );
    const out: string[] = [];
    const err: string[] = [];
    expect(
      await runCli(['inspect', '--client-order-id', 'co_missing', '--dir', dir], {
        out: (s) => out.push(s),
        err: (s) => err.push(s),
      }),
    ).toBe(1);
    expect(err.join('\n')).toContain('Nothing in the local telemetry for client_order_id co_missing');
    expect(await runCli(['inspect', '--dir', dir], { out: () => {}, err: () => {} })).toBe(2);
    expect(
      await runCli(['inspect', '--trace-id', 'x', '--dir', path.join(dir, 'absent')], {
        out: () => {},
        err: (s) => err.push(s),
      }),
    ).toBe(1);
    expect(err.join('\n')).toMatch(
      /no local telemetry in .*absent: pass --dir the folder a service wrote with OBS_OTLP_ENDPOINT=file:\/\/\/<folder>/,
    );
    // A service has no `npm run demo`: the hint is about its own runs.
    expect(err.join('\n')).not.toContain('npm run demo');
  });
});

describe('ampyobs inspect: exemplars, health and SLOs', () => {
  it('lists the exemplars that point to the trace', () => {
    const t = readLocalTelemetry(dir);
    const trace = t.spans.find((s) => s.name === 'oms.submit' && s.attributes['client_order_id'] === 'co_x1')!.traceId;
    const text = inspectDir(dir, { clientOrderId: 'co_x1' }, path.join(ROOT, 'generated', 'dashboards')).lines.join(
      '\n',
    );
    expect(text).toMatch(
      new RegExp(
        `Exemplars that point to this trace[^\\n]*\\n  ampy-oms +ampy\\.oms\\.order_submit\\{broker="alpaca", outcome="ok"\\} 1 → trace ${trace} \\(span [0-9a-f]{16}\\)`,
      ),
    );
    expect(text).toMatch(/Health and SLOs of the services on this path\n {2}not read: pass --surface/);
  });

  it('reads the health and SLOs of running services with --surface', async () => {
    const port = await freePort();
    let obs: Observability | undefined;
    await withEnv({ ...CLEAN_ENV, OBS_ADMIN_TOKEN: 'inspect-token-0123456789' }, async () => {
      obs = init({
        serviceName: 'ampy-oms',
        prometheus: { port, host: '127.0.0.1' },
        export: { traces: false, metrics: false, logs: false },
        logDestination: { write: () => true },
      });
      metrics.oms.orderSubmit.add(99, { broker: 'alpaca', outcome: 'ok' });
      metrics.oms.orderSubmit.add(1, { broker: 'alpaca', outcome: 'reject' });
      const out: string[] = [];
      const code = await runCli(
        [
          'inspect',
          '--client-order-id',
          'co_x1',
          '--dir',
          dir,
          '--surface',
          `http://127.0.0.1:${port}`,
          '--surface',
          'http://127.0.0.1:9',
        ],
        { out: (s) => out.push(s), err: (s) => out.push(s) },
      );
      expect(code).toBe(0);
      const text = out.join('\n');
      expect(text).toMatch(/\n {2}ampy-oms +(healthy|degraded)/);
      expect(text).toMatch(
        /SLO oms-order-success \(objective 99\.5%\): exhausted; SLI 99\.0% over 5m, error budget left -100\.0%; burn alerts 3d-6h pending$/m,
      );
      // An unreachable surface is named, not fatal.
      expect(text).toMatch(/cannot read http:\/\/127\.0\.0\.1:9: /);
    });
    await obs?.shutdown(1000);
  });
});
