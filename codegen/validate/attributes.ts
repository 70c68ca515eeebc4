import type { Diagnostic } from '../diagnostics.js';
import { locator } from '../load.js';
import type { Model } from '../model.js';

const at = locator('codegen/validate/attributes.ts');

/** Attribute definitions: flags that contradict each other, and deprecation targets. */
export function checkAttributes(model: Model, diags: Diagnostic[]): void {
  const ids = new Set(model.attributes.map((a) => a.id));
  for (const a of model.attributes) {
    const here = (...p: (string | number)[]) => ({ file: a.src.file, path: [...a.src.path, ...p] });
    if (a.maxCardinality !== undefined && a.type !== 'string' && a.type !== 'int')
      diags.push(
        at(
          here('max_cardinality'),
          'attribute-flags',
          `max_cardinality bounds string and int attributes; '${a.id}' is ${a.type}`,
          true,
        ),
      );
    if (a.maxCardinality !== undefined && a.highCardinality)
      diags.push(
        at(
          here('high_cardinality'),
          'attribute-flags',
          `'${a.id}' cannot be both high_cardinality and bounded by max_cardinality`,
          true,
        ),
      );
    if (a.fingerprint && !a.secret && !a.pii)
      diags.push(
        at(
          here('fingerprint'),
          'attribute-flags',
          `fingerprint replaces a secret or pii value; mark '${a.id}' secret or pii, or drop fingerprint`,
          true,
        ),
      );
    if (a.deprecated?.renamed_to !== undefined && !ids.has(a.deprecated.renamed_to))
      diags.push(
        at(
          here('deprecated', 'renamed_to'),
          'deprecated-target',
          `'${a.id}' is renamed to '${a.deprecated.renamed_to}', which is not an attribute of the registry`,
        ),
      );
    const values = new Set(a.members.map((m) => m.value));
    a.members.forEach((m, i) => {
      if (m.deprecated?.renamed_to !== undefined && !values.has(m.deprecated.renamed_to))
        diags.push(
          at(
            here('members', i, 'deprecated', 'renamed_to'),
            'deprecated-target',
            `member '${m.value}' is renamed to '${m.deprecated.renamed_to}', which is not a member of '${a.id}'`,
          ),
        );
    });
  }
}
