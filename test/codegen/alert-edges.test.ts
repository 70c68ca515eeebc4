// Alerts at the edges of what the generator accepts: every comparison, thresholds next to the end of
// their range, schedules on one other weekday or across midnight, an SLO whose objective drops its fast
// tier. The generated rules and rule tests must pass promtool against the real Prometheus engine.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../codegen/cli.js';
import { requireTool } from '../support/tools.js';

const run = promisify(execFile);
const promtool = requireTool('promtool');
const dir = mkdtempSync(path.join(tmpdir(), 'ampyobs-edges-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SPEC = path.join(dir, 'spec');
const OUT = path.join(dir, 'out');

const alert = (name: string, fields: string): string => `  - name: ${name}
${fields
  .trim()
  .split('\n')
  .map((l) => `    ${l.trim()}`)
  .join('\n')}
    severity: warning
    summary: Edge case.
    description: "{{ $value | humanize }}"
    runbook: https://example.invalid/runbook
`;

const EXTRA = `metrics:
  - name: ampy.oms.queue_depth
    instrument: gauge
    unit: "{order}"
    brief: Orders waiting.
schedules:
  - { id: friday, brief: Friday mornings., days: [fri], start: "08:00", end: "12:00" }
  - { id: thursday_night, brief: Thursday night into Friday., days: [thu], start: "23:00", end: "01:30" }
alerts:
${alert('AmpyRatioNearOne', 'kind: ratio\nmetric: ampy.oms.rejections\nmatchers: { reason: [risk_check] }\nthreshold: 0.95\nwindow: 5m\nfor: 2m')}
${alert('AmpyRatioLow', 'kind: ratio\nmetric: ampy.oms.rejections\nmatchers: { reason: [risk_check] }\nop: "<="\nthreshold: 0.2\nwindow: 5m\nfor: 2m')}
${alert('AmpyLatencyTop', 'kind: quantile\nmetric: ampy.oms.order_latency_ms\nquantile: 0.5\nop: ">="\nthreshold: 100\nwindow: 5m\nfor: 1m')}
${alert('AmpyLatencyNearTop', 'kind: quantile\nmetric: ampy.oms.order_latency_ms\nquantile: 0.99\nthreshold: 99.5\nwindow: 5m\nfor: 1m')}
${alert('AmpyLatencyLow', 'kind: quantile\nmetric: ampy.oms.order_latency_ms\nquantile: 0.9\nop: "<"\nthreshold: 5\nwindow: 5m\nfor: 1m')}
${alert('AmpyRejectsStopped', 'kind: rate\nmetric: ampy.oms.rejections\nop: "<"\nthreshold: 0.5\nwindow: 5m\nfor: 5m')}
${alert('AmpyQueueExactly', 'kind: value\nmetric: ampy.oms.queue_depth\nop: "=="\nthreshold: -3\nfor: 1m')}
${alert('AmpyQueueNegative', 'kind: value\nmetric: ampy.oms.queue_depth\nop: "<"\nthreshold: -10\nfor: 1m')}
${alert('AmpyFridayRejects', 'kind: rate\nmetric: ampy.oms.rejections\nthreshold: 0.1\nwindow: 5m\nfor: 5m\nduring: friday')}
${alert('AmpyThursdayNightRejects', 'kind: rate\nmetric: ampy.oms.rejections\nthreshold: 0.1\nwindow: 5m\nfor: 10m\nduring: thursday_night')}
slos:
  - name: order-latency-loose
    brief: Most orders fast.
    objective: 0.9
    period: 30d
    runbook: https://example.invalid/slo
    sli: { kind: latency, metric: ampy.oms.order_latency_ms, threshold: 10 }
  - name: order-latency-lax
    brief: Half the orders fast.
    objective: 0.5
    period: 7d
    runbook: https://example.invalid/slo
    sli: { kind: latency, metric: ampy.oms.order_latency_ms, threshold: 1 }
`;

describe.skipIf(!promtool)('alerts at the edges', () => {
  it('generate rules and rule tests that promtool accepts and passes', async () => {
    cpSync(path.resolve(import.meta.dirname, '../fixtures/mini-spec'), SPEC, { recursive: true });
    writeFileSync(path.join(SPEC, 'edges.yaml'), EXTRA);
    const lines: string[] = [];
    const code = await runCli(['generate', '--spec', SPEC, '--out', OUT], { out: () => {}, err: (s) => lines.push(s) });
    expect(lines.filter((l) => !l.includes(' warning slo-burn-tier: '))).toEqual([]);
    expect(code).toBe(0);
    // Objective 0.9 drops the 14.4x tier; 0.5 keeps only the 1x tier.
    const rules = readFileSync(path.join(OUT, 'prometheus', 'ampyobs.rules.yaml'), 'utf8');
    expect(rules).not.toMatch(/slo="order-latency-loose"\} > 1\.44/);
    expect(rules).toMatch(/ampy_slo:error_ratio:rate3d\{slo="order-latency-loose"\} > 0\.1 /);
    expect(lines.filter((l) => l.includes('order-latency-lax')).length).toBe(3);
    const cwd = path.join(OUT, 'prometheus');
    const { stdout } = await run(promtool!, ['check', 'rules', 'ampyobs.rules.yaml'], { cwd });
    expect(stdout).toMatch(/SUCCESS/);
    for (const file of ['ampyobs.rules.test.yaml', 'ampyobs.rules.slow.test.yaml']) {
      const { stdout: t } = await run(promtool!, ['test', 'rules', file], { cwd, maxBuffer: 16 << 20 });
      expect(t, file).toContain('SUCCESS');
    }
    // The schedule crossing midnight is tested on both sides of it.
    const tests = readFileSync(path.join(cwd, 'ampyobs.rules.test.yaml'), 'utf8');
    expect(tests).toContain('AmpyThursdayNightRejects: fires once its condition held for 10m, only while thursday_night is open, across midnight');
  }, 600_000);
});
