// The runtime's own generated module (runtime/generated/), from the base spec in spec/: `npm run generate`
// writes it and `npm run check` fails while it is stale, like generated/. A service's `ampyobs generate`
// never touches it: the runtime ships with the base spec, whatever spec the service generates from.
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDiagnostic } from './diagnostics.js';
import { emitEnvironments, emitInstrumentedMetrics } from './emit/runtime-conventions.js';
import { emitSelfMetrics } from './emit/self-metrics.js';
import { formatFiles } from './format.js';
import type { FileSet } from './generate.js';
import { baseSpecDir } from './load.js';
import type { Model } from './model.js';
import { packageRoot } from './package-root.js';
import { readSpec } from './pipeline.js';
import { diffOutput, writeOutput } from './write.js';

/** Where the runtime's generated files live, relative to the package root. */
export const RUNTIME_GENERATED_DIR = 'runtime/generated';

/** The runtime's generated files, by path relative to RUNTIME_GENERATED_DIR, formatted like generated/. */
export function renderRuntimeFiles(model: Model): Promise<FileSet> {
  return formatFiles(
    new Map([
      ['self-metrics.ts', emitSelfMetrics(model)],
      ['environments.ts', emitEnvironments(model)],
      ['instrumented-metrics.ts', emitInstrumentedMetrics(model)],
    ]),
  );
}

/** Writes (`write`) or compares (`check`) runtime/generated/ against the base spec; returns the exit code. */
export async function runtimeFiles(
  mode: 'write' | 'check',
  io: { out: (s: string) => void; err: (s: string) => void },
): Promise<number> {
  const spec = readSpec(baseSpecDir());
  if (!spec.model) {
    for (const d of spec.diagnostics) io.err(formatDiagnostic(d));
    return 1;
  }
  const files = await renderRuntimeFiles(spec.model);
  const dir = path.join(packageRoot(), RUNTIME_GENERATED_DIR);
  if (mode === 'write') {
    io.out(
      writeOutput(dir, files)
        ? `ampyobs: wrote ${files.size} file(s) to ${RUNTIME_GENERATED_DIR}`
        : `ampyobs: ${RUNTIME_GENERATED_DIR} is up to date`,
    );
    return 0;
  }
  const drift = diffOutput(dir, files);
  for (const d of drift) io.err(`${RUNTIME_GENERATED_DIR}/${d.file}: ${d.kind}`);
  if (drift.length) {
    io.err(`ampyobs: ${RUNTIME_GENERATED_DIR} is stale; run \`npm run generate\` and commit the result`);
    return 1;
  }
  io.out(`ampyobs: ${RUNTIME_GENERATED_DIR} up to date (${files.size} file(s))`);
  return 0;
}

// `tsx codegen/runtime-files.ts write|check` (the npm scripts).
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const mode = process.argv[2];
  if (mode === 'write' || mode === 'check')
    process.exitCode = await runtimeFiles(mode, { out: (s) => console.log(s), err: (s) => console.error(s) });
  else {
    console.error('Usage: tsx codegen/runtime-files.ts write|check');
    process.exitCode = 2;
  }
}
