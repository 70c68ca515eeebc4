import type { Diagnostic } from '../diagnostics.js';
import { at } from '../load.js';
import type { Model } from '../model.js';
import { unitProblem } from './units.js';

/** Attribute definitions: flags that contradict each other, units, and deprecation targets. */
export function checkAttributes(model: Model, diags: Diagnostic[]): void {
  const ids = new Set(model.attributes.map((a) => a.id));
  for (const a of model.attributes) {
    const here = (...p: (string | number)[]) => ({ file: a.src.file, path: [...a.src.path, ...p] });
    if (a.maxCardinality !== undefined && a.type !== 'string')
      diags.push(at(here('max_cardinality'), 'error', 'attribute-flags', `max_cardinality bounds string attributes; '${a.id}' is ${a.type}`, true));
    if (a.maxCardinality !== undefined && a.highCardinality)
      diags.push(at(here('high_cardinality'), 'error', 'attribute-flags', `'${a.id}' cannot be both high_cardinality and bounded by max_cardinality`, true));
    if (a.fingerprint && !a.secret && !a.pii)
      diags.push(at(here('fingerprint'), 'error', 'attribute-flags', `fingerprint replaces a secret or pii value; mark '${a.id}' secret or pii, or drop fingerprint`, true));
    if (a.unit !== undefined) {
      const problem = unitProblem(a.unit);
      if (problem) diags.push(at(here('unit'), 'error', 'base-unit', problem));
    }
    if (a.deprecated?.renamed_to !== undefined && !ids.has(a.deprecated.renamed_to))
      diags.push(at(here('deprecated', 'renamed_to'), 'error', 'deprecated-target', `'${a.id}' is renamed to '${a.deprecated.renamed_to}', which is not an attribute of the registry`));
    const values = new Set(a.members.map((m) => m.value));
    a.members.forEach((m, i) => {
      if (m.deprecated?.renamed_to !== undefined && !values.has(m.deprecated.renamed_to))
        diags.push(at(here('members', i, 'deprecated', 'renamed_to'), 'error', 'deprecated-target', `member '${m.value}' is renamed to '${m.deprecated.renamed_to}', which is not a member of '${a.id}'`));
    });
  }
}
