import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateCommand } from './command.js';
import { formatDiagnostic, InternalError, internalDiagnostic, SpecError } from './diagnostics.js';
import { MANIFEST } from './load.js';
import { renderFiles, type FileSet } from './generate.js';
import { readSpec } from './pipeline.js';
import { watchSpec } from './watch.js';
import { diffOutput, writeOutput } from './write.js';
import { packageRoot } from './package-root.js';
import { inspectDir } from '../tools/inspect/inspect.js';
import { fetchSnapshot } from '../tools/inspect/surface.js';
import { runTool, TOOLS_USAGE } from '../tools/index.js';

const USAGE = `Usage:
  ampyobs generate [--spec DIR] [--out DIR] [--watch]   validate the spec and write the generated files (all or nothing)
  ampyobs check    [--spec DIR] [--out DIR]             validate the spec; exit 1 if the generated files are stale
  ampyobs inspect  (--client-order-id ID | --trace-id ID) [--dir DIR] [--dashboards DIR] [--surface URL]…
                                                        an order's log lines, trace across processes, metric series,
                                                        exemplars and dashboard panels, from local telemetry; health
                                                        and SLOs of running services (--surface, OBS_ADMIN_TOKEN)
${TOOLS_USAGE}
Defaults: --spec ./spec, --out ./generated, --dir ./.ampyobs/telemetry, --dashboards <out>/dashboards`;

interface Io {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
}

/** Validates and renders; prints every diagnostic. Returns the files, or undefined on errors. */
async function build(specDir: string, io: Io): Promise<FileSet | undefined> {
  const result = readSpec(specDir);
  for (const d of result.diagnostics) io.err(formatDiagnostic(d));
  const fail = (n: number): undefined => {
    io.err(`ampyobs: ${n} error(s) in ${specDir}; nothing was written`);
    return undefined;
  };
  if (!result.model) return fail(result.diagnostics.filter((d) => d.severity === 'error').length);
  try {
    return await renderFiles(result.model);
  } catch (e) {
    // Whatever happens, one located line and exit 1, never a stack trace.
    const diags =
      e instanceof SpecError
        ? e.diagnostics
        : [
            internalDiagnostic(
              path.join(specDir, MANIFEST),
              e instanceof InternalError ? e.stage : 'rendering the output',
              e instanceof InternalError ? e.cause : e,
            ),
          ];
    for (const d of diags) io.err(formatDiagnostic(d));
    return fail(diags.length);
  }
}

async function generateOnce(specDir: string, outDir: string, io: Io): Promise<number> {
  const files = await build(specDir, io);
  if (!files) return 1;
  try {
    const changed = writeOutput(outDir, files, [specDir]);
    io.out(changed ? `ampyobs: wrote ${files.size} files to ${outDir}` : `ampyobs: ${outDir} is up to date`);
    return 0;
  } catch (e) {
    io.err(`ampyobs: ${(e as Error).message}`);
    return 1;
  }
}

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function runCli(
  argv: readonly string[],
  io: Io = { out: (s) => console.log(s), err: (s) => console.error(s) },
): Promise<number | 'watching'> {
  // The lifecycle commands (diff, live-check, emit) take options of their own.
  const tool = await runTool(argv, io);
  if (tool !== undefined) return tool;
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        spec: { type: 'string', default: 'spec' },
        out: { type: 'string', default: 'generated' },
        watch: { type: 'boolean', default: false },
        dir: { type: 'string', default: '.ampyobs/telemetry' },
        dashboards: { type: 'string' },
        'client-order-id': { type: 'string' },
        'trace-id': { type: 'string' },
        surface: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    io.err(`ampyobs: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help || !command) {
    (values.help ? io.out : io.err)(USAGE);
    return values.help ? 0 : 2;
  }
  const specDir = values.spec;
  const outDir = values.out;
  if (command === 'generate') {
    const code = await generateOnce(specDir, outDir, io);
    if (!values.watch) return code;
    if (!existsSync(specDir)) {
      io.err(`ampyobs: cannot watch ${specDir}: no such directory`);
      return 1;
    }
    const watching = watchSpec(
      path.resolve(specDir),
      () => generateOnce(specDir, outDir, io),
      (e) => io.err(`ampyobs: watching ${specDir}: ${e.message}`),
    );
    await watching.ready;
    io.out(`ampyobs: watching ${specDir} (Ctrl-C to stop)`);
    return 'watching';
  }
  if (command === 'check') {
    const files = await build(specDir, io);
    if (!files) return 1;
    let drift;
    try {
      drift = diffOutput(outDir, files);
    } catch (e) {
      io.err(`ampyobs: cannot compare with ${outDir}: ${(e as Error).message}`);
      return 1;
    }
    if (drift.length) {
      for (const d of drift) io.err(`${path.join(outDir, d.file)}: ${d.kind}`);
      io.err(
        `ampyobs: ${outDir} is stale (${drift.length} file(s)); run \`${generateCommand({ specDir, outDir })}\` and commit the result`,
      );
      return 1;
    }
    io.out(`ampyobs: spec valid, ${outDir} up to date (${files.size} files)`);
    return 0;
  }
  if (command === 'inspect') {
    const clientOrderId = values['client-order-id'];
    const traceId = values['trace-id'];
    if (!clientOrderId === !traceId) {
      io.err(`ampyobs: inspect needs exactly one of --client-order-id or --trace-id\n${USAGE}`);
      return 2;
    }
    try {
      const dashboards =
        values.dashboards ??
        path.join(existsSync(outDir) ? outDir : path.join(packageRoot(), 'generated'), 'dashboards');
      const token = process.env['OBS_ADMIN_TOKEN']?.trim() || undefined;
      const surfaces = await Promise.all((values.surface ?? []).map((url) => fetchSnapshot(url, token)));
      const { lines, found } = inspectDir(
        values.dir,
        { ...(clientOrderId && { clientOrderId }), ...(traceId && { traceId }) },
        dashboards,
        surfaces,
      );
      for (const l of lines) (found ? io.out : io.err)(l);
      return found ? 0 : 1;
    } catch (e) {
      io.err(`ampyobs: ${(e as Error).message}`);
      return 1;
    }
  }
  io.err(`ampyobs: unknown command '${command}'\n${USAGE}`);
  return 2;
}
