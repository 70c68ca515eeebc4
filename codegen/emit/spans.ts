import { tsDoc, tsString } from '../escape/ts.js';
import type { Model, Span } from '../model.js';
import { camel, pascal } from '../names.js';
import { fieldDescriptor } from './fields.js';
import {
  addAttributeImports,
  addRuntimeTypeImports,
  byKey,
  exampleObject,
  groupBy,
  isRequired,
  newProject,
  propKey,
  render,
  useProperty,
  writeDoc,
} from './ts-common.js';

export function spanDomain(s: Span): string {
  return s.name.split('.')[0] ?? s.name;
}
export function spanOperation(s: Span): string {
  return camel(s.name.split('.').slice(1).join('_'));
}
export function spanAttributesTypeName(s: Span): string {
  return `${pascal(s.name)}Attributes`;
}

function spanDoc(s: Span): string {
  const lines = [tsDoc(s.brief)];
  if (s.note) lines.push('', tsDoc(s.note));
  lines.push('', `- Span: \`${tsDoc(s.name)}\` (kind ${s.kind}, ${s.stability})`);
  if (s.attributes.length)
    lines.push(
      `- Attributes: ${s.attributes.map((a) => `\`${tsDoc(a.name)}\`${isRequired(a) ? '' : '?'}`).join(', ')}`,
    );
  if (s.alwaysSample) lines.push('- Safety-critical: always sampled, whatever the ratio.');
  for (const c of s.alwaysSampleWhen)
    lines.push(
      `- Safety-critical when \`${tsDoc(c.name)}\` is ${c.values.map((v) => `\`${tsDoc(v)}\``).join(' or ')}: always sampled.`,
    );
  if (s.links) lines.push(`- Links: ${tsDoc(s.links.brief)} Pass them as \`{ links }\`.`);
  if (s.deprecated) lines.push('', `@deprecated ${tsDoc(s.deprecated.note)}`);
  const ex = exampleObject(s.attributes);
  lines.push(
    '',
    '@example',
    '```ts',
    tsDoc(`await spans.${spanDomain(s)}.${spanOperation(s)}(${ex}, async (span) => {`),
    '  // work inside the span; errors are recorded and rethrown',
    '});',
    '```',
  );
  return lines.join('\n');
}

/** generated/spans.ts: an attribute type per span and helpers with start and with-span forms. */
export function emitSpans(model: Model): string {
  const sf = newProject().createSourceFile('spans.ts');
  const spans = byKey(model.spans, (s) => s.name);
  sf.addImportDeclaration({ moduleSpecifier: model.runtimeImport, namedImports: ['defineSpan'] });
  const uses = spans.flatMap((s) => s.attributes);
  addRuntimeTypeImports(sf, model, uses);
  addAttributeImports(sf, uses);

  for (const s of spans)
    sf.addInterface({
      isExported: true,
      name: spanAttributesTypeName(s),
      docs: [{ description: `Start attributes of span \`${tsDoc(s.name)}\`.` }],
      properties: s.attributes.map(useProperty),
    });

  sf.addStatements((w) => {
    w.writeLine('/** Typed span helpers generated from the spec, grouped by domain (`<domain>.<operation>`). */');
    w.write('export const spans = ').inlineBlock(() => {
      for (const [d, group] of groupBy(spans, spanDomain)) {
        w.write(`${propKey(d)}: `).inlineBlock(() => {
          for (const s of group) {
            writeDoc(w, spanDoc(s));
            w.write(`${spanOperation(s)}: defineSpan<${spanAttributesTypeName(s)}>(`).inlineBlock(() => {
              w.writeLine(`name: ${tsString(s.name)},`);
              w.writeLine(`kind: ${tsString(s.kind)},`);
              w.writeLine(`alwaysSample: ${s.alwaysSample},`);
              if (s.alwaysSampleWhen.length)
                w.writeLine(
                  `alwaysSampleWhen: [${s.alwaysSampleWhen.map((c) => `{ name: ${tsString(c.name)}, values: [${c.values.map((v) => tsString(v)).join(', ')}] }`).join(', ')}],`,
                );
              w.writeLine(`attributes: [${s.attributes.map(fieldDescriptor).join(', ')}],`);
            });
            w.write('),').newLine();
          }
        });
        w.write(',').newLine();
      }
    });
    w.write(' as const;');
  });
  return render(sf, model, import.meta.url);
}
