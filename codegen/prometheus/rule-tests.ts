// generated/prometheus/ampyobs.rules.test.yaml and ampyobs.rules.slow.test.yaml: promtool unit tests of
// every generated rule.
import { header } from '../emit/ts-common.js';
import { toYaml } from '../escape/yaml.js';
import type { Model } from '../model.js';
import { compareText } from '../order.js';
import { alertTests } from './alert-tests.js';
import { renameTests } from './renames.js';
import type { TestCase } from './scenario.js';
import { sloFastTests, sloSlowTests } from './slo-tests.js';

function testFile(model: Model, interval: string, tests: TestCase[]): string {
  return `${header(model, import.meta.url, '#')}\n${toYaml({ rule_files: ['ampyobs.rules.yaml'], evaluation_interval: interval, tests }, { lineWidth: 0 })}`;
}

/** generated/prometheus/ampyobs.rules.test.yaml (minute resolution) and ampyobs.rules.slow.test.yaml (hour resolution). */
export function emitRuleTests(model: Model): { fast: string; slow: string } {
  const alerts = [...model.alerts].sort((x, y) => compareText(x.name, y.name));
  const slos = [...model.slos].sort((x, y) => compareText(x.name, y.name));
  return {
    fast: testFile(model, '1m', [...alerts.flatMap(alertTests), ...slos.flatMap(sloFastTests), ...renameTests(model)]),
    slow: testFile(model, '1h', slos.flatMap(sloSlowTests)),
  };
}
