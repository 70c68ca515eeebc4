// What every section of the resolver shares: where things are, ids defined twice, references that
// lead nowhere and the closest name to suggest instead.
import type { Diagnostic } from '../diagnostics.js';
import { locator, position, type SourceRef } from '../load.js';
import type { MergedSpec, Sourced } from '../merge.js';

const at = locator('codegen/resolve/refs.ts');

/** A source reference one or more steps deeper. */
export function sub(src: SourceRef, ...more: (string | number)[]): SourceRef {
  return { file: src.file, path: [...src.path, ...more] };
}

/** Index entries by a key, reporting duplicates with both places. */
export function indexUnique<T>(
  items: readonly Sourced<T>[],
  key: (raw: T) => string,
  what: string,
  diags: Diagnostic[],
): Map<string, Sourced<T>> {
  const map = new Map<string, Sourced<T>>();
  for (const it of items) {
    const k = key(it.raw);
    const prev = map.get(k);
    if (prev) {
      const p = position(prev.src.file, prev.src.path);
      listedTwice(it.src, `${what} '${k}' is already defined at ${prev.src.file.display}:${p.line}:${p.col}`, diags);
    } else map.set(k, it);
  }
  return map;
}

/**
 * The entries of a list that come first with their key, reporting each later one through `twice` with
 * its index and that of the first in `items`: for lists whose keys become object keys or identifiers
 * in generated code.
 */
export function firstOfEach<T>(
  items: readonly T[],
  key: (item: T) => string | undefined,
  twice: (item: T, index: number, first: number) => void,
): T[] {
  const seen = new Map<string, number>();
  return items.filter((item, i) => {
    const k = key(item);
    if (k === undefined) return true;
    const first = seen.get(k);
    if (first === undefined) seen.set(k, i);
    else twice(item, i, first);
    return first === undefined;
  });
}

/** Reports the second definition of something that must be unique: an id, a name, an enum member. */
export function listedTwice(src: SourceRef, message: string, diags: Diagnostic[]): void {
  diags.push(at(src, 'unique-id', message));
}

/** Reports a reference that leads nowhere. */
export function unresolved(src: SourceRef, message: string, diags: Diagnostic[]): void {
  diags.push(at(src, 'unresolved-ref', message));
}

/** Reports a reference to something that is not defined. */
export type Missing = (src: SourceRef, what: string, name: string, hint?: string) => void;

/** The reporter of unresolved references, silent for names whose definition was already reported as broken. */
export function missingReporter(merged: MergedSpec, diags: Diagnostic[]): Missing {
  return (src, what, name, hint = '') => {
    if (merged.incomplete || merged.dropped.has(name)) return; // its definition was already reported as broken
    unresolved(src, `${what} '${name}' is not defined${hint}`, diags);
  };
}
