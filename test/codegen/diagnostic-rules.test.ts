// The rule table (codegen/diagnostic-rules.ts) says which module raises each rule at which stage. The
// compiler holds every locator() call to it; this holds the table to the sources: modules that exist,
// at the stage the pipeline runs them, that name themselves truthfully and raise every rule they own.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES, type SpecRule, type Stage } from '../../codegen/diagnostic-rules.js';
import { fileReporter } from '../../codegen/diagnostics.js';
import { CHECKS } from '../../codegen/validate/index.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ids = Object.keys(RULES) as SpecRule[];

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const rel = `${dir}/${name}`;
    if (statSync(path.join(ROOT, rel)).isDirectory()) return sources(rel);
    return rel.endsWith('.ts') ? [rel] : [];
  });
}

/** The stage at which codegen/pipeline.ts and codegen/generate.ts run a module. */
function stageOf(module: string): Stage {
  if (module === 'codegen/load.ts') return 'load';
  if (module === 'codegen/text-check.ts' || module === 'codegen/schema-check.ts') return 'schema';
  if (module === 'codegen/merge.ts') return 'merge';
  if (module.startsWith('codegen/resolve/')) return 'resolve';
  if (module.startsWith('codegen/emit/')) return 'emit';
  return 'validate';
}

describe('the rule table', () => {
  it('names modules that exist, at the stage that runs them', () => {
    for (const id of ids) {
      const { module, stage } = RULES[id];
      expect(statSync(path.join(ROOT, module)).isFile(), `${id}: ${module}`).toBe(true);
      expect(stage, `${id} is raised by ${module}`).toBe(stageOf(module));
    }
  });

  it('is what every module that raises a rule names itself', () => {
    const owners = new Set(Object.values(RULES).map((r) => r.module));
    const callers: string[] = [];
    for (const file of sources('codegen')) {
      for (const m of readFileSync(path.join(ROOT, file), 'utf8').matchAll(
        /\b(?:locator|fileReporter)\('([^']+)'\)/g,
      )) {
        expect(m[1], `${file} raises rules as ${m[1]}`).toBe(file);
        callers.push(file);
      }
    }
    expect(new Set(callers)).toEqual(owners);
  });

  it('gives each module only rules it raises', () => {
    for (const id of ids)
      expect(readFileSync(path.join(ROOT, RULES[id].module), 'utf8'), `${RULES[id].module} raises ${id}`).toContain(
        `'${id}'`,
      );
  });

  it('lists a check in validate/index.ts for every module with validation rules', () => {
    const modules = new Set(ids.filter((id) => RULES[id].stage === 'validate').map((id) => RULES[id].module));
    expect(new Set(Object.keys(CHECKS))).toEqual(modules);
  });

  it('refuses, at run time too, a rule raised by a module that does not own it', () => {
    const report = fileReporter('codegen/load.ts') as unknown as (
      file: string,
      rule: string,
      message: string,
    ) => unknown;
    expect(report('spec/a.yaml', 'yaml-syntax', 'x')).toMatchObject({ severity: 'error', rule: 'yaml-syntax' });
    expect(() => report('spec/a.yaml', 'dashboard', 'x')).toThrow(
      /codegen\/load\.ts raised rule dashboard, which the rule table gives to codegen\/emit\/dashboards\.ts/,
    );
  });
});
