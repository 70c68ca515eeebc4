// What every signal carries: resource attributes, the context core, the base fields of every log line
// and the ampy-bus envelope headers.
import type { Diagnostic } from '../diagnostics.js';
import { locator } from '../load.js';
import type { MergedSpec } from '../merge.js';
import type { Attribute, Bus, ContextEntry, LogBaseField, ResourceAttribute } from '../model.js';
import type { AttributeRefs } from './attributes.js';
import { indexUnique, sub, unresolved } from './refs.js';

const at = locator('codegen/resolve/resource.ts');

export function resolveResource(merged: MergedSpec, refs: AttributeRefs, diags: Diagnostic[]): ResourceAttribute[] {
  const resourceIndex = indexUnique(merged.lists.resource, (r) => r.ref, 'resource attribute', diags);
  const resource: ResourceAttribute[] = [];
  for (const { raw, src } of resourceIndex.values()) {
    const a = refs.attr(raw.ref, sub(src, 'ref'));
    if (a)
      resource.push({
        attr: a,
        requirement: raw.requirement ?? 'recommended',
        ...(raw.env !== undefined && { env: raw.env }),
        ...(raw.default !== undefined && { default: raw.default }),
        ...(raw.metric_label !== undefined && { metricLabel: raw.metric_label }),
        ...(raw.aliases !== undefined && { aliases: raw.aliases }),
        src,
      });
  }
  return resource;
}

export function resolveContext(merged: MergedSpec, refs: AttributeRefs, diags: Diagnostic[]): ContextEntry[] {
  const contextIndex = indexUnique(merged.lists.context, (r) => r.ref, 'context entry', diags);
  const context: ContextEntry[] = [];
  for (const { raw, src } of contextIndex.values()) {
    const a = refs.attr(raw.ref, sub(src, 'ref'));
    if (a)
      context.push({ attr: a, source: raw.source, onSpans: raw.on_spans ?? false, brief: raw.brief ?? a.brief, src });
  }
  return context;
}

export function resolveLogBase(
  merged: MergedSpec,
  resource: readonly ResourceAttribute[],
  context: readonly ContextEntry[],
  diags: Diagnostic[],
): LogBaseField[] {
  const lb = merged.singletons.log_base;
  return (lb?.raw ?? []).flatMap((f, i) => {
    let a: Attribute | undefined;
    const fsrc = sub(lb!.src, i);
    if (f.from === 'resource' || f.from === 'context') {
      if (f.ref === undefined) {
        diags.push(
          at(fsrc, 'log-base', `base field '${f.field}' takes its value from ${f.from}: name the attribute with 'ref'`),
        );
        return [];
      }
      const pool = f.from === 'resource' ? resource.map((r) => r.attr) : context.map((c) => c.attr);
      a = pool.find((p) => p.id === f.ref);
      if (!a) {
        unresolved(
          sub(fsrc, 'ref'),
          `base field '${f.field}' reads ${f.from} attribute '${f.ref}', which is not in the ${f.from} section`,
          diags,
        );
        return [];
      }
    }
    return [
      {
        field: f.field,
        from: f.from,
        ...(a && { attr: a }),
        always: f.always ?? false,
        brief: f.brief ?? a?.brief ?? '',
      },
    ];
  });
}

export function resolveBus(merged: MergedSpec, refs: AttributeRefs): Bus | undefined {
  const busRaw = merged.singletons.bus;
  return (
    busRaw && {
      logObject: busRaw.raw.log_object,
      headers: busRaw.raw.headers.flatMap((h, i) => {
        const a = refs.attr(h.ref, sub(busRaw.src, 'headers', i, 'ref'));
        return a
          ? [
              {
                attr: a,
                header: h.header,
                requirement: h.requirement ?? 'required',
                inLogObject: h.in_log_object ?? false,
              },
            ]
          : [];
      }),
    }
  );
}
