// Exemplars end to end on a real Prometheus: it scrapes the demo's OMS in OpenMetrics with exemplar
// storage on, and /api/v1/query_exemplars on the order-latency histogram returns the trace of the
// demo's slow order (examples/trading-path: co_20250905_005 waits 650 ms at the broker).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { notable } from '../../examples/trading-path/report.js';
import { runDemo } from '../../examples/trading-path/run.js';
import { readLocalTelemetry } from '../../tools/inspect/read.js';
import { cleanEnv } from '../examples/helpers.js';
import { Prometheus, until } from '../support/prometheus.js';
import { requireTool } from '../support/tools.js';

const prometheusBin = requireTool('prometheus');
const prom = new Prometheus();
const dir = mkdtempSync(path.join(tmpdir(), 'ampyobs-exemplars-'));

interface ExemplarSeries {
  seriesLabels: Record<string, string>;
  exemplars: { labels: Record<string, string>; value: string; timestamp: number }[];
}

afterAll(async () => {
  await prom.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!prometheusBin)('exemplars on a real Prometheus', () => {
  it("query_exemplars on the order-latency histogram returns the slow order's trace", async () => {
    let found: ExemplarSeries[] = [];
    let scrapeAccept = '';
    const env = Object.fromEntries(Object.entries(cleanEnv()).filter((e): e is [string, string] => e[1] !== undefined));
    await runDemo({
      dir,
      quiet: true,
      env: { ...env, OBS_OTLP_ENDPOINT: `file://${dir}` },
      // While the services still run: Prometheus scrapes the OMS until the exemplars are stored.
      beforeStop: async (ports) => {
        await prom.start(
          prometheusBin!,
          [{ target: `127.0.0.1:${ports['ampy-oms']}`, labels: { service: 'ampy-oms', env: 'dev' } }],
          [],
          ['--enable-feature=exemplar-storage'],
        );
        found = await until('exemplars of ampy_oms_order_latency_ms_bucket', async () => {
          const end = Date.now() / 1000 + 60;
          const res = await fetch(
            `${prom.url}/api/v1/query_exemplars?query=${encodeURIComponent('ampy_oms_order_latency_ms_bucket')}&start=${end - 3600}&end=${end}`,
          );
          const body = (await res.json()) as { status: string; data: ExemplarSeries[] };
          return body.status === 'success' && body.data.length ? body.data : undefined;
        });
        const targets = (await (await fetch(`${prom.url}/api/v1/targets`)).json()) as {
          data: { activeTargets: { health: string; lastError: string }[] };
        };
        expect(targets.data.activeTargets.map((t) => [t.health, t.lastError])).toEqual([['up', '']]);
        scrapeAccept = (
          await (
            await fetch(`http://127.0.0.1:${ports['ampy-oms']}/metrics`, {
              headers: { accept: 'application/openmetrics-text;version=1.0.0' },
            })
          ).text()
        ).slice(-6);
      },
    });
    expect(scrapeAccept).toBe('# EOF\n');
    const slow = notable(readLocalTelemetry(dir)).slow!;
    expect(slow.clientOrderId).toBe('co_20250905_005');
    const bucket = found.find((s) => s.exemplars.some((e) => e.labels['trace_id'] === slow.traceId));
    expect(bucket, `an exemplar with trace_id ${slow.traceId} in ${JSON.stringify(found)}`).toBeDefined();
    expect(bucket!.seriesLabels).toMatchObject({
      __name__: 'ampy_oms_order_latency_ms_bucket',
      broker: 'alpaca',
      le: '1000',
      service: 'ampy-oms',
    });
    const e = bucket!.exemplars.find((x) => x.labels['trace_id'] === slow.traceId)!;
    expect(e.labels['span_id']).toMatch(/^[0-9a-f]{16}$/);
    expect(Number(e.value)).toBeGreaterThan(500);
    expect(Number(e.value)).toBeLessThanOrEqual(1000);
    // Every exemplar Prometheus holds points to a trace the demo exported.
    const traces = new Set(readLocalTelemetry(dir).spans.map((s) => s.traceId));
    for (const s of found) for (const x of s.exemplars) expect(traces.has(x.labels['trace_id']!)).toBe(true);
  }, 120_000);
});
