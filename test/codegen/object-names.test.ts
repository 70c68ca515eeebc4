// Names every JavaScript object inherits (constructor, prototype, __proto__, toString...) are spec names
// like any other: a spec using them everywhere validates, and the tables built from it hold them as
// their own entries. object-names.slow.test.ts generates, compiles and evaluates the whole output.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../codegen/cli.js';
import { logSchema } from '../../codegen/emit/log-schema.js';
import { emitRegistryLibsonnet } from '../../codegen/emit/registry-libsonnet.js';
import type { Model } from '../../codegen/model.js';
import { readSpec, type SpecResult } from '../../codegen/pipeline.js';
import { alertLabels } from '../../codegen/prometheus/scenario.js';

const SPEC = path.resolve(import.meta.dirname, '../fixtures/object-names-spec');

/** The value `o` holds itself under `key` (never one inherited from Object.prototype). */
function own(o: unknown, key: string): unknown {
  return typeof o === 'object' && o !== null && Object.hasOwn(o, key) ? (o as Record<string, unknown>)[key] : undefined;
}

describe('spec names that are properties of every JavaScript object', () => {
  let result: SpecResult;
  let model: Model;
  beforeAll(() => {
    result = readSpec(SPEC);
    model = result.model!;
  });

  it('validate without a diagnostic: a label named constructor is not reserved', () => {
    expect(result.diagnostics).toEqual([]);
    expect(model.metrics.find((m) => m.name === 'ampy.constructor.foo')?.labels.map((l) => l.name)).toEqual([
      'constructor',
      'prototype',
    ]);
  });

  it('put every metric in registry.libsonnet under metrics.<subsystem>.<name>', () => {
    const text = emitRegistryLibsonnet(model);
    // The file is comment lines, then JSON (a subset of jsonnet).
    const data = JSON.parse(text.slice(text.indexOf('\n{') + 1)) as unknown;
    const metrics = own(data, 'metrics');
    for (const name of [
      'ampy.constructor.foo',
      'ampy.constructor.prototype',
      'ampy.prototype.constructor',
      'ampy.oms.constructor',
    ]) {
      const [, subsystem, short] = name.split('.') as [string, string, string];
      expect(own(own(own(metrics, subsystem), short), 'name'), name).toBe(name);
    }
  });

  it('describe a context field named constructor in the log schema', () => {
    const properties = own(logSchema(model), 'properties');
    expect(own(own(properties, 'constructor'), 'enum')).toEqual([
      'toString',
      '__proto__',
      'constructor',
      'hasOwnProperty',
      'valueOf',
    ]);
  });

  it('give an alert grouped by constructor a value of that label in its rule tests', () => {
    const alert = model.alerts.find((a) => a.name === 'ConstructorBy')!;
    expect(alertLabels(alert.metric, alert)).toEqual({ constructor: 'toString' });
  });
});

describe('the CLI', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'takes %s for an unknown command',
    async (command) => {
      const err: string[] = [];
      expect(await runCli([command], { out: () => {}, err: (s) => err.push(s) })).toBe(2);
      expect(err.join('\n')).toContain(`ampyobs: unknown command '${command}'`);
    },
  );
});
