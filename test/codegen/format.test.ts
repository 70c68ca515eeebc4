// Generated TypeScript and JSON are formatted by prettier with the repository's own layout, the same
// bytes every time; other files pass through untouched, and an emitter's unparseable output is named.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InternalError } from '../../codegen/diagnostics.js';
import { FORMAT_OPTIONS, formatFiles } from '../../codegen/format.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('formatFiles', () => {
  it('uses the layout of .prettierrc.json, which npm run lint checks every file against', () => {
    expect(JSON.parse(readFileSync(path.join(ROOT, '.prettierrc.json'), 'utf8'))).toEqual(FORMAT_OPTIONS);
  });

  it('formats TypeScript and JSON, keeps YAML, Markdown and jsonnet byte for byte, in the same order', async () => {
    const yaml = 'groups:\n  - {name: "x",   rules: []}\n';
    const md = '# Title\n\n*  item\n';
    const libsonnet = '{ a:1 }\n';
    const files = new Map([
      ['z.ts', 'export const a = {b: "c"}\n'],
      ['rules.yaml', yaml],
      ['a.json', '{"k": [1,2,3], "o": {"p": true}}'],
      ['docs/T.md', md],
      ['r.libsonnet', libsonnet],
    ]);
    const out = await formatFiles(files);
    expect([...out.keys()]).toEqual([...files.keys()]);
    expect(out.get('z.ts')).toBe("export const a = { b: 'c' };\n");
    expect(out.get('a.json')).toBe('{ "k": [1, 2, 3], "o": { "p": true } }\n');
    expect(out.get('rules.yaml')).toBe(yaml);
    expect(out.get('docs/T.md')).toBe(md);
    expect(out.get('r.libsonnet')).toBe(libsonnet);
  });

  it('wraps at 120 columns with trailing commas, and formatting its own output changes nothing', async () => {
    const members = Array.from({ length: 12 }, (_, i) => `'member_number_${i}'`).join(' | ');
    const source = `export type Long = ${members};\nexport const list = [${Array.from({ length: 30 }, (_, i) => `"value_${i}"`).join(', ')}];\n`;
    const once = (await formatFiles(new Map([['long.ts', source]]))).get('long.ts')!;
    expect(Math.max(...once.split('\n').map((l) => l.length))).toBeLessThanOrEqual(120);
    expect(once).toContain("  'value_29',\n];");
    expect((await formatFiles(new Map([['long.ts', once]]))).get('long.ts')).toBe(once);
  });

  it('names the file when an emitter wrote TypeScript or JSON that does not parse', async () => {
    const err = await formatFiles(new Map([['metrics.ts', 'export const = ;']])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalError);
    expect((err as InternalError).stage).toBe('formatting metrics.ts');
    const json = await formatFiles(new Map([['registry.json', '{"a": }']])).catch((e: unknown) => e);
    expect((json as InternalError).stage).toBe('formatting registry.json');
  });
});
