// Each alert kind's expression, simulation and scenarios agree, without promtool: the expression text,
// evaluated over the kind's own synthetic series, gives the value the simulation predicts at every
// step; the firing series fire and the quiet ones do not. The spec schema lists exactly the kinds.
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../../codegen/model.js';
import { readSpec } from '../../../codegen/pipeline.js';
import { alertExpr, alertProbe, alertValue } from '../../../codegen/prometheus/alerts.js';
import { ALERT_KINDS, kindOf } from '../../../codegen/prometheus/kinds/index.js';
import { windowOf } from '../../../codegen/prometheus/kinds/kind.js';
import { firingStates } from '../../../codegen/prometheus/rule-sim.js';
import { MINUTE, toSim } from '../../../codegen/prometheus/scenario.js';
import { durationMs } from '../../../codegen/names.js';
import { alertValueOf, parsePromql } from '../../support/promql-eval.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(path.join(tmpdir(), 'ampyobs-kinds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The alerts of the base spec and of the alert-edges spec: every kind, comparison and schedule shape. */
function alerts(): Alert[] {
  cpSync(path.join(ROOT, 'test/fixtures/mini-spec'), dir, { recursive: true });
  cpSync(path.join(ROOT, 'test/fixtures/alert-edges.yaml'), path.join(dir, 'edges.yaml'));
  const models = [readSpec(path.join(ROOT, 'spec')), readSpec(dir)].map((r) => {
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    return r.model!;
  });
  return models.flatMap((m) => m.alerts);
}
const all = alerts();

/** Steps checked: every minute of the first three hours, then every seventh until a week and a day. */
function steps(a: Alert): number[] {
  const end = a.during ? 8 * 1440 : 1440 + durationMs(a.for) / MINUTE + 60;
  const out: number[] = [];
  for (let i = 0; i <= end; i += i < 180 ? 1 : 7) out.push(i);
  return out;
}

describe('alert kinds', () => {
  it('cover every kind and comparison in the test specs', () => {
    expect(new Set(all.map((a) => a.kind))).toEqual(new Set(Object.keys(ALERT_KINDS)));
    expect(new Set(all.map((a) => a.op))).toEqual(new Set(['>', '>=', '<', '<=', '==']));
  });

  it('are the kinds the spec schema lists, with their briefs (paste the lines it prints)', () => {
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'codegen/spec.schema.json'), 'utf8')) as {
      definitions: { alert: { properties: { kind: { enum: string[]; description: string } } } };
    };
    const kind = schema.definitions.alert.properties.kind;
    const description = `${Object.entries(ALERT_KINDS)
      .map(([name, k]) => `${name}: ${k.brief}`)
      .join('; ')}.`;
    const paste = `codegen/spec.schema.json, definitions.alert.properties.kind:\n"description": ${JSON.stringify(description)},\n"enum": ${JSON.stringify(Object.keys(ALERT_KINDS))}`;
    expect({ enum: kind.enum, description: kind.description }, paste).toEqual({
      enum: Object.keys(ALERT_KINDS),
      description,
    });
  });

  it.each(all.map((a) => [a.name, a] as const))(
    '%s: expression and simulation agree on its firing and quiet series',
    (_, a) => {
      const expr = parsePromql(alertExpr(a));
      const probe = parsePromql(alertProbe(a));
      for (const firing of [true, false]) {
        const series = kindOf(a).scenario(a, firing).map(toSim);
        const simulated = alertValue(a, series, MINUTE);
        for (const step of steps(a)) {
          const t = step * MINUTE;
          const want = simulated(t);
          const got = alertValueOf(expr, series, MINUTE, t);
          const where = `${firing ? 'firing' : 'quiet'} series at ${step}m`;
          if (want === undefined) expect(got, where).toBeUndefined();
          else {
            expect(got, where).toBeDefined();
            expect(Math.abs(got! - want), `${where}: expression ${got}, simulation ${want}`).toBeLessThanOrEqual(
              1e-9 * Math.max(1, Math.abs(want)),
            );
          }
          // The probe measures what the alert compares: once a window of samples exists, it has data.
          if (t > durationMs(windowOf(a)))
            expect(alertValueOf(probe, series, MINUTE, t), `probe on the ${where}`).toBeDefined();
        }
        const fires = firingStates(simulated, durationMs(a.for), MINUTE, steps(a).at(-1)! * MINUTE).some(
          (v) => v !== undefined,
        );
        expect(fires, firing ? 'the firing series fire' : 'the quiet series stay quiet').toBe(firing);
      }
    },
  );
});
