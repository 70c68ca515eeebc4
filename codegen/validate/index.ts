import type { Diagnostic } from '../diagnostics.js';
import type { MergedSpec } from '../merge.js';
import type { Model } from '../model.js';
import { checkAlerts, checkSlos } from '../prometheus/checks.js';
import { checkAttributes } from './attributes.js';
import { checkMetrics } from './metrics.js';
import { checkNames } from './names.js';
import { checkPolicy } from './policy.js';
import { checkSignals } from './signals.js';

/** Runs every semantic rule on a resolved model. */
export function validateModel(model: Model, merged: MergedSpec, diags: Diagnostic[]): void {
  checkAttributes(model, diags);
  checkMetrics(model, diags);
  checkSignals(model, diags);
  checkAlerts(model, diags);
  checkSlos(model, diags);
  checkPolicy(model, merged, diags);
  checkNames(model, diags);
}
