// promtool tests of a spec alert, whatever its kind: the kind's scenarios stepped through the rule
// simulation tell exactly when the alert fires and with which value.
import type { Alert } from '../model.js';
import { durationMs } from '../names.js';
import { crossesMidnight } from '../schedule.js';
import { alertDefinition, alertValue } from './alerts.js';
import { expectedAlert } from './definition.js';
import { kindOf } from './kinds/index.js';
import { windowOf } from './kinds/kind.js';
import { firingStates } from './rule-sim.js';
import { evalTime, groupLabels, inputSeries, MINUTE, toSim, type ExpectedAlert, type TestCase } from './scenario.js';

const DAY_STEPS = 24 * 60;

/** A test generator that cannot test an alert: a bug, since the validator rejects alerts that cannot fire. */
function cannotTest(a: Alert, why: string): Error {
  return new Error(`rule test generator: alert ${a.name} ${why}`);
}

/**
 * Tests of one spec alert: silent below the threshold, silent until `for` elapses, then firing exactly.
 * An alert with a schedule also goes silent when the schedule closes, and one whose schedule crosses
 * midnight keeps firing across it.
 */
export function alertTests(a: Alert): TestCase[] {
  const kind = kindOf(a);
  const def = alertDefinition(a);
  const forMs = durationMs(a.for);
  // A weekly schedule opens within eight days of promtool's time 0 (a Thursday, 00:00 UTC).
  const horizon = Math.max(
    a.during ? 8 * DAY_STEPS : DAY_STEPS,
    Math.ceil((forMs + durationMs(windowOf(a))) / MINUTE) + 120,
  );
  const up = kind.scenario(a, true);
  const states = firingStates(alertValue(a, up.map(toSim), MINUTE), forMs, MINUTE, horizon * MINUTE);
  const fire = states.findIndex((v) => v !== undefined);
  if (fire < 0) throw cannotTest(a, 'never fires on its own firing series');
  const labels = groupLabels(a.metric, a);
  const expected = (step: number): ExpectedAlert[] =>
    states[step] === undefined ? [] : [expectedAlert(def, labels, states[step])];
  const checks: number[] = [...(fire > 0 ? [fire - 1] : []), fire];
  if (a.during) {
    const closesAfter = (step: number): number => {
      const c = states.findIndex((v, i) => i > step && v === undefined);
      if (c < 0) throw cannotTest(a, `never goes silent when its schedule ${a.during!.id} closes`);
      return c;
    };
    if (crossesMidnight(a.during)) {
      const midnight = states.findIndex(
        (v, i) =>
          i > fire &&
          i % DAY_STEPS === 0 &&
          v !== undefined &&
          states[i - 1] !== undefined &&
          states[i + 1] !== undefined,
      );
      if (midnight < 0) throw cannotTest(a, `never fires across midnight in its schedule ${a.during.id}`);
      checks.push(midnight - 1, midnight, midnight + 1, closesAfter(midnight));
    } else checks.push(closesAfter(fire));
  }
  const steps = Math.max(...checks) + 10;
  const down = kind.scenario(a, false);
  const quiet = firingStates(alertValue(a, down.map(toSim), MINUTE), forMs, MINUTE, steps * MINUTE);
  if (quiet.some((v) => v !== undefined)) throw cannotTest(a, 'fires on its quiet series');
  const schedule = a.during
    ? `, only while ${a.during.id} is open${crossesMidnight(a.during) ? ', across midnight' : ''}`
    : '';
  return [
    {
      name: `${a.name}: fires once its condition held for ${a.for}${schedule}`,
      interval: '1m',
      input_series: inputSeries(up, steps),
      alert_rule_test: checks.map((step) => ({
        eval_time: evalTime(step * MINUTE),
        alertname: a.name,
        exp_alerts: expected(step),
      })),
    },
    {
      name: `${a.name}: stays silent ${a.op === '==' ? 'away from' : a.op.startsWith('<') ? 'above' : 'below'} its threshold`,
      interval: '1m',
      input_series: inputSeries(down, steps),
      alert_rule_test: [{ eval_time: evalTime(fire * MINUTE), alertname: a.name, exp_alerts: [] }],
    },
  ];
}
