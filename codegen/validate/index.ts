// Semantic rules on the resolved model: one check per module that the rule table (diagnostic-rules.ts)
// gives validation rules to. The compiler holds this list to the table: a module with validation rules
// and no check here, or a check for a module without any, does not compile.
import type { ModuleOf } from '../diagnostic-rules.js';
import type { Diagnostic } from '../diagnostics.js';
import type { MergedSpec } from '../merge.js';
import type { Model } from '../model.js';
import { checkAlerting } from '../prometheus/checks.js';
import { checkAttributes } from './attributes.js';
import { checkMetrics } from './metrics.js';
import { checkNames } from './names.js';
import { checkPolicy } from './policy.js';
import { checkSignals } from './signals.js';
import { checkUnits } from './units.js';

type Check = (model: Model, merged: MergedSpec, diags: Diagnostic[]) => void;

/** The check of each module that raises validation rules, in the order they run. */
export const CHECKS: { readonly [M in ModuleOf<'validate'>]: Check } = {
  'codegen/validate/attributes.ts': (model, _, diags) => checkAttributes(model, diags),
  'codegen/validate/units.ts': (model, _, diags) => checkUnits(model, diags),
  'codegen/validate/metrics.ts': (model, _, diags) => checkMetrics(model, diags),
  'codegen/validate/signals.ts': (model, _, diags) => checkSignals(model, diags),
  'codegen/prometheus/checks.ts': (model, _, diags) => checkAlerting(model, diags),
  'codegen/validate/policy.ts': checkPolicy,
  'codegen/validate/names.ts': (model, _, diags) => checkNames(model, diags),
};

/** Runs every semantic rule on a resolved model. */
export function validateModel(model: Model, merged: MergedSpec, diags: Diagnostic[]): void {
  for (const check of Object.values(CHECKS)) check(model, merged, diags);
}
