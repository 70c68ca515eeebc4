// Spans: start attributes resolved to attributes, safety-critical sampling.
import type { Diagnostic } from '../diagnostics.js';
import type { MergedSpec } from '../merge.js';
import type { Span } from '../model.js';
import type { AttributeRefs } from './attributes.js';
import { indexUnique } from './refs.js';

export function resolveSpans(merged: MergedSpec, refs: AttributeRefs, diags: Diagnostic[]): Span[] {
  const spanIndex = indexUnique(merged.lists.spans, (r) => r.name, 'span', diags);
  return [...spanIndex.values()].map(({ raw, src }) => ({
    name: raw.name,
    kind: raw.kind,
    brief: raw.brief,
    ...(raw.note !== undefined && { note: raw.note }),
    stability: raw.stability ?? 'development',
    attributes: refs.uses(raw.attributes, src, 'attributes', 'recommended', `span ${raw.name}`),
    ...(raw.links && { links: raw.links }),
    alwaysSample: raw.always_sample ?? false,
    alwaysSampleWhen: Object.entries(raw.always_sample_when ?? {}).map(([name, values]) => ({ name, values })),
    ...(raw.deprecated && { deprecated: raw.deprecated }),
    src,
  }));
}
