// The alert kinds a spec may use. Adding one is a module in this folder and a line here.
import { absent } from './absent.js';
import { baseline } from './baseline.js';
import type { AlertKindDef } from './kind.js';
import { quantile } from './quantile.js';
import { rate } from './rate.js';
import { ratio } from './ratio.js';
import { value } from './value.js';

/** Every alert kind by name, in the order the spec schema lists them. */
export const ALERT_KINDS = { rate, ratio, quantile, value, absent, baseline } as const satisfies Record<
  string,
  AlertKindDef
>;

/** The name of an alert kind, as the spec writes it. */
export type AlertKindName = keyof typeof ALERT_KINDS;

/** The kind of an alert. */
export function kindOf(a: { readonly kind: AlertKindName }): AlertKindDef {
  return ALERT_KINDS[a.kind];
}
