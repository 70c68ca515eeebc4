// The JSON Schema of a service's log lines, from the spec: the base fields, the context core, the bus
// correlation object and, per event, its level and fields. The runtime serves it at GET /logs/schema (the
// generated init() hands it over); log pipelines can validate lines with it.
import { ADHOC_LINE_KEY, DEFAULT_REDACTION_KEY_PATTERNS } from '../../conventions/index.js';
import { tsLiteral } from '../escape/ts.js';
import type { Attribute, AttributeUse, Model } from '../model.js';
import { byKey, header } from './ts-common.js';

type Schema = Record<string, unknown>;

const LEVELS = ['debug', 'info', 'warn', 'error', 'fatal'] as const;
/** An integer beyond 2^53 (16 digits and more) is written as its digits; a smaller one is a number. */
const INTEGER_TEXT = '^-?[0-9]{16,}$';
const FINGERPRINT = '^fp:[0-9a-f]{16}$';

/** The schema of a value of an attribute, as the runtime writes it into a line. */
function valueSchema(a: Attribute): Schema {
  switch (a.type) {
    case 'string':
      return { type: 'string' };
    case 'enum':
      return { enum: a.members.map((m) => m.value) };
    // Integers beyond 2^53 are written as their digits; a number that is not finite as null.
    case 'int':
      return { anyOf: [{ type: 'integer' }, { type: 'string', pattern: INTEGER_TEXT }, { type: 'null' }] };
    case 'double':
      return { type: ['number', 'null'] };
    case 'bool':
      return { type: 'boolean' };
    case 'decimal':
      return {
        type: 'object',
        description: 'An exact decimal: value = scaled / 10^scale.',
        required: ['scaled', 'scale'],
        properties: {
          scaled: { anyOf: [{ type: 'integer' }, { type: 'string', pattern: INTEGER_TEXT }, { type: 'null' }] },
          scale: { type: ['integer', 'null'] },
        },
        additionalProperties: false,
      };
    case 'timestamp':
      return {
        type: 'string',
        description: 'An instant: ISO-8601 (a Date is written in UTC), or the string the caller passed.',
      };
  }
}

/**
 * A field's schema with its brief; a secret is written as the replacement or a fingerprint, and so is any
 * field whose key matches a redaction key pattern of the spec.
 */
function fieldSchema(model: Model, name: string, a: Attribute, brief: string): Schema {
  const patterns = [...DEFAULT_REDACTION_KEY_PATTERNS, ...(model.redaction?.keyPatterns ?? [])].map((p) =>
    p.toLowerCase(),
  );
  const replacement = { const: model.redaction?.replacement ?? '***' };
  const redactedKey = patterns.some((p) => name.toLowerCase().includes(p));
  if (a.secret)
    return {
      description: `${brief} (secret: ${a.fingerprint ? 'a fingerprint' : 'redacted'})`,
      anyOf: [replacement, { type: 'string', pattern: FINGERPRINT }],
    };
  if (redactedKey)
    return {
      description: `${brief} (its key matches a redaction pattern: redacted)`,
      anyOf: [replacement, { type: 'string', pattern: FINGERPRINT }],
    };
  return { description: brief, ...valueSchema(a) };
}

const useSchema = (model: Model, f: AttributeUse): Schema =>
  fieldSchema(model, f.name, f.attr, f.brief || f.attr.brief);

/** The JSON Schema (draft-07) of every log line of the registry. */
export function logSchema(model: Model): Schema {
  // Keyed by field names from the spec: no prototype, so that a field named 'constructor' is one like any other.
  const properties: Record<string, Schema> = Object.create(null) as Record<string, Schema>;
  const required: string[] = [];
  const events = byKey(model.events, (e) => e.name);
  for (const f of model.logBase) {
    const brief = f.brief || f.attr?.brief || '';
    if (f.from === 'time')
      properties[f.field] = {
        description: brief,
        type: 'string',
        pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z$',
      };
    else if (f.from === 'level')
      properties[f.field] = { description: brief || 'Severity of the line.', enum: [...LEVELS] };
    else if (f.from === 'message')
      properties[f.field] = { description: brief || 'The human-readable message (redacted).', type: 'string' };
    else if (f.from === 'event')
      properties[f.field] = { description: brief || 'The event this line records.', enum: events.map((e) => e.name) };
    else if (f.attr) properties[f.field] = fieldSchema(model, f.field, f.attr, brief);
    if (f.always) required.push(f.field);
  }
  // The context core: trace ids from the active span, the rest from the scope (runInScope).
  for (const c of model.context)
    if (!Object.hasOwn(properties, c.attr.id))
      properties[c.attr.id] = fieldSchema(model, c.attr.id, c.attr, c.brief || c.attr.brief);
  for (const id of ['trace_id', 'span_id'] as const)
    if (Object.hasOwn(properties, id))
      properties[id] = {
        ...properties[id],
        type: 'string',
        pattern: id === 'trace_id' ? '^[0-9a-f]{32}$' : '^[0-9a-f]{16}$',
      };
  if (model.bus)
    properties[model.bus.logObject] = {
      description: 'The ampy-bus envelope of the message being handled.',
      type: 'object',
      properties: Object.fromEntries(
        model.bus.headers
          .filter((h) => h.inLogObject)
          .map((h) => [h.header, { description: h.attr.brief, type: 'string' }]),
      ),
      additionalProperties: false,
    };
  const definitions = Object.fromEntries(
    events.map((e) => [
      e.name,
      {
        description: e.brief,
        type: 'object',
        properties: {
          level: { const: e.level },
          ...Object.fromEntries(e.fields.map((f) => [f.name, useSchema(model, f)])),
        },
        required: e.fields.filter((f) => f.requirement === 'required').map((f) => f.name),
      },
    ]),
  );
  const eventField = model.logBase.find((f) => f.from === 'event')?.field ?? 'event';
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: `Log lines of registry '${model.registry.name}' ${model.registry.version}`,
    description:
      'One JSON object per line. Fields an untyped caller adds that the spec does not list are allowed. Free-form lines of the escape hatch carry `' +
      ADHOC_LINE_KEY +
      ': true` and name no event.',
    type: 'object',
    properties,
    // A free-form (ad-hoc) line has the base fields but no event of the spec.
    if: { type: 'object', properties: { [ADHOC_LINE_KEY]: { const: true } }, required: [ADHOC_LINE_KEY] },
    then: { type: 'object', required: required.filter((r) => r !== eventField) },
    else: {
      type: 'object',
      required,
      allOf: events.map((e) => ({
        if: { type: 'object', properties: { [eventField]: { const: e.name } }, required: [eventField] },
        then: { $ref: `#/definitions/${e.name}` },
      })),
    },
    definitions,
  };
}

/** generated/log-schema.json: the schema for log pipelines and editors. */
export function emitLogSchemaJson(model: Model): string {
  return `${JSON.stringify(logSchema(model), null, 2)}\n`;
}

/** generated/log-schema.ts: the same schema as a module, which the generated init() hands to the runtime. */
export function emitLogSchemaTs(model: Model): string {
  return [
    header(model, import.meta.url),
    '',
    "/** The JSON Schema (draft-07) of this registry's log lines: what GET /logs/schema serves. */",
    `export const logSchema: Readonly<Record<string, unknown>> = ${tsLiteral(logSchema(model))};`,
    '',
  ].join('\n');
}
