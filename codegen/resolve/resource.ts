// What every signal carries: resource attributes, the context core, the base fields of every log line
// and the ampy-bus envelope headers.
import type { Diagnostic } from '../diagnostics.js';
import { locator } from '../load.js';
import type { MergedSpec } from '../merge.js';
import type { Attribute, Bus, ContextEntry, LogBaseField, ResourceAttribute } from '../model.js';
import type { AttributeRefs } from './attributes.js';
import { firstOfEach, indexUnique, listedTwice, sub, unresolved } from './refs.js';

const at = locator('codegen/resolve/resource.ts');

export function resolveResource(merged: MergedSpec, refs: AttributeRefs, diags: Diagnostic[]): ResourceAttribute[] {
  const resourceIndex = indexUnique(merged.lists.resource, (r) => r.ref, 'resource attribute', diags);
  // Each becomes a label of every series: a second attribute under one label would overwrite the first.
  const entries = [...resourceIndex.values()];
  const labelled = firstOfEach(
    entries,
    ({ raw }) => raw.metric_label,
    ({ raw, src }, _, first) =>
      listedTwice(
        sub(src, 'metric_label'),
        `metric label '${raw.metric_label}' is already the label of resource attribute '${entries[first]!.raw.ref}'`,
        diags,
      ),
  );
  const resource: ResourceAttribute[] = [];
  for (const { raw, src } of labelled) {
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
  if (!lb) return [];
  // Fields are keys of every log line and properties of its JSON Schema.
  const fields = firstOfEach(
    lb.raw.map((f, i) => ({ f, i })),
    ({ f }) => f.field,
    ({ f, i }, _, first) =>
      listedTwice(sub(lb.src, i, 'field'), `base field '${f.field}' is listed twice (also entry ${first + 1})`, diags),
  );
  return fields.flatMap(({ f, i }) => {
    let a: Attribute | undefined;
    const fsrc = sub(lb.src, i);
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

export function resolveBus(merged: MergedSpec, refs: AttributeRefs, diags: Diagnostic[]): Bus | undefined {
  const busRaw = merged.singletons.bus;
  if (!busRaw) return undefined;
  const here = (i: number, key: string) => sub(busRaw.src, 'headers', i, key);
  const listed = busRaw.raw.headers.map((h, i) => ({ h, i }));
  // Header names are keys of the message headers and properties of the generated BusEnvelope; they
  // travel lowercase (runtime/bus.ts reads them by exact name), so names differing in case are one.
  const named = firstOfEach(
    listed,
    ({ h }) => h.header.toLowerCase(),
    ({ h, i }, _, first) =>
      listedTwice(here(i, 'header'), `bus header '${h.header}' is listed twice (also entry ${first + 1})`, diags),
  );
  // An attribute is a key of the context core a consumer's extract fills: one header per attribute.
  const headers = firstOfEach(
    named,
    ({ h }) => h.ref,
    ({ h, i }, _, first) =>
      listedTwice(
        here(i, 'ref'),
        `attribute '${h.ref}' is already carried by bus header '${named[first]!.h.header}'`,
        diags,
      ),
  );
  return {
    logObject: busRaw.raw.log_object,
    src: busRaw.src,
    headers: headers.flatMap(({ h, i }) => {
      const a = refs.attr(h.ref, here(i, 'ref'));
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
  };
}
