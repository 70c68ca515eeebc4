import { tsLiteral } from '../escape/ts.js';
import type { Model } from '../model.js';
import { registryData } from './registry.js';
import { header } from './ts-common.js';

/** generated/registry.ts: the same data as registry.json, typed literally for TypeScript consumers. */
export function emitRegistryTs(model: Model): string {
  const data = tsLiteral(registryData(model));
  return `${header(model, import.meta.url)}\n\n/** The resolved spec registry: metrics, spans, events, resource, alerts, SLOs, sampling and redaction. */\nexport const registry = ${data} as const;\n\n/** Type of {@link registry}. */\nexport type Registry = typeof registry;\n`;
}
