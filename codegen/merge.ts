import type { Diagnostic } from './diagnostics.js';
import { locator, isRecord, type SourceRef, type SpecFile } from './load.js';
import { LIST_SECTIONS, MANIFEST_SECTIONS, SINGLETON_SECTIONS, type RawFragment } from './spec-types.js';

const at = locator('codegen/merge.ts');

type ListSection = (typeof LIST_SECTIONS)[number];
type SingletonSection = (typeof SINGLETON_SECTIONS)[number];
type Item<K extends ListSection> = NonNullable<RawFragment[K]>[number];

/** An entry of a spec with where it was written. */
export interface Sourced<T> {
  readonly raw: T;
  readonly src: SourceRef;
}

/** All fragments of a spec and its imports, before references are resolved. */
export interface MergedSpec {
  readonly manifest?: Sourced<NonNullable<RawFragment['registry']>> | undefined;
  readonly codegen: NonNullable<RawFragment['codegen']>;
  /** Where the codegen options were set: paths in them are relative to that manifest's directory. */
  readonly codegenSrc?: SourceRef | undefined;
  readonly limits: NonNullable<RawFragment['limits']>;
  readonly lists: { readonly [K in ListSection]: Sourced<Item<K>>[] };
  readonly singletons: { readonly [K in SingletonSection]?: Sourced<NonNullable<RawFragment[K]>> };
  /** Ids and names of entries left out because they broke the schema: references to them are not reported again. */
  readonly dropped: ReadonlySet<string>;
  /** A file could not be parsed at all, so any reference may point into it: unresolved references are not reported. */
  readonly incomplete: boolean;
}

/**
 * Merges checked fragments. Lists concatenate (imports first); a singleton section is defined once
 * per spec directory, and the importing spec's definition replaces an imported one.
 */
export function mergeFragments(
  files: readonly SpecFile[],
  poisoned: ReadonlyMap<SpecFile, ReadonlySet<string>>,
  diags: Diagnostic[],
): MergedSpec {
  const lists = Object.fromEntries(LIST_SECTIONS.map((k) => [k, [] as unknown[]])) as unknown as {
    [K in ListSection]: Sourced<Item<K>>[];
  };
  const singletons: { [K in SingletonSection]?: Sourced<NonNullable<RawFragment[K]>> } = {};
  const singletonDepth = new Map<SingletonSection, number>();
  const dropped = new Set<string>();
  let manifest: MergedSpec['manifest'];
  let codegen: MergedSpec['codegen'] = {};
  let codegenSrc: SourceRef | undefined;
  let limits: MergedSpec['limits'] = {};
  let incomplete = false;

  for (const file of files) {
    const bad = poisoned.get(file) ?? new Set<string>();
    if (bad.has('*') || !isRecord(file.data)) {
      incomplete = true;
      continue;
    }
    const data = file.data as RawFragment & Record<string, unknown>;

    for (const key of MANIFEST_SECTIONS) {
      if (data[key] !== undefined && !file.isManifest) {
        diags.push(
          at(
            { file, path: [key] },
            'manifest-only',
            `'${key}' belongs in the spec's ampyobs.yaml manifest, not here`,
            true,
          ),
        );
      }
    }
    if (file.isManifest) {
      if (data.registry === undefined) {
        diags.push(at({ file, path: [] }, 'manifest', 'the manifest must declare registry: {name, version}'));
      }
      // Only the spec being generated decides codegen options and limits.
      if (file.importDepth === 0) {
        if (data.registry && !bad.has('registry')) manifest = { raw: data.registry, src: { file, path: ['registry'] } };
        if (data.codegen && !bad.has('codegen')) {
          codegen = data.codegen;
          codegenSrc = { file, path: ['codegen'] };
        }
        if (data.limits && !bad.has('limits')) limits = data.limits;
      }
    }

    for (const section of LIST_SECTIONS) {
      const items = data[section];
      if (!Array.isArray(items) || bad.has(section)) continue;
      items.forEach((raw: unknown, i) => {
        if (bad.has(`${section}/${i}`)) {
          const name = isRecord(raw) ? (raw['id'] ?? raw['name'] ?? raw['ref']) : undefined;
          if (typeof name === 'string') dropped.add(name);
          return;
        }
        (lists[section] as Sourced<unknown>[]).push({ raw, src: { file, path: [section, i] } });
      });
    }

    for (const section of SINGLETON_SECTIONS) {
      const value = data[section];
      if (value === undefined || bad.has(section)) continue;
      const prev = singletons[section];
      const prevDepth = singletonDepth.get(section);
      if (prev && prevDepth === file.importDepth && prev.src.file.specDir === file.specDir) {
        diags.push(
          at(
            { file, path: [section] },
            'duplicate-section',
            `'${section}' is already defined in ${prev.src.file.display}; define it once per spec`,
            true,
          ),
        );
        continue;
      }
      // Files arrive imports first, so a later, shallower definition overrides.
      (singletons as Record<string, Sourced<unknown>>)[section] = { raw: value, src: { file, path: [section] } };
      singletonDepth.set(section, file.importDepth);
    }
  }
  return { manifest, codegen, codegenSrc, limits, lists, singletons, dropped, incomplete };
}
