// The service's own package.json, for the default service.name and service.version: npm sets
// npm_package_name only under `npm run`, and a service started with `node dist/main.js` has none.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** What a package.json says about the service, when it says it. */
export interface ServicePackage {
  readonly name?: string;
  readonly version?: string;
}

/** Larger package.json files are not read: this runs in init, on the service's start-up path. */
const MAX_BYTES = 1024 * 1024;
/** How many directories up from the start the search goes. */
const MAX_LEVELS = 32;

function readSmall(file: string): string | undefined {
  try {
    const st = statSync(file, { throwIfNoEntry: false });
    return st?.isFile() && st.size <= MAX_BYTES ? readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' && v.length <= 256 ? v : undefined;
}

/** The nearest package.json at or above `dir` that has a name; one that cannot be read or parsed is passed over. */
function nearestNamed(dir: string): ServicePackage | undefined {
  let d = path.resolve(dir);
  for (let i = 0; i < MAX_LEVELS; i++) {
    const raw = readSmall(path.join(d, 'package.json'));
    if (raw !== undefined) {
      try {
        const p = JSON.parse(raw) as Record<string, unknown>;
        const name = text(p['name']);
        const version = text(p['version']);
        if (name) return version === undefined ? { name } : { name, version };
      } catch {
        // Malformed: keep looking further up.
      }
    }
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  return undefined;
}

/**
 * The package of the running service: the nearest named package.json above its entry script, unless
 * that script is a tool's inside node_modules (a test runner, a process manager), then above the
 * working directory. Never throws.
 */
export function servicePackage(
  entry: string | undefined = process.argv[1],
  cwd: string = process.cwd(),
): ServicePackage {
  try {
    const fromEntry =
      entry && !entry.split(/[\\/]/).includes('node_modules')
        ? nearestNamed(path.dirname(path.resolve(entry)))
        : undefined;
    return fromEntry ?? nearestNamed(cwd) ?? {};
  } catch {
    return {};
  }
}
