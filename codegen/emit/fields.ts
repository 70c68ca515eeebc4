import type { AttributeUse } from '../model.js';
import { tsString } from '../escape/ts.js';

/** The runtime descriptor of one attribute use: name, type, and redaction flags. */
export function fieldDescriptor(u: AttributeUse): string {
  const parts = [`name: ${tsString(u.name)}`, `type: ${tsString(u.attr.type)}`];
  if (u.attr.type === 'enum') parts.push(`values: [${u.attr.members.map((m) => tsString(m.value)).join(', ')}]`);
  if (u.attr.secret) parts.push('secret: true');
  if (u.attr.fingerprint) parts.push('fingerprint: true');
  return `{ ${parts.join(', ')} }`;
}
