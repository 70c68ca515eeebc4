import type { LogEvent, Model } from '../model.js';
import type { AttributeType } from '../spec-types.js';
import { camel, pascal } from '../names.js';
import { fieldDescriptor } from './fields.js';
import { addRuntimeTypeImports, byKey, docText, exampleLiteral, isRequired, neededTypes, newProject, propKey, render, str, useProperty, writeDoc } from './ts-common.js';

/** EventLine method writing a field of each spec type (see runtime/logs.ts). */
const WRITER: Record<AttributeType, string> = {
  string: 'string',
  enum: 'enumValue',
  int: 'number',
  double: 'number',
  bool: 'bool',
  decimal: 'decimal',
  timestamp: 'timestamp',
};

/** `.name` for identifiers, `["name"]` otherwise. */
function propAccess(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${str(name)}]`;
}

export function fieldsTypeName(e: LogEvent): string {
  return `${pascal(e.name)}Fields`;
}

function eventDoc(model: Model, e: LogEvent): string {
  const lines = [docText(e.brief)];
  if (e.note) lines.push('', docText(e.note));
  lines.push('', `- Event: \`${e.name}\` at level \`${e.level}\` (${e.stability})`);
  if (e.fields.length) lines.push(`- Fields: ${e.fields.map((f) => `\`${f.name}\`${isRequired(f) ? '' : '?'}`).join(', ')}`);
  lines.push(`- Base fields on every line: ${model.logBase.map((f) => `\`${f.field}\``).join(', ')}`);
  if (e.deprecated) lines.push('', `@deprecated ${docText(e.deprecated.note)}`);
  const ex = `{ ${e.fields.filter(isRequired).map((f) => `${propKey(f.name)}: ${exampleLiteral(f.attr)}`).join(', ')} }`;
  lines.push('', '@example', '```ts', `log.${camel(e.name)}(${ex}, ${str(e.brief.replace(/\.$/, ''))});`, '```');
  return lines.join('\n');
}

/** generated/logs.ts: a field type per log event and helpers with event name and level fixed. */
export function emitLogs(model: Model): string {
  const sf = newProject().createSourceFile('logs.ts');
  const events = byKey(model.events, (e) => e.name);
  sf.addImportDeclaration({ moduleSpecifier: model.runtimeImport, namedImports: ['defineEvent', 'type BusCorrelation'] });
  const uses = events.flatMap((e) => e.fields);
  addRuntimeTypeImports(sf, model, uses);
  const types = neededTypes(uses);
  if (types.length) sf.addImportDeclaration({ moduleSpecifier: './attributes.js', namedImports: types, isTypeOnly: true });

  sf.addTypeAlias({
    isExported: true,
    name: 'LogEventName',
    type: events.map((e) => `'${e.name}'`).join(' | '),
    docs: [{ description: 'Every value the `event` field of a log line can take (brief §5 domain enums).' }],
  });
  const busField = model.bus?.logObject;
  for (const e of events)
    sf.addInterface({
      isExported: true,
      name: fieldsTypeName(e),
      docs: [{ description: `Fields of log event \`${e.name}\`.` }],
      properties: [
        ...e.fields.map(useProperty),
        ...(busField
          ? [{ name: propKey(busField), isReadonly: true, hasQuestionToken: true, type: 'BusCorrelation', docs: [{ description: 'ampy-bus envelope correlation, when the line is about a message (see busCorrelation).' }] }]
          : []),
      ],
    });

  sf.addStatements((w) => {
    w.writeLine('/** Typed log event helpers generated from the spec: `log.<eventName>(fields, message)`. */');
    w.write('export const log = ').inlineBlock(() => {
      for (const e of events) {
        writeDoc(w, eventDoc(model, e));
        w.write(`${camel(e.name)}: defineEvent<${fieldsTypeName(e)}>(`).newLine();
        w.indent(() => {
          w.write('').inlineBlock(() => {
            w.writeLine(`name: ${str(e.name)},`);
            w.writeLine(`level: '${e.level}',`);
            w.writeLine(`fields: [${e.fields.map(fieldDescriptor).join(', ')}],`);
            if (busField) w.writeLine(`objects: [${str(busField)}],`);
          });
          w.write(',').newLine();
          // The event's serializer: its fields in spec order, each by a named read and a typed writer.
          w.write('(line, f) => ').inlineBlock(() => {
            e.fields.forEach((f, i) => w.writeLine(`line.${WRITER[f.attr.type]}(${i}, f${propAccess(f.name)});`));
            if (busField) w.writeLine(`line.value(${e.fields.length}, f${propAccess(busField)});`);
          });
          w.write(',').newLine();
        });
        w.write('),').newLine();
      }
    });
    w.write(' as const;');
  });
  return render(sf, model);
}
