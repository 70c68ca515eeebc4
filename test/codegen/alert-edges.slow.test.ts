// Alerts at the edges of what the generator accepts (test/fixtures/alert-edges.yaml): every kind and
// comparison, thresholds next to the end of their range, schedules on one other weekday or across
// midnight, SLOs whose objective drops burn tiers, alerts and SLOs grouped by a label they select by.
// The generated rules and rule tests must pass promtool against the real Prometheus engine.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../codegen/cli.js';
import { expectRulesPass } from '../support/generated-checks.js';
import { requireTool } from '../support/tools.js';

const promtool = requireTool('promtool');
const dir = mkdtempSync(path.join(tmpdir(), 'ampyobs-edges-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SPEC = path.join(dir, 'spec');
const OUT = path.join(dir, 'out');

describe.skipIf(!promtool)('alerts at the edges', () => {
  it('generate rules and rule tests that promtool accepts and passes', async () => {
    cpSync(path.resolve(import.meta.dirname, '../fixtures/mini-spec'), SPEC, { recursive: true });
    cpSync(path.resolve(import.meta.dirname, '../fixtures/alert-edges.yaml'), path.join(SPEC, 'edges.yaml'));
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
    await expectRulesPass(promtool!, cwd);
    // The schedule crossing midnight is tested on both sides of it.
    const tests = readFileSync(path.join(cwd, 'ampyobs.rules.test.yaml'), 'utf8');
    expect(tests).toContain(
      'AmpyThursdayNightRejects: fires once its condition held for 10m, only while thursday_night is open, across midnight',
    );
    // An SLO grouped by a label its SLI selects records, and burns, with that label's value.
    expect(tests).toContain(`labels: ampy_slo:error_ratio:rate5m{slo="order-latency-alpaca", broker="alpaca"}`);
    // An absent alert on a gauge fires when the gauge stops changing.
    expect(tests).toContain('AmpyQueueStuck: fires once its condition held for 5m');
  }, 600_000);
});
