// The `logFile` option: JSON log lines appended to a file instead of stdout.
import path from 'node:path';
import { pino } from 'pino';
import type { LogDestination } from './logs.js';
import { makeDirectory } from './make-directory.js';
import { ConfigError } from './settings.js';

/**
 * The file's destination, appended to synchronously (nothing is lost at exit), its directory made first
 * without Node's recursive mkdir (see runtime/make-directory.ts). A ConfigError naming `logFile` when the
 * file cannot be opened for appending.
 */
export function logFileDestination(file: unknown): LogDestination {
  if (typeof file !== 'string' || file.trim() === '')
    throw new ConfigError('logFile', 'is not the path of a file to append log lines to');
  try {
    makeDirectory(path.dirname(file));
    return pino.destination({ dest: file, sync: true, append: true });
  } catch (e) {
    throw new ConfigError('logFile', `cannot append log lines to '${file}': ${(e as Error).message}`);
  }
}
