import path from 'node:path';
import { internalDiagnostic, sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { loadSpec, MANIFEST, type SpecFile } from './load.js';
import { mergeFragments } from './merge.js';
import type { Model } from './model.js';
import { resolve } from './resolve/index.js';
import { checkSchema } from './schema-check.js';
import { checkText } from './text-check.js';
import { validateModel } from './validate/index.js';

export interface SpecResult {
  /** Present only when the spec has no errors. */
  readonly model?: Model;
  readonly diagnostics: readonly Diagnostic[];
  readonly files: readonly SpecFile[];
}

/**
 * spec directory → load → schema → merge → resolve → validate. Never throws: a bad spec gives located
 * diagnostics, and an unexpected error one `internal` diagnostic naming the file or stage it met.
 * `validate: false` stops after resolving: a registry published long ago (a baseline to compare with)
 * is read as it was, even where today's checks are stricter.
 */
export function readSpec(specDir: string, opts: { readonly validate?: boolean } = {}): SpecResult {
  const diags: Diagnostic[] = [];
  let files: SpecFile[] = [];
  let stage = 'reading the spec directory';
  let current = path.join(specDir, MANIFEST);
  try {
    files = loadSpec(specDir, diags);
    const poisoned = new Map<SpecFile, ReadonlySet<string>>();
    for (const f of files) {
      stage = 'checking a file against the spec schema';
      current = f.display;
      poisoned.set(f, new Set([...checkText(f, diags), ...checkSchema(f, diags)]));
    }
    current = path.join(specDir, MANIFEST);
    stage = 'merging the spec files';
    const merged = mergeFragments(files, poisoned, diags);
    stage = 'resolving references';
    const model = resolve(merged, diags);
    stage = 'validating the spec';
    if (opts.validate !== false) validateModel(model, merged, diags);
    const diagnostics = sortDiagnostics(diags);
    const failed = diagnostics.some((d) => d.severity === 'error');
    return { ...(failed ? {} : { model }), diagnostics, files };
  } catch (e) {
    return { diagnostics: [...sortDiagnostics(diags), internalDiagnostic(current, stage, e)], files };
  }
}
