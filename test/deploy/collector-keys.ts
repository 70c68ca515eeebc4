// Structural check of a collector config against the keys each component accepts at the pinned version
// (test/fixtures/collector/components-<version>.yaml): no container engine and no collector binary run
// here, so this is what catches a misspelt, removed or deprecated key before a user's collector does.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { checkKeys, type KeyNode } from '../support/key-tree.js';

interface Component {
  readonly source: string;
  readonly keys: KeyNode;
  readonly deprecated_keys?: readonly string[];
}
export interface KeyFixture {
  readonly version: string;
  readonly deprecated_types: Record<string, string>;
  readonly config: string[];
  readonly service: KeyNode;
  readonly shared: Record<string, KeyNode>;
  readonly components: Record<string, Component>;
}

export function loadKeyFixture(version: string): KeyFixture {
  const file = path.resolve(import.meta.dirname, `../fixtures/collector/components-${version}.yaml`);
  return parse(readFileSync(file, 'utf8')) as KeyFixture;
}

const SECTIONS = {
  receivers: 'receiver',
  processors: 'processor',
  exporters: 'exporter',
  connectors: 'connector',
  extensions: 'extension',
} as const;

/** Every problem of a config: unknown sections, component types and keys, deprecated types and keys. */
export function checkCollectorKeys(config: Record<string, unknown>, fx: KeyFixture): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(config)) if (!fx.config.includes(key)) problems.push(`${key}: not a top-level section`);
  for (const [section, kind] of Object.entries(SECTIONS)) {
    const components = (config[section] ?? {}) as Record<string, unknown>;
    for (const [id, value] of Object.entries(components)) {
      const type = `${kind}/${id.split('/')[0]}`;
      const deprecated = fx.deprecated_types[type];
      if (deprecated) {
        problems.push(`${section}.${id}: ${type} is deprecated, use ${deprecated}`);
        continue;
      }
      const c = fx.components[type];
      if (!c) {
        problems.push(`${section}.${id}: no component ${type} in the ${fx.version} fixture`);
        continue;
      }
      for (const k of c.deprecated_keys ?? []) {
        if (value && typeof value === 'object' && k in value)
          problems.push(`${section}.${id}.${k}: deprecated at ${fx.version}`);
      }
      checkKeys(value ?? {}, c.keys, `${section}.${id}`, problems, fx.shared, c.deprecated_keys ?? []);
    }
  }
  checkKeys(config['service'] ?? {}, fx.service, 'service', problems, fx.shared);
  return problems;
}
