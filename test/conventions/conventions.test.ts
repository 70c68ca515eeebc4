// The shared conventions stay true to what they name: the package version, the installed analyser,
// the spec's redaction policy and the reference stack.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { COMPOSE, PORTS } from '../../codegen/emit/stack.js';
import {
  DEFAULT_OTLP_ENDPOINT,
  DEFAULT_REDACTION_KEY_PATTERNS,
  INSTRUMENTATIONS,
  LINEAR_CHECK,
  OVERFLOW_VALUE,
  SCOPE,
} from '../../conventions/index.js';
import { resolveConfig } from '../../runtime/config.js';
import { CLEAN_ENV } from '../support/env.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
};

describe('conventions', () => {
  it('import nothing, so the codegen and the tools load them without the runtime', () => {
    const source = readFileSync(path.join(ROOT, 'conventions', 'index.ts'), 'utf8');
    expect(source).not.toMatch(/^\s*(import|export \* from|export \{[^}]*\} from)\b/m);
    expect(source).not.toMatch(/\bimport\(|\brequire\(/);
  });

  it('name the package version as the instrumentation scope version', () => {
    expect(SCOPE).toEqual({ name: 'ampyobs', version: pkg.version });
  });

  it('name the exact recheck that is installed as the linear-time analyser', () => {
    const installed = (createRequire(import.meta.url)('recheck/package.json') as { version: string }).version;
    expect(LINEAR_CHECK).toBe(`recheck ${pkg.dependencies['recheck']}`);
    expect(LINEAR_CHECK).toBe(`recheck ${installed}`);
  });

  it('name each instrumentation as the spec schema lists it, with the scope its installed package reports under', () => {
    const schema = JSON.parse(readFileSync(path.join(ROOT, 'codegen', 'spec.schema.json'), 'utf8')) as {
      definitions: { metric: { properties: { recorded_by: { items: { enum: string[] } } } } };
    };
    expect(Object.keys(INSTRUMENTATIONS)).toEqual(schema.definitions.metric.properties.recorded_by.items.enum);
    const require = createRequire(import.meta.url);
    for (const scope of Object.values(INSTRUMENTATIONS)) {
      if (scope === undefined) continue;
      expect(pkg.dependencies[scope], scope).toBeDefined();
      const exports = require(scope) as Record<string, unknown>;
      const Instrumentation = Object.entries(exports).find(
        ([k, v]) => k.endsWith('Instrumentation') && typeof v === 'function',
      )?.[1] as new (c: object) => { instrumentationName: string };
      // The scope its spans and metrics carry (the metric views of the guardrails select by it).
      expect(new Instrumentation({ enabled: false }).instrumentationName).toBe(scope);
    }
  });

  it('always redact a subset of what the spec asks the collector to redact', () => {
    const policy = parse(readFileSync(path.join(ROOT, 'spec', 'policy.yaml'), 'utf8')) as {
      redaction: { key_patterns: string[] };
    };
    for (const p of DEFAULT_REDACTION_KEY_PATTERNS)
      expect(
        policy.redaction.key_patterns.some((k) => k.includes(p)),
        p,
      ).toBe(true);
  });

  it('send OTLP to the edge collector of the reference stack by default', () => {
    expect(DEFAULT_OTLP_ENDPOINT).toBe(`http://${COMPOSE.edgeService}:${PORTS.otlpHttp}`);
    expect(resolveConfig({}, { ...CLEAN_ENV }).otlp.endpoint).toBe(DEFAULT_OTLP_ENDPOINT);
  });

  it('record the overflow value the spec documents for invalid labels', () => {
    const platform = readFileSync(path.join(ROOT, 'spec', 'attributes', 'platform.yaml'), 'utf8');
    expect(platform).toContain(`recorded under the overflow value ${OVERFLOW_VALUE}.`);
  });
});
