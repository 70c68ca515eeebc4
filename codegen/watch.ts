// `ampyobs generate --watch`: regenerates after the spec's files change. chokidar, not fs.watch: on Linux,
// Node 20's recursive fs.watch watches each file's inode, so once a save had replaced a file (sed -i, an
// editor's write-and-rename), later edits of it were never reported, and a fix saved after a spec error
// was not regenerated.
import { watch } from 'chokidar';

/** Quiet time after the last change before a run: an editor's save is several writes (truncate, write, rename). */
export const SETTLE_MS = 100;

/** A running watch. */
export interface SpecWatch {
  /** Resolves once the directory's files are being watched. */
  readonly ready: Promise<void>;
  /** Stops watching; a run in progress finishes. */
  close(): Promise<void>;
}

/**
 * Calls `run` after files under `dir` change and have been quiet for SETTLE_MS. One run at a time:
 * changes during a run give exactly one more run after it, which reads the files as they are then.
 * `run` reports its own outcome; a rejection goes to `onError` and the watch goes on.
 */
export function watchSpec(dir: string, run: () => Promise<unknown>, onError: (e: Error) => void): SpecWatch {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  let closed = false;

  const start = (): void => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    again = false;
    run()
      .catch((e: unknown) => onError(e instanceof Error ? e : new Error(String(e))))
      .finally(() => {
        running = false;
        if (again) schedule();
      });
  };
  const schedule = (): void => {
    clearTimeout(timer);
    timer = setTimeout(start, SETTLE_MS);
  };

  const watcher = watch(dir, { ignoreInitial: true, persistent: true });
  watcher.on('all', schedule);
  watcher.on('error', (e: unknown) => onError(e instanceof Error ? e : new Error(String(e))));
  const ready = new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return {
    ready,
    async close() {
      closed = true;
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
