// The registry lifecycle commands (and dashboard provisioning) the CLI dispatches to: each loaded only when it runs.
import { ToolError, type Io } from './common.js';

type Run = (argv: readonly string[], io: Io) => number | Promise<number>;

// A Map: the command is whatever was typed, and `ampyobs constructor` must be an unknown command.
const TOOLS: ReadonlyMap<string, () => Promise<Run>> = new Map<string, () => Promise<Run>>([
  ['diff', async () => (await import('./diff/command.js')).runDiff],
  ['live-check', async () => (await import('./live-check/command.js')).runLiveCheck],
  ['emit', async () => (await import('./emit/command.js')).runEmit],
  ['dashboards', async () => (await import('./dashboards/command.js')).runDashboards],
]);

/** The lifecycle commands' names, for a did-you-mean on an unknown command. */
export const TOOL_NAMES: readonly string[] = [...TOOLS.keys()];

/** Usage lines of the lifecycle commands, for the CLI's usage text. */
export const TOOLS_USAGE = `  ampyobs diff     --baseline <dir | git:<ref> | npm:<package>@<version>> [--spec DIR] [--format text|json|markdown]
                                                        classify every change against a baseline registry; exit 1
                                                        when registry.version is not bumped enough
  ampyobs live-check [--otlp-port N]… [--dir DIR] [--scrape URL]… [--duration S] [--spec DIR]
                     [--format text|json] [--fail-on error|warn]
                                                        check real telemetry (OTLP over HTTP and gRPC, local
                                                        telemetry files, Prometheus endpoints) against the registry
  ampyobs emit     [--endpoint URL] [--duration S] [--timeout S] [--spec DIR]
                                                        send synthetic telemetry for every signal of the registry;
                                                        exit 1 unless all of it was delivered
  ampyobs dashboards push --url URL --token-env VAR [--folder NAME] [--var NAME=VALUE]… [--dashboards DIR]
                          [--timeout S]
                                                        create or update the generated dashboards in a running
                                                        Grafana by uid; unchanged ones are left alone`;

/** Runs a lifecycle command; undefined when `argv` names none. Never throws. */
export async function runTool(argv: readonly string[], io: Io): Promise<number | undefined> {
  const command = argv[0];
  const load = command === undefined ? undefined : TOOLS.get(command);
  if (!load) return undefined;
  try {
    return await (
      await load()
    )(argv.slice(1), io);
  } catch (e) {
    if (e instanceof ToolError) {
      io.err(`ampyobs ${command}: ${e.message}`);
      return e.code;
    }
    io.err(`ampyobs ${command}: internal error: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
    return 1;
  }
}
