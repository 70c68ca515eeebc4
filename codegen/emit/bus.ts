import { tsDoc, tsString } from '../escape/ts.js';
import type { Model } from '../model.js';
import { newProject, propKey, render } from './ts-common.js';

/** generated/bus.ts: the envelope type and typed inject/extract of bus headers with W3C trace context. */
export function emitBus(model: Model): string | undefined {
  const bus = model.bus;
  if (!bus) return undefined;
  const sf = newProject().createSourceFile('bus.ts');
  sf.addImportDeclaration({
    moduleSpecifier: model.runtimeImport,
    namedImports: ['extractEnvelope', 'injectEnvelope', 'pickEnvelope', 'type BusCorrelation', 'type BusHeaders'],
  });
  sf.addImportDeclaration({ moduleSpecifier: '@opentelemetry/api', namedImports: ['Context'], isTypeOnly: true });
  sf.addInterface({
    isExported: true,
    name: 'BusEnvelope',
    docs: [
      { description: 'ampy-bus envelope identity, carried in message headers next to `traceparent`/`tracestate`.' },
    ],
    properties: bus.headers.map((h) => ({
      name: propKey(h.header),
      isReadonly: true,
      hasQuestionToken: h.requirement !== 'required',
      type: 'string',
      docs: [{ description: `${tsDoc(h.attr.brief)} Header \`${tsDoc(h.header)}\`.` }],
    })),
  });
  const headerList = bus.headers.map((h) => tsString(h.header)).join(', ');
  const logKeys = bus.headers.filter((h) => h.inLogObject).map((h) => h.header);
  sf.addStatements((w) => {
    w.writeLine(`/** Envelope header names, in spec order. */`);
    w.writeLine(`export const busHeaderNames = [${headerList}] as const;`);
    w.blankLine();
    w.writeLine(`/**
 * Writes the envelope and the active W3C trace context (\`traceparent\`, \`tracestate\`) into bus headers.
 * Call it inside the publish span so the consumer continues the trace.
 *
 * @example
 * \`\`\`ts
 * const headers = injectBusHeaders({ message_id, schema_fqdn, topic, partition_key });
 * \`\`\`
 */`);
    w.write(
      'export function injectBusHeaders(envelope: BusEnvelope, headers: BusHeaders = {}, context?: Context): BusHeaders',
    ).block(() => {
      w.writeLine('return injectEnvelope(busHeaderNames, envelope, headers, context);');
    });
    w.blankLine();
    const scoped = bus.headers.filter((h) =>
      model.context.some((c) => c.source === 'scope' && c.attr.id === h.attr.id),
    );
    w.writeLine('/** Context-core attribute ids and the envelope headers that carry them. */');
    w.writeLine(
      `const scopedHeaders = [${scoped.map((h) => `[${tsString(h.attr.id)}, ${tsString(h.header)}]`).join(', ')}] as const;`,
    );
    w.blankLine();
    w.writeLine(`/**
 * Reads bus headers on the consumer side: the returned \`context\` continues the producer's trace (pass
 * it as \`parent\` to a span helper), and the envelope ids join the context core of logs in that scope.
 * Headers that are missing or malformed give an envelope without them and a context without a parent.
 */`);
    w.write(
      'export function extractBusContext(headers: BusHeaders): { readonly context: Context; readonly envelope: Partial<BusEnvelope> }',
    ).block(() => {
      w.writeLine('return extractEnvelope(busHeaderNames, scopedHeaders, headers);');
    });
    w.blankLine();
    w.writeLine(`const correlationHeaders = [${logKeys.map(tsString).join(', ')}] as const;`);
    w.blankLine();
    w.writeLine(`/** The \`${tsDoc(bus.logObject)}\` correlation object for a log line about this message. */`);
    w.write('export function busCorrelation(envelope: Partial<BusEnvelope>): BusCorrelation').block(() => {
      w.writeLine('return pickEnvelope(correlationHeaders, envelope);');
    });
  });
  return render(sf, model, import.meta.url);
}
