// generated/prometheus/ampyobs.rules.yaml: the spec's alerts and SLOs as Prometheus rule groups.
import { header } from '../emit/ts-common.js';
import { toYaml } from '../escape/yaml.js';
import type { Model } from '../model.js';
import { compareText } from '../order.js';
import { alertRule } from './alerts.js';
import type { RuleGroup } from './definition.js';
import { renameRuleGroups } from './renames.js';
import { sloRuleGroup } from './slo.js';

/**
 * All rule groups. Each SLO is one group, recordings before the alerts that read them: rules of a group
 * run in order, while groups have no order between them, so an alert in another group could read the
 * previous evaluation's recording.
 */
export function ruleGroups(model: Model): RuleGroup[] {
  const slos = [...model.slos].sort((a, b) => compareText(a.name, b.name));
  const alerts = [...model.alerts].sort((a, b) => compareText(a.name, b.name));
  return [
    ...slos.map((slo) => sloRuleGroup(model, slo)),
    ...(alerts.length ? [{ name: 'ampy-alerts', rules: alerts.map(alertRule) }] : []),
    ...renameRuleGroups(model),
  ];
}

/** generated/prometheus/ampyobs.rules.yaml */
export function emitRules(model: Model): string {
  return `${header(model, import.meta.url, '#')}\n${toYaml({ groups: ruleGroups(model) }, { lineWidth: 0 })}`;
}
