import { tsDoc, tsString } from '../escape/ts.js';
import type { LogEvent, Model } from '../model.js';
import type { AttributeType } from '../spec-types.js';
import { camel, pascal } from '../names.js';
import { fieldDescriptor } from './fields.js';
import {
  addAttributeImports,
  addRuntimeTypeImports,
  byKey,
  exampleObject,
  isRequired,
  newProject,
  propKey,
  render,
  useProperty,
  writeDoc,
} from './ts-common.js';

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
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `.${name}` : `[${tsString(name)}]`;
}

export function fieldsTypeName(e: LogEvent): string {
  return `${pascal(e.name)}Fields`;
}

function eventDoc(model: Model, e: LogEvent): string {
  const lines = [tsDoc(e.brief)];
  if (e.note) lines.push('', tsDoc(e.note));
  lines.push('', `- Event: \`${tsDoc(e.name)}\` at level \`${e.level}\` (${e.stability})`);
  if (e.fields.length)
    lines.push(`- Fields: ${e.fields.map((f) => `\`${tsDoc(f.name)}\`${isRequired(f) ? '' : '?'}`).join(', ')}`);
  lines.push(`- Base fields on every line: ${model.logBase.map((f) => `\`${tsDoc(f.field)}\``).join(', ')}`);
  if (e.deprecated) lines.push('', `@deprecated ${tsDoc(e.deprecated.note)}`);
  const ex = exampleObject(e.fields);
  lines.push(
    '',
    '@example',
    '```ts',
    tsDoc(`log.${camel(e.name)}(${ex}, ${tsString(e.brief.replace(/\.$/, ''))});`),
    '```',
  );
  return lines.join('\n');
}

/** generated/logs.ts: a field type per log event and helpers with event name and level fixed. */
export function emitLogs(model: Model): string {
  const sf = newProject().createSourceFile('logs.ts');
  const events = byKey(model.events, (e) => e.name);
  // BusCorrelation types the bus field of every event, which exists only when the spec has a bus.
  sf.addImportDeclaration({
    moduleSpecifier: model.runtimeImport,
    namedImports: ['defineEvent', ...(model.bus ? ['type BusCorrelation'] : [])],
  });
  const uses = events.flatMap((e) => e.fields);
  addRuntimeTypeImports(sf, model, uses);
  addAttributeImports(sf, uses);

  sf.addTypeAlias({
    isExported: true,
    name: 'LogEventName',
    type: events.map((e) => tsString(e.name)).join(' | '),
    docs: [{ description: 'Every value the `event` field of a log line can take: one per log event of the spec.' }],
  });
  const busField = model.bus?.logObject;
  for (const e of events)
    sf.addInterface({
      isExported: true,
      name: fieldsTypeName(e),
      docs: [{ description: `Fields of log event \`${tsDoc(e.name)}\`.` }],
      properties: [
        ...e.fields.map(useProperty),
        ...(busField
          ? [
              {
                name: propKey(busField),
                isReadonly: true,
                hasQuestionToken: true,
                type: 'BusCorrelation',
                docs: [
                  {
                    description:
                      'ampy-bus envelope correlation, when the line is about a message (see busCorrelation).',
                  },
                ],
              },
            ]
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
            w.writeLine(`name: ${tsString(e.name)},`);
            w.writeLine(`level: ${tsString(e.level)},`);
            w.writeLine(`fields: [${e.fields.map(fieldDescriptor).join(', ')}],`);
            if (busField) w.writeLine(`objects: [${tsString(busField)}],`);
          });
          w.write(',').newLine();
          // The event's serializer: its fields in spec order, each by a named read and a typed writer.
          // An event with nothing to write takes no parameters: unused ones fail noUnusedParameters.
          w.write(e.fields.length || busField ? '(line, f) => ' : '() => ').inlineBlock(() => {
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
  return render(sf, model, import.meta.url);
}
