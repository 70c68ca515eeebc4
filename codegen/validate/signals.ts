import type { Diagnostic } from '../diagnostics.js';
import { locator } from '../load.js';
import type { AttributeUse, Model } from '../model.js';

const at = locator('codegen/validate/signals.ts');

const SIGNAL_NAME = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/** Attribute uses of spans and log events: pii and requirement conditions. */
function common(uses: readonly AttributeUse[], diags: Diagnostic[]): void {
  for (const u of uses) {
    if (u.attr.pii && !u.attr.fingerprint)
      diags.push(
        at(
          u.src,
          'pii-forbidden',
          `'${u.attr.id}' is pii, which no sink may receive (README, "Redaction"); mark it fingerprint to emit a non-reversible hash instead`,
        ),
      );
    if (u.requirement === 'conditionally_required' && !u.condition)
      diags.push(at(u.src, 'requirement', `'${u.name}' is conditionally_required: say when with 'condition'`));
  }
}

/** Spans, log events, resource, context and bus: names, safety-critical sampling, deprecated attributes. */
export function checkSignals(model: Model, diags: Diagnostic[]): void {
  const baseFields = new Set(model.logBase.map((f) => f.field));
  if (model.bus) {
    if (baseFields.has(model.bus.logObject))
      diags.push(
        at(
          { file: model.bus.src.file, path: [...model.bus.src.path, 'log_object'] },
          'field-shadows-base',
          `'${model.bus.logObject}' is a base field of every log line; the bus correlation object cannot take its name`,
        ),
      );
    baseFields.add(model.bus.logObject);
  }

  for (const u of [
    ...model.metrics.flatMap((m) => m.labels),
    ...model.spans.flatMap((s) => s.attributes),
    ...model.events.flatMap((e) => e.fields),
  ])
    if (u.attr.deprecated)
      diags.push(at(u.src, 'deprecated-ref', `'${u.attr.id}' is deprecated: ${u.attr.deprecated.note}`));

  for (const s of model.spans) {
    const here = (...p: (string | number)[]) => ({ file: s.src.file, path: [...s.src.path, ...p] });
    if (!SIGNAL_NAME.test(s.name))
      diags.push(
        at(
          here('name'),
          'span-name',
          `span name '${s.name}' must be <domain>.<operation> in lowercase snake_case segments`,
        ),
      );
    common(s.attributes, diags);
    for (const cond of s.alwaysSampleWhen) {
      const use = s.attributes.find((u) => u.name === cond.name);
      const where = here('always_sample_when', cond.name);
      if (!use) {
        diags.push(
          at(
            where,
            'always-sample-when',
            `'${cond.name}' is not an attribute of span '${s.name}' (${s.attributes.map((u) => u.name).join(', ')})`,
            true,
          ),
        );
        continue;
      }
      if (use.requirement !== 'required')
        diags.push(
          at(
            where,
            'always-sample-when',
            `'${cond.name}' decides sampling at span start, so it must be required on '${s.name}'`,
            true,
          ),
        );
      if (use.attr.type !== 'enum') {
        diags.push(
          at(
            where,
            'always-sample-when',
            `'${cond.name}' must be an enum attribute to select safety-critical spans`,
            true,
          ),
        );
        continue;
      }
      const members = new Set(use.attr.members.map((m) => m.value));
      for (const v of cond.values)
        if (!members.has(v))
          diags.push(
            at(where, 'always-sample-when', `'${v}' is not a value of '${use.attr.id}' (${[...members].join(', ')})`),
          );
    }
  }

  for (const e of model.events) {
    const here = (...p: (string | number)[]) => ({ file: e.src.file, path: [...e.src.path, ...p] });
    if (!SIGNAL_NAME.test(e.name))
      diags.push(
        at(
          here('name'),
          'event-name',
          `event name '${e.name}' must be <domain>.<action> in lowercase snake_case segments`,
        ),
      );
    common(e.fields, diags);
    for (const f of e.fields) {
      if (baseFields.has(f.name))
        diags.push(
          at(f.src, 'field-shadows-base', `'${f.name}' is a base field of every log line; an event cannot redefine it`),
        );
    }
  }

  for (const r of model.resource) {
    if (
      r.default !== undefined &&
      r.default !== null &&
      r.attr.type === 'enum' &&
      !r.attr.members.some((m) => m.value === r.default)
    )
      diags.push(
        at(
          { file: r.src.file, path: [...r.src.path, 'default'] },
          'resource-default',
          `default '${r.default}' is not a value of '${r.attr.id}' (${r.attr.members.map((m) => m.value).join(', ')})`,
        ),
      );
    const members = r.attr.members.map((m) => m.value);
    for (const [alias, target] of Object.entries(r.aliases ?? {})) {
      const here = { file: r.src.file, path: [...r.src.path, 'aliases', alias] };
      if (r.attr.type !== 'enum')
        diags.push(
          at(
            here,
            'resource-default',
            `aliases map names onto enum members, but '${r.attr.id}' is ${r.attr.type === 'int' ? 'an' : 'a'} ${r.attr.type}`,
            true,
          ),
        );
      else if (members.includes(alias))
        diags.push(
          at(
            here,
            'resource-default',
            `alias '${alias}' is a member of '${r.attr.id}' itself; an alias names something else`,
            true,
          ),
        );
      else if (!members.includes(target))
        diags.push(
          at(
            here,
            'resource-default',
            `alias '${alias}' maps to '${target}', which is not a value of '${r.attr.id}' (${members.join(', ')})`,
          ),
        );
    }
  }
  for (const c of model.context) {
    if (c.source === 'trace' && c.attr.id !== 'trace_id' && c.attr.id !== 'span_id')
      diags.push(
        at(
          c.src,
          'context-source',
          `only trace_id and span_id come from the active trace; '${c.attr.id}' must use source: scope`,
        ),
      );
  }
}
