import type { SourceFile } from 'ts-morph';
import { tsDoc, tsString } from '../escape/ts.js';
import type { Attribute, Model } from '../model.js';
import { compareText } from '../order.js';
import { byKey, enumTypeName, enumValuesName, newProject, propKey, render, tsType } from './ts-common.js';

/** Attributes that may never label a metric, with the advice the compiler prints when one is used. */
function forbiddenLabels(model: Model): { name: string; advice: string }[] {
  const out = new Map<string, string>();
  for (const a of byKey(model.attributes, (x) => x.id)) {
    if (!/^[a-z][a-z0-9_]*$/.test(a.id)) continue;
    if (a.highCardinality)
      out.set(a.id, `${a.id} is high-cardinality: record it on a span or log event, never as a metric label`);
    else if (a.pii || a.secret) out.set(a.id, `${a.id} is ${a.pii ? 'pii' : 'secret'}: it can never be a metric label`);
  }
  for (const r of model.resource)
    if (r.metricLabel && !out.has(r.metricLabel))
      out.set(
        r.metricLabel,
        `${r.metricLabel} is the resource attribute ${r.attr.id}: it is set once at init, never per call`,
      );
  return [...out.entries()].sort(([a], [b]) => compareText(a, b)).map(([name, advice]) => ({ name, advice }));
}

/** An enum attribute's literal-union type, documented member by member, and the const array of its values. */
export function addEnum(sf: SourceFile, a: Attribute): void {
  const memberDocs = a.members.map(
    (m) =>
      `- \`${tsDoc(m.value)}\`: ${tsDoc(m.brief)}${m.stability !== 'stable' ? ` (${m.stability})` : ''}${m.deprecated ? ` Deprecated: ${tsDoc(m.deprecated.note)}` : ''}`,
  );
  sf.addTypeAlias({
    isExported: true,
    name: enumTypeName(a),
    type: a.members.map((m) => tsString(m.value)).join(' | '),
    docs: [
      {
        description: `${tsDoc(a.brief)}\n\nAttribute \`${tsDoc(a.id)}\` (${a.stability}).\n\n${memberDocs.join('\n')}${a.deprecated ? `\n\n@deprecated ${tsDoc(a.deprecated.note)}` : ''}`,
      },
    ],
  });
  sf.addStatements((w) => {
    w.writeLine(`/** Every value of {@link ${enumTypeName(a)}}, in spec order. */`);
    w.writeLine(
      `export const ${enumValuesName(a)}: readonly ${enumTypeName(a)}[] = [${a.members.map((m) => tsString(m.value)).join(', ')}];`,
    );
  });
}

/** generated/attributes.ts: enum unions and value lists, the resource and context-core types, the metric-label guard. */
export function emitAttributes(model: Model): string {
  const sf = newProject().createSourceFile('attributes.ts');
  const typed = [
    ...model.resource.map((r) => r.attr),
    ...model.context.filter((c) => c.source === 'scope').map((c) => c.attr),
  ];
  const needed = ['Decimal', 'Timestamp'].filter((t) => typed.some((a) => tsType(a) === t));
  if (needed.length)
    sf.addImportDeclaration({ moduleSpecifier: model.runtimeImport, namedImports: needed, isTypeOnly: true });

  for (const a of byKey(
    model.attributes.filter((x) => x.type === 'enum'),
    (x) => x.id,
  ))
    addEnum(sf, a);

  sf.addInterface({
    isExported: true,
    name: 'ForbiddenMetricLabels',
    docs: [
      {
        description:
          'Keys that can never label a metric: high-cardinality, secret or pii attributes, and resource attributes.\nIntersected with every metric label type so that using one fails to compile with the advice in its type.',
      },
    ],
    properties: forbiddenLabels(model).map((f) => ({
      name: propKey(f.name),
      isReadonly: true,
      hasQuestionToken: true,
      type: `{ readonly ${tsString(f.advice)}: never }`,
      docs: [{ description: `@deprecated ${tsDoc(f.advice)}.` }],
    })),
  });

  sf.addInterface({
    isExported: true,
    name: 'ResourceAttributes',
    docs: [{ description: 'Resource attributes: set once at init and attached to every signal.' }],
    properties: model.resource.map((r) => ({
      name: propKey(r.attr.id),
      isReadonly: true,
      hasQuestionToken: r.requirement !== 'required',
      type: tsType(r.attr),
      docs: [
        {
          description: `${tsDoc(r.attr.brief)}${r.env ? ` Environment: \`${tsDoc(r.env)}\`.` : ''}${r.default ? ` Default: \`${tsDoc(r.default)}\`.` : ''}`,
        },
      ],
    })),
  });

  sf.addInterface({
    isExported: true,
    name: 'ContextCore',
    docs: [
      {
        description:
          'Context core values set for a scope; present in every log line inside it, and on spans where the spec says so.',
      },
    ],
    properties: model.context
      .filter((c) => c.source === 'scope')
      .map((c) => ({
        name: propKey(c.attr.id),
        isReadonly: true,
        hasQuestionToken: true,
        type: tsType(c.attr),
        docs: [{ description: `${tsDoc(c.brief)}${c.onSpans ? ' Also set on spans started in the scope.' : ''}` }],
      })),
  });
  return render(sf, model, import.meta.url);
}
