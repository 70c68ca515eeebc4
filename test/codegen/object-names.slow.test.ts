// A spec naming things constructor, prototype, __proto__, toString... (test/fixtures/object-names-spec)
// generates exactly what the same spec with ordinary names generates, name for name; its TypeScript
// compiles, jsonnet finds its metrics in registry.libsonnet, and promtool passes its rules and their tests.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../codegen/cli.js';
import { expectRulesPass, tscErrors } from '../support/generated-checks.js';
import { requireTool } from '../support/tools.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SPEC = path.join(ROOT, 'test/fixtures/object-names-spec');
const run = promisify(execFile);
const promtool = requireTool('promtool');
const jsonnet = requireTool('jsonnet');

const tmp = mkdtempSync(path.join(tmpdir(), 'ampyobs-object-names-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const OUT = path.join(tmp, 'src', 'telemetry');

/**
 * Each name an object inherits, with an ordinary one of the same length that differs in one letter, so
 * that sorting, padding and escaping treat both alike. Longer names first: none contains another.
 */
const ORDINARY: readonly (readonly [string, string])[] = [
  ['hasOwnProperty', 'hasOwnPropertz'],
  ['isPrototypeOf', 'isPrototypeOz'],
  ['constructor', 'constructoz'],
  ['prototype', 'prototypz'],
  ['__proto__', '__protz__'],
  ['toString', 'toStrinz'],
  ['valueOf', 'valueOz'],
];

const ordinary = (text: string): string => ORDINARY.reduce((t, [name, other]) => t.replaceAll(name, other), text);

/**
 * Back from the ordinary names, in any case the output gives them (ConstructozFooLabels, CONSTRUCTOZ)
 * and with Markdown's escapes (\_\_protz\_\_).
 */
function restored(text: string): string {
  return ORDINARY.reduce((t, [name, other]) => {
    const at = [...other].findIndex((c, i) => c !== name[i]);
    const escapable = new RegExp([...other].map((c) => (c === '_' ? '\\\\?_' : c)).join(''), 'gi');
    return t.replace(escapable, (m) => {
      let i = -1;
      return [...m]
        .map((c) => {
          if (c !== '\\' && ++i === at) return c === c.toUpperCase() ? name[at]!.toUpperCase() : name[at]!;
          return c;
        })
        .join('');
    });
  }, text);
}

/** Every file under `dir`, by path relative to it. */
function files(dir: string): Map<string, string> {
  return new Map(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => {
        const p = path.join(e.parentPath, e.name);
        return [path.relative(dir, p), readFileSync(p, 'utf8')] as const;
      })
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

async function generate(spec: string, out: string): Promise<{ code: number | 'watching'; err: string[] }> {
  const err: string[] = [];
  const code = await runCli(['generate', '--spec', spec, '--out', out], { out: () => {}, err: (s) => err.push(s) });
  return { code, err };
}

let generated: { code: number | 'watching'; err: string[] };
beforeAll(async () => {
  generated = await generate(SPEC, OUT);
}, 120_000);

describe('a spec whose names are properties of every JavaScript object', () => {
  it('generates without a diagnostic', () => {
    expect(generated.err).toEqual([]);
    expect(generated.code).toBe(0);
  });

  it('generates what the same spec with ordinary names generates, name for name', async () => {
    const spec = path.join(tmp, 'ordinary-spec');
    const out = path.join(tmp, 'ordinary-out');
    for (const [rel, text] of files(SPEC)) {
      mkdirSync(path.dirname(path.join(spec, rel)), { recursive: true });
      writeFileSync(path.join(spec, rel), ordinary(text));
    }
    expect(await generate(spec, out)).toEqual({ code: 0, err: [] });
    const expected = new Map([...files(out)].map(([rel, text]) => [restored(rel), restored(text)]));
    const got = files(OUT);
    expect([...got.keys()]).toEqual([...expected.keys()]);
    for (const [rel, text] of got) expect(text, rel).toBe(expected.get(rel));
  }, 120_000);

  it('compiles under strict TypeScript', () => {
    writeFileSync(path.join(tmp, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(
      path.join(tmp, 'tsconfig.json'),
      JSON.stringify({
        extends: path.join(ROOT, 'tsconfig.json'),
        compilerOptions: {
          noEmit: true,
          rootDir: '/',
          typeRoots: [path.join(ROOT, 'node_modules', '@types')],
          // The spec imports the runtime as a service does; here it is this repository's.
          paths: { 'ampyobs/runtime': [path.join(ROOT, 'runtime', 'index.ts')] },
        },
        include: ['src/**/*.ts'],
        exclude: [],
      }),
    );
    expect(tscErrors(path.join(tmp, 'tsconfig.json'))).toBe('');
  }, 120_000);

  it.skipIf(!jsonnet)('writes every metric into registry.libsonnet, under metrics.<subsystem>.<name>', async () => {
    const { stdout } = await run(jsonnet!, [path.join(OUT, 'dashboards', 'registry.libsonnet')]);
    const metrics = (JSON.parse(stdout) as { metrics: Record<string, Record<string, { name: string }>> }).metrics;
    const names = Object.entries(metrics).flatMap(([, byName]) => Object.values(byName).map((m) => m.name));
    expect(names.sort()).toEqual([
      'ampy.constructor.foo',
      'ampy.constructor.prototype',
      'ampy.oms.constructor',
      'ampy.prototype.constructor',
    ]);
  });

  it.skipIf(!promtool)(
    'writes rules that pass promtool check rules, and rule tests that pass',
    () => expectRulesPass(promtool!, path.join(OUT, 'prometheus')),
    300_000,
  );
});
