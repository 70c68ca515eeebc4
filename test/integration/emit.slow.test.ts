// `ampyobs emit` alone lights up a fresh stack: a real Prometheus scrapes the emit process (OBS_PROM_PORT)
// with the generated rules loaded, and every dashboard panel query, every alert's measure and every
// SLO burn-rate window finds data.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertProbe } from '../../codegen/prometheus/alerts.js';
import { sloAlertRules } from '../../codegen/prometheus/slo.js';
import { readSpec } from '../../codegen/pipeline.js';
import { dashboardQueries } from '../support/dashboards.js';
import { CLEAN_ENV } from '../support/env.js';
import { freePort } from '../support/ports.js';
import { Prometheus, until } from '../support/prometheus.js';
import { requireTool } from '../support/tools.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const prometheusBin = requireTool('prometheus');
const model = readSpec(path.join(ROOT, 'spec')).model!;
const prom = new Prometheus();
const tmp = mkdtempSync(path.join(tmpdir(), 'ampyobs-emit-prom-'));
let child: ChildProcess | undefined;
let stderr = '';

describe.skipIf(!prometheusBin)('emit on a real Prometheus', () => {
  beforeAll(async () => {
    const port = await freePort();
    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(ROOT, 'codegen/bin.ts'),
        'emit',
        '--endpoint',
        `file://${tmp}`,
        '--duration',
        '120',
      ],
      {
        cwd: ROOT,
        env: { ...process.env, ...CLEAN_ENV, OBS_PROM_PORT: String(port) } as NodeJS.ProcessEnv,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    // In the compose stack the collector copies env and service from the resource; here the scrape adds them.
    await prom.start(
      prometheusBin!,
      [{ target: `127.0.0.1:${port}`, labels: { env: 'dev', service: 'ampy-oms' } }],
      [path.join(ROOT, 'generated', 'prometheus', 'ampyobs.rules.yaml')],
    );
    await until(
      'three scrapes of the emit process',
      async () => {
        const r = await prom.query('count_over_time(ampy_oms_order_submit_total[1m])');
        return r.length && r.every((v) => Number(v.value[1]) >= 3) ? true : undefined;
      },
      60_000,
    );
  }, 90_000);

  afterAll(async () => {
    child?.kill('SIGTERM');
    await prom.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('answers every dashboard panel query with data', async () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(30);
    const empty: string[] = [];
    for (const q of queries) if ((await prom.query(q.expr)).length === 0) empty.push(`${q.where}: ${q.expr}`);
    expect(empty, `panels without data:\n${empty.join('\n')}\n${stderr}`).toEqual([]);
  });

  it('finds data for what every alert and every SLO burn-rate window measures', async () => {
    const empty: string[] = [];
    for (const a of model.alerts)
      if ((await prom.query(alertProbe(a))).length === 0) empty.push(`${a.name}: ${alertProbe(a)}`);
    for (const slo of model.slos)
      for (const rule of sloAlertRules(slo).filter((r) => !r.expr.startsWith('absent(')))
        for (const side of rule.expr.split(' and '))
          if ((await prom.query(side.replace(/ > .*$/, ''))).length === 0) empty.push(`${rule.alert}: ${side}`);
    expect(empty, `alerts measuring nothing:\n${empty.join('\n')}`).toEqual([]);
  });
});
