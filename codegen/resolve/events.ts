// Log events: fields resolved to attributes.
import type { Diagnostic } from '../diagnostics.js';
import type { MergedSpec } from '../merge.js';
import type { LogEvent } from '../model.js';
import type { AttributeRefs } from './attributes.js';
import { indexUnique } from './refs.js';

export function resolveEvents(merged: MergedSpec, refs: AttributeRefs, diags: Diagnostic[]): LogEvent[] {
  const eventIndex = indexUnique(merged.lists.events, (r) => r.name, 'log event', diags);
  return [...eventIndex.values()].map(({ raw, src }) => ({
    name: raw.name,
    level: raw.level,
    brief: raw.brief,
    ...(raw.note !== undefined && { note: raw.note }),
    stability: raw.stability ?? 'development',
    fields: refs.uses(raw.fields, src, 'fields', 'recommended', `log event ${raw.name}`),
    ...(raw.deprecated && { deprecated: raw.deprecated }),
    src,
  }));
}
