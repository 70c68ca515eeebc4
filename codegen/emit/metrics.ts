import type { CodeBlockWriter, SourceFile } from 'ts-morph';
import { tsDoc, tsLiteral, tsString } from '../escape/ts.js';
import type { Metric, Model, RenamedMetric } from '../model.js';
import { camel, pascal } from '../names.js';
import { own } from '../own.js';
import {
  addAttributeImports,
  addRuntimeTypeImports,
  byKey,
  enumValuesName,
  exampleObject,
  groupBy,
  isRequired,
  newProject,
  propKey,
  render,
  useProperty,
  writeDoc,
} from './ts-common.js';

const HELPER: Record<Metric['instrument'], [define: string, method: string, type: string]> = {
  counter: ['defineCounter', 'add', 'CounterHelper'],
  updowncounter: ['defineUpDownCounter', 'add', 'UpDownCounterHelper'],
  histogram: ['defineHistogram', 'record', 'HistogramHelper'],
  gauge: ['defineGauge', 'set', 'GaugeHelper'],
};

export function labelsTypeName(m: Metric): string {
  return `${pascal(m.subsystem)}${pascal(m.short)}Labels`;
}

/** The helper object a module exports, and what the labels of its helpers are intersected with. */
export interface HelperObject {
  /** The exported name, which the helpers' examples call through. */
  readonly name: string;
  readonly doc: string;
  /** A type every label object is intersected with (the metric-label guard of attributes.ts). */
  readonly labelGuard?: string;
}

/** The parameter type of a helper: no labels → void (the argument may be omitted). */
function paramType(m: Metric, o: HelperObject): string {
  return m.labels.length ? `${labelsTypeName(m)}${o.labelGuard ? ` & ${o.labelGuard}` : ''}` : 'void';
}

/** Example values of gauges and histograms without buckets, by unit: what a real call would record. */
const EXAMPLE_BY_UNIT: Readonly<Record<string, number>> = { ms: 12.5, By: 1048576, bp: 2.5, USD: 250, '1': 0.42 };

/**
 * The value in a helper's example, derived from what the metric measures: 1 for a counter's add, a
 * middle bucket boundary for a histogram, else a value in its unit (a ratio in '1' lies in 0..1, a
 * count is whole).
 */
export function exampleValue(m: Metric): number {
  if (m.instrument === 'counter' || m.instrument === 'updowncounter') return 1;
  const bounds = m.buckets?.boundaries;
  if (bounds?.length) return bounds[Math.floor(bounds.length / 2)]!;
  return own(EXAMPLE_BY_UNIT, m.unit) ?? (m.unit.endsWith('/s') ? 120 : 12);
}

function helperDoc(m: Metric, o: HelperObject): string {
  const [, method] = HELPER[m.instrument];
  const lines = [tsDoc(m.brief)];
  if (m.note) lines.push('', tsDoc(m.note));
  lines.push(
    '',
    `- Metric: \`${tsDoc(m.name)}\` (${m.instrument}, unit \`${tsDoc(m.unit)}\`), exposed to Prometheus as \`${tsDoc(m.promName)}\`${m.instrument === 'histogram' ? ' (`_bucket`, `_sum`, `_count`)' : ''}`,
  );
  if (m.labels.length)
    lines.push(
      `- Labels: ${m.labels
        .map(
          (l) =>
            `\`${tsDoc(l.name)}\`${isRequired(l) ? '' : '?'}${l.attr.type === 'enum' ? ` (${l.attr.members.map((x) => tsDoc(x.value)).join(' | ')})` : l.attr.maxCardinality ? ` (≤ ${l.attr.maxCardinality} values)` : ''}`,
        )
        .join(', ')}`,
    );
  else lines.push('- Labels: none (resource attributes only)');
  if (m.buckets)
    lines.push(`- Buckets (\`${tsDoc(m.buckets.id)}\`, ${tsDoc(m.buckets.unit)}): ${m.buckets.boundaries.join(', ')}`);
  lines.push(`- Series budget: ${m.seriesEstimate} of ${m.maxSeries}`, `- Stability: ${m.stability}`);
  if (m.deprecated) lines.push('', `@deprecated ${tsDoc(m.deprecated.note)}`);
  const example = m.labels.length ? exampleObject(m.labels) : '';
  lines.push(
    '',
    '@example',
    '```ts',
    tsDoc(`${o.name}.${m.subsystem}.${camel(m.short)}.${method}(${exampleValue(m)}${example ? `, ${example}` : ''});`),
    '```',
  );
  return lines.join('\n');
}

/** The doc of an old name's entry: the helper of the new name, deprecated until the transition ends. */
function renamedDoc(r: RenamedMetric, o: HelperObject): string {
  return [
    `Renamed: records \`${tsDoc(r.to.name)}\` (\`${o.name}.${tsDoc(r.to.subsystem)}.${tsDoc(camel(r.to.short))}\`). Recording rules keep \`${tsDoc(r.from.promName)}\` until ${tsDoc(r.until ?? '')}.`,
    '',
    `@deprecated ${tsDoc(r.note)}`,
  ].join('\n');
}

/** Imports the runtime's define… functions these metrics' helpers call. */
export function addDefineImports(sf: SourceFile, metrics: readonly Metric[], moduleSpecifier: string): void {
  sf.addImportDeclaration({
    moduleSpecifier,
    namedImports: [...new Set(metrics.map((m) => HELPER[m.instrument][0]))].sort(),
  });
}

/** generated/metrics.ts: a label type per metric and typed helpers grouped by subsystem. */
export function emitMetrics(model: Model): string {
  const sf = newProject().createSourceFile('metrics.ts');
  // Instrumentation records the metrics that name it: they get names, not helpers.
  const metrics = byKey(
    model.metrics.filter((m) => !m.recordedBy),
    (m) => m.name,
  );
  addDefineImports(sf, metrics, model.runtimeImport);
  addAttributeImports(
    sf,
    metrics.flatMap((m) => m.labels),
    ['type ForbiddenMetricLabels'],
  );
  addRuntimeTypeImports(
    sf,
    model,
    metrics.flatMap((m) => m.labels),
  );
  addLabelInterfaces(sf, metrics);
  addHelperObject(
    sf,
    metrics,
    {
      name: 'metrics',
      doc: 'Typed metric helpers generated from the spec, grouped by subsystem (`ampy.<subsystem>.<name>`).',
      labelGuard: 'ForbiddenMetricLabels',
    },
    model.renamedMetrics,
  );
  addInstrumentedNames(
    sf,
    byKey(
      model.metrics.filter((m) => m.recordedBy),
      (m) => m.name,
    ),
  );
  return render(sf, model, import.meta.url);
}

/** The key of a metric recorded by instrumentation in `instrumentedMetrics.<subsystem>`. */
export function instrumentedKey(m: Metric): string {
  return camel(m.short);
}

/**
 * `export const instrumentedMetrics = { <subsystem>: { <name>: { name, prometheus, unit, labels } } } as
 * const`: the typed names of the metrics auto-instrumentation records, for code that refers to them
 * (queries, views, tests); their labels map each OTLP attribute key to the label Prometheus shows.
 */
function addInstrumentedNames(sf: SourceFile, metrics: readonly Metric[]): void {
  sf.addStatements((w) => {
    w.writeLine('/**');
    w.writeLine(
      ' * Names of the metrics auto-instrumentation records (`recorded_by` in the spec), grouped by their first',
    );
    w.writeLine(
      ' * segment: the name recorded, the name Prometheus exposes, the unit, and per label the OTLP attribute',
    );
    w.writeLine(' * key with the Prometheus label name. No helper records them: the instrumentation does.');
    w.writeLine(' */');
    w.write('export const instrumentedMetrics = ').inlineBlock(() => {
      for (const [subsystem, group] of groupBy(metrics, (m) => m.subsystem)) {
        w.write(`${propKey(subsystem)}: `).inlineBlock(() => {
          for (const m of group) {
            const doc = [
              tsDoc(m.brief),
              '',
              `- Metric: \`${tsDoc(m.name)}\` (${m.instrument}, unit \`${tsDoc(m.unit)}\`), exposed to Prometheus as \`${tsDoc(m.promName)}\``,
              `- Recorded by: ${(m.recordedBy ?? []).join(', ')}`,
              `- Labels: ${m.labels.map((l) => `\`${tsDoc(l.attr.id)}\` (\`${tsDoc(l.name)}\`)`).join(', ') || 'none'}`,
              ...(m.buckets
                ? [
                    `- Buckets (\`${tsDoc(m.buckets.id)}\`, ${tsDoc(m.buckets.unit)}): ${m.buckets.boundaries.join(', ')}`,
                  ]
                : []),
              `- Stability: ${m.stability}`,
            ].join('\n');
            writeDoc(w, doc);
            w.write(`${instrumentedKey(m)}: `).inlineBlock(() => {
              w.writeLine(`name: ${tsString(m.name)},`);
              w.writeLine(`prometheus: ${tsString(m.promName)},`);
              w.writeLine(`instrument: ${tsString(m.instrument)},`);
              w.writeLine(`unit: ${tsString(m.unit)},`);
              w.writeLine(`recordedBy: [${(m.recordedBy ?? []).map((r) => tsString(r)).join(', ')}],`);
              w.write('labels: ').inlineBlock(() => {
                for (const l of m.labels) w.writeLine(`${tsString(l.attr.id)}: ${tsString(l.name)},`);
              });
              w.write(',').newLine();
            });
            w.write(',').newLine();
          }
        });
        w.write(',').newLine();
      }
    });
    w.write(' as const;');
  });
}

/** The label interface of each metric that has labels. */
export function addLabelInterfaces(sf: SourceFile, metrics: readonly Metric[]): void {
  for (const m of metrics) {
    if (!m.labels.length) continue;
    sf.addInterface({
      isExported: true,
      name: labelsTypeName(m),
      docs: [{ description: `Labels of \`${tsDoc(m.name)}\`.` }],
      properties: m.labels.map(useProperty),
    });
  }
}

/**
 * `export const <name> = { <subsystem>: { <helper>: define…(<descriptor>), … }, … } as const;`. A metric
 * renamed to another keeps an entry under its old name that is the new name's helper.
 */
export function addHelperObject(
  sf: SourceFile,
  metrics: readonly Metric[],
  o: HelperObject,
  renamed: readonly RenamedMetric[] = [],
): void {
  // A rename target's helper is a const of its own, so that the old name's entry can be the same helper.
  const targets = new Set(renamed.map((r) => r.to.name));
  const constName = (m: Metric): string => `${camel(m.subsystem)}${pascal(m.short)}Helper`;
  const defineCall = (w: CodeBlockWriter, m: Metric): void => {
    const [define] = HELPER[m.instrument];
    w.write(`${define}<${paramType(m, o)}>(`).inlineBlock(() => {
      w.writeLine(`name: ${tsString(m.name)},`);
      w.writeLine(`instrument: ${tsString(m.instrument)},`);
      w.writeLine(`unit: ${tsString(m.unit)},`);
      w.writeLine(`description: ${tsString(m.brief)},`);
      if (m.buckets) w.writeLine(`buckets: [${m.buckets.boundaries.map((b) => tsLiteral(b)).join(', ')}],`);
      const labels = m.labels.map(
        (l) =>
          `{ name: ${tsString(l.name)}${l.attr.type === 'enum' ? `, values: ${enumValuesName(l.attr)}` : ''}${l.attr.maxCardinality !== undefined ? `, maxValues: ${l.attr.maxCardinality}` : l.attr.type === 'bool' ? ', maxValues: 2' : ''}${isRequired(l) ? ', required: true' : ''} }`,
      );
      w.writeLine(`labels: [${labels.join(', ')}],`);
    });
    w.write(')');
  };
  const entries: { subsystem: string; name: string; write: (w: CodeBlockWriter) => void }[] = [
    ...metrics.map((m) => ({
      subsystem: m.subsystem,
      name: m.name,
      write: (w: CodeBlockWriter) => {
        writeDoc(w, helperDoc(m, o));
        w.write(`${camel(m.short)}: `);
        if (targets.has(m.name)) w.write(constName(m));
        else defineCall(w, m);
        w.write(',').newLine();
      },
    })),
    ...renamed.map((r) => ({
      subsystem: r.from.subsystem,
      name: r.from.name,
      write: (w: CodeBlockWriter) => {
        writeDoc(w, renamedDoc(r, o));
        w.writeLine(`${camel(r.from.short)}: ${constName(r.to)},`);
      },
    })),
  ];
  sf.addStatements((w) => {
    for (const m of metrics.filter((x) => targets.has(x.name))) {
      w.writeLine(`/** The helper of \`${tsDoc(m.name)}\`, also under the names renamed to it. */`);
      w.write(`const ${constName(m)} = `);
      defineCall(w, m);
      w.write(';').newLine();
    }
    w.writeLine(`/** ${o.doc} */`);
    w.write(`export const ${o.name} = `).inlineBlock(() => {
      for (const [subsystem, group] of groupBy(entries, (e) => e.subsystem)) {
        w.write(`${propKey(subsystem)}: `).inlineBlock(() => {
          for (const e of byKey(group, (x) => x.name)) e.write(w);
        });
        w.write(',').newLine();
      }
    });
    w.write(' as const;');
  });
}
