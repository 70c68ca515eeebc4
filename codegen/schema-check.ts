import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { Diagnostic } from './diagnostics.js';
import { locator, type SpecFile } from './load.js';
import { packageRoot } from './package-root.js';

const at = locator('codegen/schema-check.ts');

let compiled: ValidateFunction | undefined;

/** The JSON Schema of a spec fragment, shipped next to the codegen (also used by editors). */
export function specSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(packageRoot(), 'codegen', 'spec.schema.json'), 'utf8')) as Record<
    string,
    unknown
  >;
}

function validator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true }).compile(
    specSchema(),
  );
  return compiled;
}

function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function describe(e: ErrorObject): { message: string; path: (string | number)[]; key: boolean } {
  const path = pointerToPath(e.instancePath);
  const where = e.instancePath === '' ? 'document' : e.instancePath.slice(1).replace(/\//g, '.');
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const prop = String(p['additionalProperty']);
      const schemaProps = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const allowed = schemaProps.length ? ` (allowed: ${schemaProps.join(', ')})` : '';
      return { message: `unknown property '${prop}' in ${where}${allowed}`, path: [...path, prop], key: true };
    }
    case 'required':
      return { message: `${where} is missing required property '${String(p['missingProperty'])}'`, path, key: false };
    case 'enum':
      return {
        message: `${where} must be one of: ${(p['allowedValues'] as unknown[]).map(String).join(', ')}`,
        path,
        key: false,
      };
    case 'pattern':
      return { message: `${where} must match ${String(p['pattern'])}`, path, key: false };
    case 'not':
      return { message: `${where} must not have 'members' unless type is enum`, path, key: false };
    default:
      return { message: `${where} ${e.message ?? 'is invalid'}`, path, key: false };
  }
}

/**
 * Checks a file against the fragment schema and reports every violation. Returns what must be left
 * out of the merge: '*' for the whole file, a section name, or 'section/index' for one bad entry, so
 * the rest of the spec is still checked and one typo does not hide every other problem.
 */
export function checkSchema(file: SpecFile, diags: Diagnostic[]): Set<string> {
  const poisoned = new Set<string>();
  if (file.data === undefined) return new Set(['*']);
  const validate = validator();
  if (validate(file.data)) return poisoned;
  const seen = new Set<string>();
  for (const e of validate.errors ?? []) {
    // The if/then/else wrapper only restates the specific error reported beside it.
    if (e.keyword === 'if') continue;
    const d = describe(e);
    const diag = at({ file, path: d.path }, 'schema', d.message, d.key);
    const id = `${diag.line}:${diag.col}:${diag.message}`;
    if (!seen.has(id)) {
      seen.add(id);
      diags.push(diag);
    }
    const [section, index] = d.path;
    if (section === undefined) poisoned.add('*');
    else if (typeof index === 'number') poisoned.add(`${section}/${index}`);
    else poisoned.add(String(section));
  }
  return poisoned;
}
