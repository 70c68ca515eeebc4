import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { packageRoot } from './package-root.js';

const BINDING = '@hanazuki/node-jsonnet';

/** The jsonnet evaluator class of the native binding. */
export type JsonnetClass = typeof import('@hanazuki/node-jsonnet').Jsonnet;

/**
 * Loads the jsonnet binding, which only dashboard rendering needs, when it is first needed. It is an
 * optional peer dependency because it compiles C++ at install time: a service that renders no
 * dashboards never installs it. Returns the evaluator, or why it is unavailable and the exact command
 * that fixes it.
 */
export function loadJsonnet(): { readonly Jsonnet: JsonnetClass } | { readonly problem: string } {
  try {
    // require, not import(): the binding is CommonJS, and on Node 20 a CommonJS module that throws
    // while loading under import() (the native file is missing) is reported as an uncaught exception
    // with a stack trace even when the import's rejection is caught.
    const { Jsonnet } = createRequire(import.meta.url)(BINDING) as typeof import('@hanazuki/node-jsonnet');
    return { Jsonnet };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const needs = `rendering dashboards (codegen.dashboards) needs the jsonnet binding ${BINDING}`;
    if (err.code === 'MODULE_NOT_FOUND' && String(err.message).includes(`'${BINDING}'`))
      return {
        problem:
          `${needs}, which is not installed: run \`npm install --save-dev ${BINDING}@${pinnedVersion()}\` ` +
          '(it compiles C++ at install time, so it needs cmake and a C++ compiler), or remove codegen.dashboards',
      };
    const first = (String(err.message ?? e).split('\n')[0] ?? '').replace(/[\s.]*Tried:\s*$/, '');
    return {
      problem:
        `${needs}, which is installed but did not load (${first}); its native module is built by its install script, ` +
        `which did not run (--ignore-scripts) or failed: run \`npm rebuild ${BINDING}\` (it compiles C++, so it needs cmake and a C++ compiler)`,
    };
  }
}

/** The binding version this package is tested with: its peer dependency, one place to change it. */
function pinnedVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as {
    peerDependencies?: Record<string, string>;
  };
  return pkg.peerDependencies?.[BINDING] ?? 'latest';
}
