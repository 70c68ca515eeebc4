import { existsSync } from 'node:fs';
import path from 'node:path';
import { generateCommand } from './command.js';
import { formatDiagnostic, InternalError, internalDiagnostic, SpecError } from './diagnostics.js';
import { MANIFEST } from './load.js';
import { renderFiles, type FileSet } from './generate.js';
import { readSpec } from './pipeline.js';
import { watchSpec } from './watch.js';
import { assertOutPlace, diffOutput, writeOutput } from './write.js';
import { packageRoot, packageVersion } from './package-root.js';
import { suggest } from './suggest.js';
import { inspectDir } from '../tools/inspect/inspect.js';
import { fetchSnapshot } from '../tools/inspect/surface.js';
import { options, ToolError, type Io } from '../tools/common.js';
import { runTool, TOOL_NAMES, TOOLS_USAGE } from '../tools/index.js';

const GENERATE_USAGE = `Usage: ampyobs generate [--spec DIR] [--out DIR] [--watch]
  Validates the spec in --spec (default ./spec) and writes the generated files to --out (default
  ./generated), all or nothing: a failed run leaves the previous output intact. --out is replaced as a
  whole, so it must be missing, empty, or a directory ampyobs generated (marked .ampyobs-generated),
  and neither inside --spec nor holding it.
  --watch generates again on every change of the spec, until Ctrl-C.`;

const CHECK_USAGE = `Usage: ampyobs check [--spec DIR] [--out DIR]
  Validates the spec in --spec (default ./spec) and compares what it generates with --out (default
  ./generated), writing nothing. Exit 1 on spec errors or when a file in --out is stale (each is named).`;

const INSPECT_USAGE = `Usage: ampyobs inspect (--client-order-id ID | --trace-id ID) [--dir DIR] [--dashboards DIR] [--surface URL]…
  Prints an order's (or a trace's) log lines, its trace across processes, its metric series and
  exemplars, and the dashboard panels that show them, from the local telemetry in --dir (default
  ./.ampyobs/telemetry) and the dashboards in --dashboards (default ./generated/dashboards, else the ones
  shipped in the package). Each --surface URL adds the health and SLOs of a running service, with
  OBS_ADMIN_TOKEN as the bearer token when set. Exit 1 when nothing is found.`;

const USAGE = `Usage:
  ampyobs generate [--spec DIR] [--out DIR] [--watch]   validate the spec and write the generated files (all or nothing)
  ampyobs check    [--spec DIR] [--out DIR]             validate the spec; exit 1 if the generated files are stale
  ampyobs inspect  (--client-order-id ID | --trace-id ID) [--dir DIR] [--dashboards DIR] [--surface URL]…
                                                        an order's log lines, trace across processes, metric series,
                                                        exemplars and dashboard panels, from local telemetry; health
                                                        and SLOs of running services (--surface, OBS_ADMIN_TOKEN)
${TOOLS_USAGE}
  ampyobs --version                                     print the version of ampyobs
Each command prints its own usage with --help.
Defaults: --spec ./spec, --out ./generated, --dir ./.ampyobs/telemetry, --dashboards ./generated/dashboards`;

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

/**
 * False, saying why, when --out is no place for generated files (the root, the home directory, inside or
 * holding --spec). Checked before the spec is read: an --out inside it may already have filled it with
 * generated files, which would only be reported as spec errors.
 */
function placed(specDir: string, outDir: string, io: Io): boolean {
  try {
    assertOutPlace(outDir, [specDir]);
    return true;
  } catch (e) {
    io.err(`ampyobs: ${(e as Error).message}`);
    return false;
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

async function runGenerate(argv: readonly string[], io: Io): Promise<number | 'watching'> {
  const o = options(
    argv,
    {
      spec: { type: 'string', default: 'spec' },
      out: { type: 'string', default: 'generated' },
      watch: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
    GENERATE_USAGE,
    'generate',
  );
  if (o.help) return help(GENERATE_USAGE, io);
  // Refused even with --watch: no edit of the spec moves --out.
  if (!placed(o.spec, o.out, io)) return 1;
  const code = await generateOnce(o.spec, o.out, io);
  if (!o.watch) return code;
  if (!existsSync(o.spec)) {
    io.err(`ampyobs: cannot watch ${o.spec}: no such directory`);
    return 1;
  }
  const watching = watchSpec(
    path.resolve(o.spec),
    () => generateOnce(o.spec, o.out, io),
    (e) => io.err(`ampyobs: watching ${o.spec}: ${e.message}`),
  );
  await watching.ready;
  io.out(`ampyobs: watching ${o.spec} (Ctrl-C to stop)`);
  return 'watching';
}

async function runCheck(argv: readonly string[], io: Io): Promise<number> {
  const o = options(
    argv,
    {
      spec: { type: 'string', default: 'spec' },
      out: { type: 'string', default: 'generated' },
      help: { type: 'boolean', short: 'h' },
    },
    CHECK_USAGE,
    'check',
  );
  if (o.help) return help(CHECK_USAGE, io);
  if (!placed(o.spec, o.out, io)) return 1;
  const files = await build(o.spec, io);
  if (!files) return 1;
  let drift;
  try {
    drift = diffOutput(o.out, files);
  } catch (e) {
    io.err(`ampyobs: cannot compare with ${o.out}: ${(e as Error).message}`);
    return 1;
  }
  if (drift.length) {
    for (const d of drift) io.err(`${path.join(o.out, d.file)}: ${d.kind}`);
    io.err(
      `ampyobs: ${o.out} is stale (${drift.length} file(s)); run \`${generateCommand({ specDir: o.spec, outDir: o.out })}\` and commit the result`,
    );
    return 1;
  }
  io.out(`ampyobs: spec valid, ${o.out} up to date (${files.size} files)`);
  return 0;
}

async function runInspect(argv: readonly string[], io: Io): Promise<number> {
  const o = options(
    argv,
    {
      'client-order-id': { type: 'string' },
      'trace-id': { type: 'string' },
      dir: { type: 'string', default: '.ampyobs/telemetry' },
      dashboards: { type: 'string' },
      surface: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    INSPECT_USAGE,
    'inspect',
  );
  if (o.help) return help(INSPECT_USAGE, io);
  const clientOrderId = o['client-order-id'];
  const traceId = o['trace-id'];
  if (!clientOrderId === !traceId)
    throw new ToolError(`inspect needs exactly one of --client-order-id or --trace-id\n${INSPECT_USAGE}`, 2);
  try {
    const local = path.join('generated', 'dashboards');
    const dashboards =
      o.dashboards ?? (existsSync(local) ? local : path.join(packageRoot(), 'generated', 'dashboards'));
    const token = process.env['OBS_ADMIN_TOKEN']?.trim() || undefined;
    const surfaces = await Promise.all((o.surface ?? []).map((url) => fetchSnapshot(url, token)));
    const { lines, found } = inspectDir(
      o.dir,
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

function help(usage: string, io: Io): 0 {
  io.out(usage);
  return 0;
}

type Command = (argv: readonly string[], io: Io) => Promise<number | 'watching'>;

/** The commands of this module; the lifecycle commands are tools/index.ts's. A Map: argv is any text. */
const COMMANDS: ReadonlyMap<string, Command> = new Map<string, Command>([
  ['generate', runGenerate],
  ['check', runCheck],
  ['inspect', runInspect],
]);

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export async function runCli(
  argv: readonly string[],
  io: Io = { out: (s) => console.log(s), err: (s) => console.error(s) },
): Promise<number | 'watching'> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h') return help(USAGE, io);
  if (command === '--version' || command === '-v') {
    io.out(packageVersion());
    return 0;
  }
  if (command === undefined) {
    io.err(USAGE);
    return 2;
  }
  const run = COMMANDS.get(command);
  if (run)
    try {
      return await run(rest, io);
    } catch (e) {
      if (!(e instanceof ToolError)) throw e;
      io.err(`ampyobs: ${e.message}`);
      return e.code;
    }
  // The lifecycle commands (diff, live-check, emit, dashboards) take options of their own.
  const tool = await runTool(argv, io);
  if (tool !== undefined) return tool;
  if (command.startsWith('-'))
    io.err(
      `ampyobs: unknown option '${command}'${suggest(command, ['--help', '--version'])}; a command comes first\n${USAGE}`,
    );
  else
    io.err(`ampyobs: unknown command '${command}'${suggest(command, [...COMMANDS.keys(), ...TOOL_NAMES])}\n${USAGE}`);
  return 2;
}
