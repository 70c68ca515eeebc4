import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileReporter, type Diagnostic } from '../diagnostics.js';
import type { JsonnetClass } from '../jsonnet-binding.js';
import { locator, type SourceRef } from '../load.js';

const report = fileReporter('codegen/emit/dashboards.ts');
const at = locator('codegen/emit/dashboards.ts');

/** The jsonnet binding could not be loaded: located at the manifest's `codegen.dashboards`, saying how to install it. */
export function bindingDiagnostic(src: SourceRef, problem: string): Diagnostic {
  return at(src, 'dashboard', problem);
}

/**
 * Evaluates every *.jsonnet dashboard of a directory against the registry.libsonnet of this run (found
 * through a temporary import path, so dashboards never see a stale registry). Returns JSON files by
 * name, formatted stably; jsonnet errors become diagnostics at their file and line. The native
 * binding is passed in: it is loaded only when a spec renders dashboards (see jsonnet-binding.ts).
 */
export async function renderDashboards(
  Jsonnet: JsonnetClass,
  dir: string,
  registryLibsonnet: string,
  diags: Diagnostic[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((f) => f.endsWith('.jsonnet'))
      .sort();
  } catch (e) {
    diags.push(report(dir, 'dashboard', `cannot read the dashboards directory: ${(e as Error).message}`));
    return out;
  }
  const jpath = mkdtempSync(path.join(tmpdir(), 'ampyobs-jsonnet-'));
  try {
    writeFileSync(path.join(jpath, 'registry.libsonnet'), registryLibsonnet);
    for (const f of files) {
      const file = path.join(dir, f);
      try {
        // Added last, the fresh registry takes precedence over any registry.libsonnet beside the dashboards.
        const json = await new Jsonnet().addJpath(dir).addJpath(jpath).evaluateFile(file);
        out.set(f.replace(/\.jsonnet$/, '.json'), `${JSON.stringify(JSON.parse(json), null, 2)}\n`);
      } catch (e) {
        diags.push(jsonnetDiagnostic(file, (e as Error).message));
      }
    }
  } finally {
    rmSync(jpath, { recursive: true, force: true });
  }
  return out;
}

/** `RUNTIME ERROR: Field does not exist: x\n\tdashboards/a.jsonnet:12:5-20\t…` → a located diagnostic. */
function jsonnetDiagnostic(file: string, message: string): Diagnostic {
  const first = message.split('\n')[0]?.trim() ?? message;
  const loc =
    /([^\s()]+\.(?:jsonnet|libsonnet)):(\d+):(\d+)/.exec(message) ??
    /([^\s()]+\.(?:jsonnet|libsonnet)):\((\d+):(\d+)\)/.exec(message);
  const rel = (p: string): string => {
    const r = path.relative(process.cwd(), p);
    return r.startsWith('..') ? p : r;
  };
  const hint =
    /field does not exist/i.test(first) && message.includes('registry')
      ? ' (the registry has no such metric: was it renamed or removed in the spec?)'
      : '';
  return report(rel(loc?.[1] ?? file), 'dashboard', `${first}${hint}`, Number(loc?.[2] ?? 1), Number(loc?.[3] ?? 1));
}
