// Names that every tool downstream accepts, and generated identifiers that do not collide.
import type { Diagnostic } from '../diagnostics.js';
import { enumTypeName, enumValuesName } from '../emit/ts-common.js';
import { fieldsTypeName } from '../emit/logs.js';
import { instrumentedKey, labelsTypeName } from '../emit/metrics.js';
import { spanAttributesTypeName, spanDomain, spanOperation } from '../emit/spans.js';
import { locator, type SourceRef } from '../load.js';
import type { Model } from '../model.js';
import { camel, prometheusSanitized } from '../names.js';
import { reservedAlertLabel, reservedLabel } from '../reserved-labels.js';

const at = locator('codegen/validate/names.ts');

/**
 * The longest name of a metric as exposed (with its longest suffix), a span, a log event or an alert.
 * Datadog documents 200 characters for metric names and tags; OpenTelemetry allows 255 for an
 * instrument name; Prometheus and Grafana Cloud/Mimir accept 1024 for label names and 2048 for values.
 * The tightest wins, so a name survives every backend.
 */
export const MAX_NAME_LENGTH = 200;
/**
 * The longest key: metric label, span attribute, log field. Half of Datadog's 200-character
 * `key:value` tag, so a key leaves room for its value.
 */
export const MAX_KEY_LENGTH = 100;

/**
 * Names the generated modules export whatever the spec holds, and the runtime names they import. An
 * enum type or label type of the same name would collide with them (index.ts re-exports every module).
 * test/codegen/generated-names.test.ts keeps this list equal to what the emitters write.
 */
export const FIXED_GENERATED_NAMES: readonly string[] = [
  'ForbiddenMetricLabels',
  'ResourceAttributes',
  'ContextCore',
  'metrics',
  'instrumentedMetrics',
  'spans',
  'log',
  'LogEventName',
  'BusEnvelope',
  'busHeaderNames',
  'injectBusHeaders',
  'extractBusContext',
  'busCorrelation',
  'registry',
  'Registry',
  'logSchema',
  'init',
  // Imported from the runtime and @opentelemetry/api into generated modules.
  'Decimal',
  'Timestamp',
  'BusCorrelation',
  'BusHeaders',
  'Context',
  'InitOptions',
  'SpecDefaults',
  'Observability',
  'initRuntime',
  'defineCounter',
  'defineUpDownCounter',
  'defineHistogram',
  'defineGauge',
  'defineSpan',
  'defineEvent',
  'extractEnvelope',
  'injectEnvelope',
  'pickEnvelope',
];

function checkLengths(model: Model, diags: Diagnostic[]): void {
  const long = (src: SourceRef, what: string, name: string, limit: number): void => {
    if (name.length > limit)
      diags.push(
        at(
          src,
          'name-length',
          `${what} '${name.slice(0, 40)}…' is ${name.length} characters, over the ${limit} that every metrics and tracing backend accepts; shorten it`,
        ),
      );
  };
  const name = (src: SourceRef): SourceRef => ({ file: src.file, path: [...src.path, 'name'] });
  for (const m of model.metrics) {
    const exposed = m.instrument === 'histogram' ? `${m.promName}_bucket` : m.promName;
    long(name(m.src), 'metric (exposed as)', exposed, MAX_NAME_LENGTH);
    for (const l of m.labels) long(l.src, 'label', l.name, MAX_KEY_LENGTH);
  }
  for (const s of model.spans) {
    long(name(s.src), 'span name', s.name, MAX_NAME_LENGTH);
    for (const u of s.attributes) long(u.src, 'span attribute', u.name, MAX_KEY_LENGTH);
  }
  for (const e of model.events) {
    long(name(e.src), 'event name', e.name, MAX_NAME_LENGTH);
    for (const u of e.fields) long(u.src, 'log field', u.name, MAX_KEY_LENGTH);
  }
  for (const a of model.alerts) long(name(a.src), 'alert name', a.name, MAX_NAME_LENGTH);
  for (const a of model.attributes)
    long({ file: a.src.file, path: [...a.src.path, 'id'] }, 'attribute id', a.id, MAX_KEY_LENGTH);
}

/**
 * Generated identifiers from different spec names must differ: `order.side` and `order_side` are both
 * `OrderSide`, `ampy.oms.a_b` and `ampy.oms.a__b` both `metrics.oms.aB`. A collision would not compile.
 */
function checkIdentifiers(model: Model, diags: Diagnostic[]): void {
  const fixed = new Set(FIXED_GENERATED_NAMES);
  const taken = new Map<string, string>();
  const claim = (scope: string, id: string, owner: string, src: SourceRef): void => {
    const key = `${scope}\u0000${id}`;
    const prev = taken.get(key) ?? (scope === 'module' && fixed.has(id) ? 'ampyobs itself' : undefined);
    if (prev !== undefined)
      diags.push(
        at(src, 'generated-name', `${owner} would generate '${id}', which ${prev} also generates; rename one of them`),
      );
    else taken.set(key, owner);
  };
  for (const a of model.attributes) {
    if (a.type !== 'enum') continue;
    const src = { file: a.src.file, path: [...a.src.path, 'id'] };
    claim('module', enumTypeName(a), `attribute '${a.id}'`, src);
    claim('module', enumValuesName(a), `attribute '${a.id}'`, src);
  }
  for (const m of model.metrics) {
    const src = { file: m.src.file, path: [...m.src.path, 'name'] };
    // Dashboards reach every metric as metrics.<subsystem>.<short> of registry.libsonnet.
    claim(`registry.libsonnet metrics.${m.subsystem}`, m.short, `metric '${m.name}'`, src);
    if (m.recordedBy) {
      claim(`instrumentedMetrics.${m.subsystem}`, instrumentedKey(m), `metric '${m.name}'`, src);
      continue;
    }
    if (m.labels.length) claim('module', labelsTypeName(m), `metric '${m.name}'`, src);
    claim(`metrics.${m.subsystem}`, camel(m.short), `metric '${m.name}'`, src);
  }
  for (const s of model.spans) {
    const src = { file: s.src.file, path: [...s.src.path, 'name'] };
    claim('module', spanAttributesTypeName(s), `span '${s.name}'`, src);
    claim(`spans.${spanDomain(s)}`, spanOperation(s), `span '${s.name}'`, src);
  }
  for (const e of model.events) {
    const src = { file: e.src.file, path: [...e.src.path, 'name'] };
    claim('module', fieldsTypeName(e), `event '${e.name}'`, src);
    claim('log', camel(e.name), `event '${e.name}'`, src);
  }
}

const SNAKE = /^[a-z][a-z0-9_]*$/;

/** Label and field names as they go on the wire: snake_case, and not one something else sets. */
function checkWireNames(model: Model, diags: Diagnostic[]): void {
  for (const m of model.metrics)
    for (const l of m.labels) {
      if (!SNAKE.test(l.name))
        diags.push(at(l.src, 'wire-name', `label name '${l.name}' is not snake_case; add 'as: <label_name>'`));
      // Instrumentation sends the attribute id on OTLP; the name is what Prometheus shows for it.
      else if (m.recordedBy && l.name !== prometheusSanitized(l.attr.id))
        diags.push(
          at(
            l.src,
            'wire-name',
            `'${m.name}' is recorded by instrumentation, which labels it '${l.attr.id}': Prometheus shows that as '${prometheusSanitized(l.attr.id)}', so name the label 'as: ${prometheusSanitized(l.attr.id)}'`,
          ),
        );
      const reserved = reservedLabel(model, l.name);
      if (reserved)
        diags.push(
          at(
            l.src,
            'label-reserved',
            `'${m.name}' cannot have a label named '${l.name}': ${reserved}; give it another name with 'as'`,
          ),
        );
    }
  for (const e of model.events)
    for (const f of e.fields)
      if (!SNAKE.test(f.name))
        diags.push(at(f.src, 'wire-name', `log field '${f.name}' is not snake_case; add 'as: <field_name>'`));
  for (const a of model.alerts)
    for (const key of Object.keys(a.labels)) {
      const why = reservedAlertLabel(key);
      if (why)
        diags.push(
          at(
            { file: a.src.file, path: [...a.src.path, 'labels', key] },
            'label-reserved',
            `alert label '${key}' is reserved: ${why}`,
            true,
          ),
        );
    }
}

/** Name lengths, wire names and generated identifiers. */
export function checkNames(model: Model, diags: Diagnostic[]): void {
  checkLengths(model, diags);
  checkWireNames(model, diags);
  checkIdentifiers(model, diags);
}
