// Console exporters (OTEL_TRACES_EXPORTER=console…) in a process of their own, since they print to its
// stdout: spans and metrics there, nothing at the collector.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OtlpReceiver } from '../support/otlp-receiver.js';

let receiver: OtlpReceiver;
let endpoint: string;
beforeAll(async () => {
  receiver = new OtlpReceiver();
  endpoint = await receiver.startHttp();
});
afterAll(async () => {
  await receiver.stop();
});

describe('console exporters', () => {
  it('console exporters print spans and metrics on stdout, and nothing reaches the collector', async () => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'ampyobs-console-'));
    const script = path.join(tmp, 'console.mts');
    writeFileSync(
      script,
      [
        `import { init, metrics, spans } from ${JSON.stringify(path.resolve(import.meta.dirname, '../../generated/index.js'))};`,
        "const obs = init({ serviceName: 'ampy-oms', metricIntervalMillis: 200 });",
        "spans.oms.submit.start({ broker: 'alpaca', client_order_id: 'co_console', side: 'buy' }).end();",
        "metrics.oms.orderSubmit.add(1, { broker: 'alpaca', outcome: 'ok' });",
        'await new Promise((r) => setTimeout(r, 600));',
        'await obs.shutdown(2000);',
      ].join('\n'),
    );
    const out = execFileSync(process.execPath, ['--import', 'tsx', script], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: {
        PATH: process.env['PATH'],
        OTEL_TRACES_EXPORTER: 'console',
        OTEL_METRICS_EXPORTER: 'console',
        OTEL_LOGS_EXPORTER: 'none',
        OBS_OTLP_ENDPOINT: endpoint,
      },
      encoding: 'utf8',
    });
    expect(out).toContain("name: 'oms.submit'");
    expect(out).toContain("client_order_id: 'co_console'");
    expect(out).toContain("name: 'ampy.oms.order_submit'");
    expect(receiver.requests).toHaveLength(0);
    rmSync(tmp, { recursive: true, force: true });
  });
});
