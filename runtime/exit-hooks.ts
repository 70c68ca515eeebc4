// What a service that never calls shutdown() still delivers. Without these hooks, a process that ends
// because its work is done exits with spans, records and metric points still queued, and one stopped by
// SIGTERM or SIGINT (Kubernetes, Ctrl-C) also loses the log lines gathered for stdout: Node's default
// for those signals runs no JavaScript at all.
import { first, option, parseBool, variable, type Env } from './settings.js';

/** Signals whose default action ends the process, and that a service is stopped with. */
const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Whether init() installs the exit hooks: OBS_SHUTDOWN_ON_EXIT over the `shutdownOnExit` option, default on. */
export function resolveShutdownOnExit(option_: boolean | undefined, env: Env): boolean {
  return first([variable(env, 'OBS_SHUTDOWN_ON_EXIT', parseBool), option('shutdownOnExit', option_)], {
    value: true,
    setting: 'default',
  }).value;
}

/** What the hooks call: the instance's shutdown, and the synchronous write of gathered log lines. */
export interface ExitActions {
  shutdown(timeoutMillis: number): Promise<void>;
  flushLinesSync(): void;
}

/**
 * Installs the hooks; the function returned removes them (shutdown() calls it).
 * - When the event loop empties (`beforeExit`), the instance shuts down within `timeoutMillis`: the
 *   process exits once that is done.
 * - On SIGTERM or SIGINT, the gathered log lines are written at once. If no other listener handles the
 *   signal, the instance then shuts down within `timeoutMillis` and the signal is raised again with
 *   Node's default action, so the process still ends by that signal (exit status 128 + its number); a
 *   second signal meanwhile ends it at once. An application with a listener of its own keeps its
 *   handling: it decides when to call shutdown() and exit.
 */
export function installExitHooks(actions: ExitActions, timeoutMillis: number): () => void {
  let shuttingDown = false;
  const shutdownOnce = (): Promise<void> => {
    if (shuttingDown) return Promise.resolve();
    shuttingDown = true;
    return actions.shutdown(timeoutMillis).catch(() => {});
  };
  const onBeforeExit = (): void => {
    void shutdownOnce();
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    try {
      actions.flushLinesSync();
    } catch {
      // Nothing more to do for the lines; the rest of the handling goes on.
    }
    if (process.listenerCount(signal) > 1) return;
    remove();
    void shutdownOnce().finally(() => process.kill(process.pid, signal));
  };
  const remove = (): void => {
    process.off('beforeExit', onBeforeExit);
    for (const s of SIGNALS) process.off(s, onSignal);
  };
  process.on('beforeExit', onBeforeExit);
  for (const s of SIGNALS) process.on(s, onSignal);
  return remove;
}
