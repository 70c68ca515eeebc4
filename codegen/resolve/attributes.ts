// The attribute registry, and how signals refer to its attributes.
import type { Diagnostic } from '../diagnostics.js';
import { locator, type SourceRef } from '../load.js';
import type { MergedSpec } from '../merge.js';
import type { Attribute, AttributeUse } from '../model.js';
import type { RawAttributeRef, Requirement } from '../spec-types.js';
import { firstOfEach, indexUnique, listedTwice, sub, type Missing } from './refs.js';
import { suggest } from '../suggest.js';

const at = locator('codegen/resolve/attributes.ts');

/** Every attribute of the registry, defaults applied; ids and enum members defined twice are reported. */
export function resolveAttributes(merged: MergedSpec, diags: Diagnostic[]): Attribute[] {
  const attrIndex = indexUnique(merged.lists.attributes, (r) => r.id, 'attribute', diags);
  return [...attrIndex.values()].map(({ raw, src }) => {
    const members = firstOfEach(
      raw.members ?? [],
      (m) => m.value,
      (m, i, first) =>
        listedTwice(
          sub(src, 'members', i, 'value'),
          `enum member '${m.value}' of '${raw.id}' is listed twice (also member ${first + 1})`,
          diags,
        ),
    );
    return {
      id: raw.id,
      type: raw.type,
      brief: raw.brief,
      ...(raw.note !== undefined && { note: raw.note }),
      stability: raw.stability ?? 'development',
      ...(raw.unit !== undefined && { unit: raw.unit }),
      examples: raw.examples ?? [],
      members: members.map((m) => ({
        value: m.value,
        brief: m.brief,
        stability: m.stability ?? raw.stability ?? 'development',
        ...(m.deprecated && { deprecated: m.deprecated }),
      })),
      ...(raw.max_cardinality !== undefined && { maxCardinality: raw.max_cardinality }),
      highCardinality: raw.high_cardinality ?? false,
      pii: raw.pii ?? false,
      secret: raw.secret ?? false,
      fingerprint: raw.fingerprint ?? false,
      ...(raw.deprecated && { deprecated: raw.deprecated }),
      src,
    };
  });
}

/** Follows references to registry attributes. */
export interface AttributeRefs {
  /** The attribute with this id, or undefined (reported) when there is none. */
  attr(id: string, src: SourceRef): Attribute | undefined;
  /** The uses of attributes listed under `key` of a signal: wire names, requirement, brief. */
  uses(
    refs: readonly RawAttributeRef[] | undefined,
    src: SourceRef,
    key: string,
    defaultRequirement: Requirement,
    signal: string,
  ): AttributeUse[];
}

export function attributeRefs(attributes: readonly Attribute[], missing: Missing, diags: Diagnostic[]): AttributeRefs {
  const attrById = new Map(attributes.map((a) => [a.id, a]));

  const attr = (id: string, src: SourceRef): Attribute | undefined => {
    const a = attrById.get(id);
    if (!a) missing(src, 'attribute', id, suggest(id, attrById.keys()));
    return a;
  };

  const uses = (
    refs: readonly RawAttributeRef[] | undefined,
    src: SourceRef,
    key: string,
    defaultRequirement: Requirement,
    signal: string,
  ): AttributeUse[] => {
    const out: AttributeUse[] = [];
    const names = new Map<string, number>();
    (refs ?? []).forEach((r, i) => {
      const at_ = sub(src, key, i);
      const a = attr(r.ref, sub(at_, 'ref'));
      if (!a) return;
      const name = r.as ?? a.id;
      const prev = names.get(name);
      if (prev !== undefined) {
        diags.push(
          at(
            at_,
            'duplicate-name',
            `'${name}' appears twice in ${signal} (also entry ${prev + 1}); give one of them another name with 'as'`,
          ),
        );
        return;
      }
      names.set(name, i);
      out.push({
        attr: a,
        name,
        requirement: r.requirement ?? defaultRequirement,
        ...(r.condition !== undefined && { condition: r.condition }),
        brief: r.brief ?? a.brief,
        src: at_,
      });
    });
    return out;
  };

  return { attr, uses };
}
