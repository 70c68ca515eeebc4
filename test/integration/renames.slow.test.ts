// A renamed metric on a real Prometheus: a service records only under the new names, and the generated
// recording rules keep the old series, under their old label names, until the declared day; a rename
// whose day has passed records nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSpec } from '../../codegen/pipeline.js';
import { emitRules } from '../../codegen/prometheus/rules.js';
import { defineCounter, defineHistogram, init, type Observability } from '../../runtime/index.js';
import { metricDescriptor } from '../../tools/emit/descriptors.js';
import { CLEAN_ENV, withEnv } from '../support/env.js';
import { lineSink } from '../support/lines.js';
import { freePort } from '../support/ports.js';
import { Prometheus, until } from '../support/prometheus.js';
import { requireTool } from '../support/tools.js';

const prometheusBin = requireTool('prometheus');
const model = readSpec(path.resolve(import.meta.dirname, '../fixtures/renamed-spec')).model!;
const metric = (name: string) => model.metrics.find((m) => m.name === name)!;
const prom = new Prometheus();
const tmp = mkdtempSync(path.join(tmpdir(), 'ampyobs-renames-'));
let obs: Observability | undefined;
let ticker: NodeJS.Timeout | undefined;

describe.skipIf(!prometheusBin)('renamed metrics on a real Prometheus', () => {
  beforeAll(async () => {
    expect(model.renamedMetrics.map((r) => r.from.name).sort()).toEqual([
      'ampy.oms.ack_latency_ms',
      'ampy.oms.rejects',
      'ampy.oms.submit_latency_ms',
    ]);
    const port = await freePort();
    await withEnv({ ...CLEAN_ENV }, () => {
      obs = init({
        serviceName: 'ampy-oms',
        prometheus: { port, host: '127.0.0.1' },
        export: { traces: false, metrics: false, logs: false },
        logDestination: lineSink().stream,
      });
    });
    // What a service records after regenerating: the new names only.
    const rejections = defineCounter<{ broker: string; reason: string }>(
      metricDescriptor(metric('ampy.oms.rejections')),
    );
    const latency = defineHistogram<{ broker: string }>(metricDescriptor(metric('ampy.oms.order_latency_ms')));
    const traffic = (): void => {
      rejections.add(1, { broker: 'alpaca', reason: 'risk_check' });
      for (const v of [0.5, 5, 50]) latency.record(v, { broker: 'alpaca' });
    };
    traffic();
    ticker = setInterval(traffic, 250);
    const rules = path.join(tmp, 'rules.yaml');
    writeFileSync(rules, emitRules(model));
    await prom.start(prometheusBin!, [{ target: `127.0.0.1:${port}` }], [rules]);
    await until('three scrapes', async () => {
      const r = await prom.query('count_over_time(ampy_oms_rejections_total[1m])');
      return r.length && Number(r[0]!.value[1]) >= 3 ? true : undefined;
    });
  }, 60_000);

  afterAll(async () => {
    clearInterval(ticker);
    await prom.stop();
    await obs?.shutdown(2000);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('records the old counter from the new one, under the old label name, while its transition lasts', async () => {
    const old = await until('ampy_oms_rejects_total recorded', async () => {
      const r = await prom.query('ampy_oms_rejects_total');
      return r.length ? r : undefined;
    });
    expect(old).toHaveLength(1);
    expect(old[0]!.metric).toMatchObject({
      __name__: 'ampy_oms_rejects_total',
      cause: 'risk_check',
      broker: 'alpaca',
      renamed_to: 'ampy.oms.rejections',
    });
    // An old dashboard's query, unchanged, has data.
    const rate = await until('an old dashboard query with data', async () => {
      const r = await prom.query('sum by (cause) (rate(ampy_oms_rejects_total[1m]))');
      return r.length && Number(r[0]!.value[1]) > 0 ? r : undefined;
    });
    expect(rate[0]!.metric).toEqual({ cause: 'risk_check' });
  });

  it('records the three series of a renamed histogram, so old quantile panels keep working', async () => {
    const q = await until('an old quantile query with data', async () => {
      const r = await prom.query('histogram_quantile(0.5, sum by (le) (rate(ampy_oms_submit_latency_ms_bucket[1m])))');
      return r.length && Number.isFinite(Number(r[0]!.value[1])) ? r : undefined;
    });
    expect(Number(q[0]!.value[1])).toBeGreaterThan(1);
    expect(Number(q[0]!.value[1])).toBeLessThanOrEqual(10);
    for (const s of ['_sum', '_count']) expect((await prom.query(`ampy_oms_submit_latency_ms${s}`)).length, s).toBe(1);
  });

  it('records nothing for a rename whose day has passed', async () => {
    await until('the rule group evaluated', async () =>
      (await prom.query('ampy_oms_submit_latency_ms_count')).length ? true : undefined,
    );
    expect((await prom.query('ampy_oms_order_latency_ms_count')).length).toBe(1);
    for (const s of ['_bucket', '_sum', '_count'])
      expect(await prom.query(`ampy_oms_ack_latency_ms${s}`), s).toEqual([]);
  });
});
