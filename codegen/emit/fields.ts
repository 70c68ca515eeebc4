import type { AttributeUse } from '../model.js';
import { tsString } from '../escape/ts.js';
import { enumValuesName } from './ts-common.js';

/** The runtime descriptor of one attribute use: name, type, and redaction flags. */
export function fieldDescriptor(u: AttributeUse): string {
  const parts = [`name: ${tsString(u.name)}`, `type: ${tsString(u.attr.type)}`];
  // The enum's value list from attributes.ts, as metrics.ts refers to it (addAttributeImports imports it).
  if (u.attr.type === 'enum') parts.push(`values: ${enumValuesName(u.attr)}`);
  if (u.attr.secret) parts.push('secret: true');
  if (u.attr.fingerprint) parts.push('fingerprint: true');
  return `{ ${parts.join(', ')} }`;
}
