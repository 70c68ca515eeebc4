import { sortDiagnostics, type Diagnostic } from './diagnostics.js';
import { loadSpec, type SpecFile } from './load.js';
import { mergeFragments } from './merge.js';
import type { Model } from './model.js';
import { resolve } from './resolve.js';
import { checkSchema } from './schema-check.js';
import { validateModel } from './validate/index.js';

export interface SpecResult {
  /** Present only when the spec has no errors. */
  readonly model?: Model;
  readonly diagnostics: readonly Diagnostic[];
  readonly files: readonly SpecFile[];
}

/** spec directory → load → schema → merge → resolve → validate. Never throws for a bad spec. */
export function readSpec(specDir: string): SpecResult {
  const diags: Diagnostic[] = [];
  const files = loadSpec(specDir, diags);
  const poisoned = new Map(files.map((f) => [f, checkSchema(f, diags)] as const));
  const merged = mergeFragments(files, poisoned, diags);
  const model = resolve(merged, diags);
  validateModel(model, merged, diags);
  const diagnostics = sortDiagnostics(diags);
  const failed = diagnostics.some((d) => d.severity === 'error');
  return { ...(failed ? {} : { model }), diagnostics, files };
}
