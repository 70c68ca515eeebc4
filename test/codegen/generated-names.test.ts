// The generated-name rule knows every name the emitters write on their own: a name the generated
// modules export or import that no spec entity produced must be on its list.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Project } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { fieldsTypeName } from '../../codegen/emit/logs.js';
import { labelsTypeName } from '../../codegen/emit/metrics.js';
import { spanAttributesTypeName } from '../../codegen/emit/spans.js';
import { enumTypeName, enumValuesName } from '../../codegen/emit/ts-common.js';
import { readSpec } from '../../codegen/pipeline.js';
import { FIXED_GENERATED_NAMES } from '../../codegen/validate/names.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const GENERATED = path.join(ROOT, 'generated');

describe('generated names', () => {
  it('lists every module-level name the emitters write that does not come from the spec', () => {
    const model = readSpec(path.join(ROOT, 'spec')).model!;
    const fromSpec = new Set([
      ...model.attributes.filter((a) => a.type === 'enum').flatMap((a) => [enumTypeName(a), enumValuesName(a)]),
      ...model.metrics.filter((m) => m.labels.length).map(labelsTypeName),
      ...model.spans.map(spanAttributesTypeName),
      ...model.events.map(fieldsTypeName),
    ]);
    const project = new Project({ useInMemoryFileSystem: true });
    const names = new Set<string>();
    for (const f of readdirSync(GENERATED).filter((x) => x.endsWith('.ts') && x !== 'index.ts')) {
      const sf = project.createSourceFile(f, readFileSync(path.join(GENERATED, f), 'utf8'));
      for (const d of sf.getStatements()) {
        if (
          'isExported' in d &&
          typeof d.isExported === 'function' &&
          d.isExported() &&
          'getName' in d &&
          typeof d.getName === 'function'
        )
          names.add(String(d.getName()));
      }
      for (const v of sf.getVariableStatements().filter((s) => s.isExported()))
        for (const d of v.getDeclarations()) names.add(d.getName());
      for (const imp of sf.getImportDeclarations().filter((i) => !isLocal(i.getModuleSpecifierValue())))
        for (const n of imp.getNamedImports()) names.add(n.getAliasNode()?.getText() ?? n.getName());
    }
    const own = [...names].filter((n) => !fromSpec.has(n)).sort();
    expect(own.filter((n) => !FIXED_GENERATED_NAMES.includes(n))).toEqual([]);
    // The base spec has a bus, so every name on the list shows up but the helper of up-down counters,
    // which it does not use: the list is not stale.
    expect(FIXED_GENERATED_NAMES.filter((n) => !own.includes(n))).toEqual(['defineUpDownCounter']);
  });
});

function isLocal(specifier: string): boolean {
  return specifier.startsWith('./');
}
