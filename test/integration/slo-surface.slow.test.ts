// GET /slos against the real thing: the same traffic goes into the service, which evaluates its SLOs in
// process, and into a real Prometheus that scrapes it and runs the generated recording rules and burn
// alerts. Every SLO's error ratio per window, its error budget, each tier's burn rates and which burn
// alerts are active must agree within TOLERANCE.
//
// The run is shorter than the shortest window (5m), so every window holds the whole run here: this test
// checks the data path and the arithmetic end to end; test/runtime/slo.test.ts checks window boundaries
// on a clock it moves. Every series exists (at zero, or with one good observation) before the traffic
// starts, so Prometheus' extrapolation of rate() back to zero is exact and the remaining difference is
// float rounding.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, metrics } from '../../generated/index.js';
import type { Observability, SloFigures } from '../../runtime/index.js';
import { CLEAN_ENV, withEnv } from '../support/env.js';
import { lineSink } from '../support/lines.js';
import { freePort } from '../support/ports.js';
import { Prometheus, until } from '../support/prometheus.js';
import { requireTool } from '../support/tools.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const prometheusBin = requireTool('prometheus');
/**
 * Largest difference allowed between the in-process and Prometheus' error ratios, relative to the ratio:
 * 0.01 %. Measured: 9e-6 for the latency SLIs (rate() extrapolates the histogram's priming observation a
 * little differently on its _count and _bucket series), 1e-15 (float rounding) for the ratio SLIs.
 */
const TOLERANCE = 1e-4;
const SERVICE = 'ampy-slo-check';

const prom = new Prometheus();
let obs: Observability | undefined;
let base = '';
let slos: SloFigures[] = [];

/** Representative traffic: error ratios chosen so some burn tiers of each SLO fire and others do not. */
function batch(): void {
  for (let i = 0; i < 50; i++) {
    // oms-order-latency (99%, tiers at 0.144, 0.06, 0.03, 0.01): 8% of orders above 200 ms.
    metrics.oms.orderLatencyMs.record(i % 25 < 2 ? 250 : 150, { broker: 'alpaca' });
    // oms-order-success (99.5%, tiers at 0.072, 0.03, 0.015, 0.005): 2% rejected.
    metrics.oms.orderSubmit.add(1, { broker: 'alpaca', outcome: i % 50 === 0 ? 'reject' : 'ok' });
    // bus-orders-delivery (99.9%): orders always within 50 ms; bars are not part of the SLO.
    metrics.bus.deliveryLatencyMs.record(10, { topic: 'ampy/dev/orders/v1/requests', domain: 'orders' });
    metrics.bus.deliveryLatencyMs.record(400, { topic: 'ampy/dev/bars/v1/1m', domain: 'bars' });
    // api-latency (95%, tiers at 0.72, 0.3, 0.15, 0.05): 10% of requests above 500 ms.
    metrics.api.requestLatencyMs.record(i % 10 === 0 ? 600 : 120, { method: 'GET', route: '/v1/orders' });
  }
  // api-availability (99.9%, tiers at 0.0144, 0.006, 0.003, 0.001): 0.4% server errors, and 4xx are not errors.
  metrics.api.requests.add(249, { method: 'GET', route: '/v1/orders', status_class: '2xx' });
  metrics.api.requests.add(1, { method: 'GET', route: '/v1/orders', status_class: '5xx' });
  metrics.api.requests.add(10, { method: 'POST', route: '/v1/orders', status_class: '4xx' });
}

async function promRatio(slo: string, window: string): Promise<number> {
  const r = await prom.query(`ampy_slo:error_ratio:rate${window}{slo="${slo}", service="${SERVICE}", env="dev"}`);
  expect(r, `${slo} ${window} in Prometheus`).toHaveLength(1);
  return Number(r[0]!.value[1]);
}

describe.skipIf(!prometheusBin)('SLOs in process and in Prometheus', () => {
  beforeAll(async () => {
    const port = await freePort();
    await withEnv({ ...CLEAN_ENV }, () => {
      obs = init({
        serviceName: SERVICE,
        environment: 'dev',
        prometheus: { port, host: '127.0.0.1' },
        export: { traces: false, metrics: false, logs: false },
        logDestination: lineSink().stream,
        admin: { sloSampleMillis: 1000 },
      });
    });
    base = `http://127.0.0.1:${port}`;
    // Every series of every SLI exists before the traffic: counters at zero, histograms with one good value.
    metrics.oms.orderLatencyMs.record(150, { broker: 'alpaca' });
    metrics.oms.orderSubmit.add(0, { broker: 'alpaca', outcome: 'ok' });
    metrics.oms.orderSubmit.add(0, { broker: 'alpaca', outcome: 'reject' });
    metrics.bus.deliveryLatencyMs.record(10, { topic: 'ampy/dev/orders/v1/requests', domain: 'orders' });
    for (const status_class of ['2xx', '5xx'] as const)
      metrics.api.requests.add(0, { method: 'GET', route: '/v1/orders', status_class });
    metrics.api.requests.add(0, { method: 'POST', route: '/v1/orders', status_class: '4xx' });
    metrics.api.requestLatencyMs.record(120, { method: 'GET', route: '/v1/orders' });

    await prom.start(
      prometheusBin!,
      [{ target: `127.0.0.1:${port}`, labels: { env: 'dev', service: SERVICE } }],
      [path.join(ROOT, 'generated/prometheus/ampyobs.rules.yaml')],
    );
    await until('two scrapes of the primed series', async () => {
      const r = await prom.query(`count_over_time(ampy_oms_order_submit_total{service="${SERVICE}"}[1m])`);
      return r.length === 2 && r.every((v) => Number(v.value[1]) >= 2) ? true : undefined;
    });
    // 20 s of traffic, then quiet until Prometheus has scraped the final values and evaluated the rules.
    const end = Date.now() + 20_000;
    while (Date.now() < end) {
      batch();
      await new Promise((r) => setTimeout(r, 250));
    }
    const finalCount = String(
      Number(
        (
          (await (await fetch(`${base}/metrics/json`)).json()) as {
            metrics: { name: string; series: { labels: Record<string, string>; value?: number }[] }[];
          }
        ).metrics
          .find((m) => m.name === 'ampy.oms.order_submit')!
          .series.find((s) => s.labels['outcome'] === 'ok')!.value,
      ),
    );
    await until('Prometheus holds the final values and has evaluated the rules on them', async () => {
      const r = await prom.query(`ampy_oms_order_submit_total{service="${SERVICE}", outcome="ok"}`);
      if (r[0]?.value[1] !== finalCount) return undefined;
      await new Promise((res) => setTimeout(res, 2500));
      return true;
    });
    slos = ((await (await fetch(`${base}/slos`)).json()) as { slos: SloFigures[] }).slos;
  }, 120_000);

  afterAll(async () => {
    await prom.stop();
    await obs?.shutdown(2000);
  });

  it('every SLO has figures for every window of its recording rules', () => {
    expect(slos.map((s) => s.name).sort()).toEqual([
      'api-availability',
      'api-latency',
      'bus-orders-delivery',
      'oms-order-latency',
      'oms-order-success',
    ]);
    for (const s of slos)
      expect(s.groups[0]!.windows.map((w) => w.window)).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d']);
  });

  it('gives the error ratio of every window as Prometheus records it', async () => {
    for (const s of slos)
      for (const w of s.groups[0]!.windows) {
        const theirs = await promRatio(s.name, w.window);
        const ours = w.errorRatio!;
        expect(
          Math.abs(ours - theirs),
          `${s.name} ${w.window}: in process ${ours}, Prometheus ${theirs}`,
        ).toBeLessThanOrEqual(TOLERANCE * Math.max(ours, theirs) + 1e-12);
      }
    const latency = slos.find((s) => s.name === 'oms-order-latency')!.groups[0]!.windows[0]!;
    expect(latency.errorRatio!).toBeGreaterThan(0.07);
    expect(latency.errorRatio!).toBeLessThan(0.09);
    expect(slos.find((s) => s.name === 'bus-orders-delivery')!.groups[0]!.windows[0]!.errorRatio).toBe(0);
  });

  it('gives the error budget left and each tier burn rate from the same ratios', async () => {
    for (const s of slos) {
      const g = s.groups[0]!;
      const allowed = 1 - s.objective;
      const period = await promRatio(s.name, '30d');
      expect(g.errorBudget.remaining!).toBeCloseTo(1 - period / allowed, 1);
      expect(Math.abs(g.errorBudget.consumed! - period / allowed)).toBeLessThanOrEqual(
        TOLERANCE * Math.max(g.errorBudget.consumed!, period / allowed) + 1e-9,
      );
      for (const t of g.burnRates) {
        const [long, short] = t.tier.split('-') as [string, string];
        for (const [ours, window] of [
          [t.longBurnRate!, long],
          [t.shortBurnRate!, short],
        ] as const) {
          const theirs = (await promRatio(s.name, window)) / allowed;
          expect(Math.abs(ours - theirs), `${s.name} ${t.tier} ${window}`).toBeLessThanOrEqual(
            TOLERANCE * Math.max(ours, theirs) + 1e-9,
          );
        }
      }
    }
  });

  it('names the burn alerts Prometheus has active, pending until their `for` has passed', async () => {
    const res = (await (await fetch(`${prom.url}/api/v1/alerts`)).json()) as {
      data: { alerts: { labels: Record<string, string>; state: string }[] };
    };
    const active = res.data.alerts
      .filter((a) => a.labels['alertname']?.endsWith('ErrorBudgetBurn') && a.labels['service'] === SERVICE)
      .map((a) => `${a.labels['slo']} ${a.labels['tier']} ${a.state}`)
      .sort();
    const ours = slos
      .flatMap((s) => s.groups[0]!.burnRates.filter((t) => t.condition).map((t) => `${s.name} ${t.tier} ${t.state}`))
      .sort();
    expect(ours).toEqual(active);
    // The traffic was chosen so each SLO stops at a different tier.
    expect(ours).toEqual([
      'api-availability 1d-2h pending',
      'api-availability 3d-6h pending',
      'api-latency 3d-6h pending',
      'oms-order-latency 1d-2h pending',
      'oms-order-latency 3d-6h pending',
      'oms-order-latency 6h-30m pending',
      'oms-order-success 1d-2h pending',
      'oms-order-success 3d-6h pending',
    ]);
    // Alert names and tiers are the generated rule's.
    for (const s of slos)
      for (const t of s.groups[0]!.burnRates)
        expect(t.alert).toBe(
          `AmpySLO${s.name
            .split('-')
            .map((p) => p[0]!.toUpperCase() + p.slice(1))
            .join('')}ErrorBudgetBurn`,
        );
  });
});
