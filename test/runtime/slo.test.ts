// SLOs evaluated in process, on a clock the test moves: the SLI over each window of the generated rules,
// the period's error budget, burn rates and when each tier's alert goes pending and then fires.
import path from 'node:path';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { readSpec } from '../../codegen/pipeline.js';
import { sloDefinition } from '../../codegen/prometheus/slo.js';
import type { SloDefinition } from '../../runtime/slo/definition.js';
import { CountHistory } from '../../runtime/slo/history.js';
import { SloMonitor } from '../../runtime/slo/monitor.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const model = readSpec(path.join(ROOT, 'spec')).model!;
const slo = (name: string): SloDefinition => sloDefinition(model.slos.find((s) => s.name === name)!);

class Reader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const MIN = 60_000;

/** A monitor over real SDK instruments named like the spec's metrics, on a clock the test sets. */
function setup(defs: SloDefinition[]) {
  const reader = new Reader();
  const mp = new MeterProvider({ readers: [reader] });
  const meter = mp.getMeter('ampyobs');
  const submit = meter.createCounter('ampy.oms.order_submit');
  const latency = meter.createHistogram('ampy.oms.order_latency_ms', {
    advice: { explicitBucketBoundaries: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000] },
  });
  const requests = meter.createCounter('ampy.api.requests');
  let now = Date.UTC(2026, 0, 5, 12);
  const monitor = new SloMonitor(
    defs,
    async () => (await reader.collect()).resourceMetrics,
    10_000,
    () => now,
  );
  return {
    submit: (ok: number, bad: number) => {
      submit.add(ok, { broker: 'alpaca', outcome: 'ok' });
      if (bad) submit.add(bad, { broker: 'alpaca', outcome: 'reject' });
    },
    latency,
    requests,
    monitor,
    /** Moves the clock, sampling every 10 s on the way (what the monitor's timer does). */
    advance: async (ms: number) => {
      for (let t = 0; t < ms; t += 10_000) {
        now += Math.min(10_000, ms - t);
        await monitor.sample();
      }
    },
  };
}

describe('SLOs evaluated in process', () => {
  it('count each window from its start: a later burst of errors weighs in short windows only', async () => {
    const s = setup([slo('oms-order-success')]);
    await s.monitor.sample();
    s.submit(990, 10);
    await s.advance(20 * MIN);
    s.submit(50, 50);
    await s.advance(10_000);
    const [r] = await s.monitor.evaluate();
    const w = Object.fromEntries(r!.groups[0]!.windows.map((x) => [x.window, x]));
    // 5m: only the burst. 30m and longer: everything since the start (the process is 20 minutes old).
    expect(w['5m']).toMatchObject({ events: 100, errors: 50, errorRatio: 0.5, sli: 0.5, coveredSeconds: 300 });
    expect(w['30m']).toMatchObject({ events: 1100, errors: 60, coveredSeconds: 1210 });
    expect(w['30m']!.errorRatio).toBeCloseTo(60 / 1100, 12);
    expect(w['30d']!.errorRatio).toBeCloseTo(60 / 1100, 12);
    expect(r!.groups[0]!.errorBudget.allowed).toBe(0.005);
    expect(r!.groups[0]!.errorBudget.consumed).toBeCloseTo(60 / 1100 / 0.005, 9);
    expect(r!.groups[0]!.errorBudget.remaining).toBeCloseTo(1 - 60 / 1100 / 0.005, 9);
    expect(r!.status).toBe('exhausted');
  });

  it('raises a tier pending when both its windows burn too fast, and firing after its `for`', async () => {
    const def = slo('oms-order-latency'); // objective 0.99: the 1h/5m tier fires above 0.144, for 2m
    const s = setup([def]);
    await s.monitor.sample();
    for (let i = 0; i < 6; i++) {
      for (let k = 0; k < 80; k++) s.latency.record(150, { broker: 'alpaca' });
      for (let k = 0; k < 20; k++) s.latency.record(201, { broker: 'alpaca' }); // above the 200 ms bucket: errors
      await s.advance(30_000);
      const [r] = await s.monitor.evaluate();
      const tier = r!.groups[0]!.burnRates.find((b) => b.tier === '1h-5m')!;
      expect(tier).toMatchObject({
        alert: 'AmpySLOOmsOrderLatencyErrorBudgetBurn',
        severity: 'critical',
        factor: 14.4,
        threshold: 0.144,
        condition: true,
      });
      expect(tier.longBurnRate).toBeCloseTo(20, 9);
      // The condition held from the first sample after the first batch.
      expect(tier.state).toBe(i < 4 ? 'pending' : 'firing');
      expect(r!.groups[0]!.firing).toEqual(
        i < 4
          ? []
          : ['1h-5m', '6h-30m', '1d-2h', '3d-6h'].filter(
              (t) => r!.groups[0]!.burnRates.find((b) => b.tier === t)!.state === 'firing',
            ),
      );
    }
    // Good traffic only: the 5m window recovers first, and the alert's condition with it.
    for (let i = 0; i < 12; i++) {
      for (let k = 0; k < 400; k++) s.latency.record(150, { broker: 'alpaca' });
      await s.advance(30_000);
    }
    const [after] = await s.monitor.evaluate();
    const tier = after!.groups[0]!.burnRates.find((b) => b.tier === '1h-5m')!;
    expect(tier.shortBurnRate).toBe(0);
    expect(tier).toMatchObject({ condition: false, state: 'inactive' });
    expect(after!.groups[0]!.windows.find((w) => w.window === '1h')!.errorRatio).toBeCloseTo(120 / 5400, 12);
  });

  it('counts observations up to the threshold bucket as good, and reads bad events of a ratio SLI', async () => {
    const s = setup([slo('oms-order-latency'), slo('api-availability')]);
    await s.monitor.sample();
    for (const v of [1, 200, 200, 201, 5000]) s.latency.record(v, { broker: 'ibkr' });
    s.requests.add(97, { route: '/v1/orders', status_class: '2xx' });
    s.requests.add(3, { route: '/v1/orders', status_class: '5xx' });
    s.requests.add(5, { route: '/v1/orders', status_class: '4xx' });
    await s.advance(10_000);
    const [latency, availability] = await s.monitor.evaluate();
    expect(latency!.groups[0]!.windows[0]).toMatchObject({ events: 5, errors: 2 });
    expect(availability!.groups[0]!.windows[0]).toMatchObject({ events: 105, errors: 3 });
    expect(availability!.status).toBe('exhausted');
  });

  it('has no data before the first event', async () => {
    const s = setup([slo('oms-order-success')]);
    await s.monitor.sample();
    expect((await s.monitor.evaluate())[0]).toMatchObject({ status: 'no_data', groups: [] });
    s.submit(0, 0);
    const [r] = await s.monitor.evaluate();
    expect(r!.groups[0]!).toMatchObject({ status: 'no_data', errorBudget: { consumed: null, remaining: null } });
    expect(r!.groups[0]!.windows[0]).toMatchObject({ events: 0, errorRatio: null, sli: null });
  });
});

describe('the count history', () => {
  it('keeps three days at three resolutions in a bounded number of samples, and reads a window start within one step', () => {
    const h = new CountHistory(10_000, 30 * 24 * 60 * MIN);
    const t0 = Date.UTC(2026, 0, 1);
    // One event a second, one error every tenth, sampled every 10 s for three days.
    for (let t = 0; t <= 3 * 24 * 60 * MIN; t += 10_000) h.record({ t: t0 + t, events: t / 1000, errors: t / 10_000 });
    const end = t0 + 3 * 24 * 60 * MIN;
    const exact = (ms: number) => (end - ms - t0) / 1000;
    expect(h.at(end - 5 * MIN).events).toBe(exact(5 * MIN));
    // Within the day: one-minute steps.
    expect(Math.abs(h.at(end - 6 * 60 * MIN - 30_000).events - exact(6 * 60 * MIN + 30_000))).toBeLessThanOrEqual(60);
    // Beyond a day: 15-minute steps.
    expect(
      Math.abs(h.at(end - 2 * 24 * 60 * MIN - 7 * MIN).events - exact(2 * 24 * 60 * MIN + 7 * MIN)),
    ).toBeLessThanOrEqual(15 * 60);
    // Before the first sample: nothing had been counted.
    expect(h.at(t0 - 1)).toEqual({ events: 0, errors: 0 });
    const rings = (h as unknown as { rings: { size: number }[] }).rings.map((r) => r.size);
    expect(rings[0]).toBeLessThanOrEqual(361);
    expect(rings[1]).toBeLessThanOrEqual(1441);
    expect(rings[2]).toBeLessThanOrEqual(3000);
  });
});
