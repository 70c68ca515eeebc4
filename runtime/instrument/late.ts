// "Loaded too late": a library the application loaded before its instrumentation could patch it stays
// silent (no spans, no metrics) without any error. Every library ampyobs instruments is CommonJS, and a
// CommonJS module lands in the require cache even when ESM imports it, so the cache tells what is loaded;
// the instrumentation's module table tells what it patched.
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Instrumentation } from '@opentelemetry/instrumentation';

/** The parts of @opentelemetry/instrumentation's module table read here (internal, pinned version). */
interface ModuleRecord {
  readonly name: string;
  readonly moduleExports?: unknown;
  readonly files?: readonly { readonly moduleExports?: unknown }[];
}

const cache = createRequire(import.meta.url).cache;

/** Whether any file of a package (`pg`, `@redis/client`) is in the require cache. */
function loaded(pkg: string): boolean {
  if (path.isAbsolute(pkg) || pkg.startsWith('node:') || !/^[@a-z0-9]/i.test(pkg)) return false;
  const marker = `${path.sep}node_modules${path.sep}${pkg.split('/').join(path.sep)}${path.sep}`;
  for (const file of Object.keys(cache)) if (file.includes(marker)) return true;
  return false;
}

/**
 * The first module an instrumentation covers that the application loaded but that it never patched, or
 * undefined. An instrumentation that patched any of its modules (one matching version among several,
 * such as @redis/client for redis 4 to 6) is in time.
 */
export function loadedButUnpatched(inst: Instrumentation): string | undefined {
  const modules = (inst as unknown as { _modules?: readonly ModuleRecord[] })._modules ?? [];
  const patched = modules.some(
    (m) => m.moduleExports !== undefined || (m.files ?? []).some((f) => f.moduleExports !== undefined),
  );
  if (patched) return undefined;
  return modules.find((m) => loaded(m.name))?.name;
}

const told = new Set<string>();

/**
 * One line on stderr per module loaded too late: what is not traced, and how to start the process so
 * that it is. `registered` says whether `ampyobs/register` ran (then only a module imported before it, by
 * an earlier --import, can be late).
 */
export function reportLate(late: readonly { name: string; module: string }[], registered: boolean): void {
  for (const { name, module } of late) {
    if (told.has(module)) continue;
    told.add(module);
    const fix = registered
      ? 'put --import ampyobs/register before any other --import that loads it'
      : 'start the process with node --import ampyobs/register (tsx --import ampyobs/register for TypeScript), or, in CommonJS, call init() before requiring it';
    process.stderr.write(
      `ampyobs: ${module} was loaded before the ${name} instrumentation could patch it, so its calls are not traced; ${fix} (README, "Auto-instrumentation")\n`,
    );
  }
}
