import { metricNames, nameClash, NameRegistry, type MetricNames } from '../../runtime/metric-names.js';
import type { Diagnostic } from '../diagnostics.js';
import { locator, position, type SourceRef } from '../load.js';
import type { Model } from '../model.js';
import { labelSize } from '../resolve/metrics.js';
import { negativeBoundaryProblem, unitProblem } from './units.js';

const at = locator('codegen/validate/metrics.ts');

const METRIC_NAME = /^ampy\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;
/** A semantic-convention name of OpenTelemetry (http.server.request.duration): what instrumentation records. */
const CONVENTION_NAME = /^(?!ampy\.)[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/** Metric names, units, buckets, label boundedness and the static cardinality budget. */
export function checkMetrics(model: Model, diags: Diagnostic[]): void {
  for (const b of model.bucketSets) {
    const here = (...p: (string | number)[]) => ({ file: b.src.file, path: [...b.src.path, ...p] });
    b.boundaries.forEach((v, i) => {
      const prev = b.boundaries[i - 1];
      if (i > 0 && prev !== undefined && !(v > prev))
        diags.push(
          at(
            here('boundaries', i),
            'bucket-order',
            `boundaries of '${b.id}' must be strictly increasing: ${v} follows ${prev}`,
          ),
        );
    });
    // A unit that is not a base unit is reported by checkUnits, and says nothing about the sign.
    const negative = b.boundaries.findIndex((v) => v < 0);
    if (negative >= 0 && !unitProblem(b.unit))
      diags.push(
        at(
          here('boundaries', negative),
          'bucket-sign',
          `boundary ${b.boundaries[negative]} of '${b.id}' is negative: ${negativeBoundaryProblem(b.unit)}`,
        ),
      );
  }

  const carriers = (attrId: string): string => {
    const spans = model.spans.filter((s) => s.attributes.some((u) => u.attr.id === attrId)).map((s) => s.name);
    const events = model.events.filter((e) => e.fields.some((u) => u.attr.id === attrId)).map((e) => e.name);
    const where = [
      spans.length ? `spans ${spans.slice(0, 3).join(', ')}` : '',
      events.length ? `log events ${events.slice(0, 3).join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    return where ? ` (it is already on ${where})` : '';
  };

  checkRenames(model, diags);
  checkPrometheusNames(model, diags);
  for (const m of model.metrics) {
    const here = (...p: (string | number)[]) => ({ file: m.src.file, path: [...m.src.path, ...p] });
    if (m.recordedBy) {
      if (!CONVENTION_NAME.test(m.name))
        diags.push(
          at(
            here('name'),
            'metric-name',
            `metric '${m.name}' is recorded by instrumentation: its name is OpenTelemetry's (dotted snake_case segments, such as http.server.request.duration), never ampy.*`,
          ),
        );
    } else if (!METRIC_NAME.test(m.name))
      diags.push(
        at(
          here('name'),
          'metric-name',
          `metric name '${m.name}' must be ampy.<subsystem>.<name> in lowercase snake_case segments`,
        ),
      );
    if (m.instrument === 'counter' && m.name.endsWith('_total'))
      diags.push(
        at(
          here('name'),
          'counter-suffix',
          `counter '${m.name}' must not end in _total: the Prometheus exporter appends it (exposed as ${m.promName})`,
        ),
      );
    // The name's suffix agrees with the unit (a unit that is not a base unit is reported by checkUnits).
    // OpenTelemetry's convention names carry no unit suffix: instrumentation names them.
    if (!m.recordedBy && !unitProblem(m.unit)) {
      if (m.unit === 'ms' && !m.name.endsWith('_ms'))
        diags.push(
          at(
            here('name'),
            'unit-suffix',
            `'${m.name}' is in ms: end its name in _ms, since exporters do not append units`,
          ),
        );
      else if (m.unit === 'By' && !m.name.endsWith('_bytes'))
        diags.push(
          at(
            here('name'),
            'unit-suffix',
            `'${m.name}' is in By: end its name in _bytes, since exporters do not append units`,
          ),
        );
      else if (m.name.endsWith('_ms') && m.unit !== 'ms')
        diags.push(at(here('unit'), 'unit-suffix', `'${m.name}' ends in _ms but its unit is '${m.unit}'`));
    }

    // An unresolved bucket set is reported as unresolved-ref already.
    if (m.instrument === 'histogram' && !hasKey(m, 'buckets'))
      diags.push(
        at(
          here(),
          'histogram-buckets',
          `histogram '${m.name}' needs 'buckets:' naming a bucket set (${model.bucketSets.map((b) => b.id).join(', ')})`,
        ),
      );
    if (m.instrument !== 'histogram' && hasKey(m, 'buckets'))
      diags.push(
        at(
          here('buckets'),
          'histogram-buckets',
          `only histograms take buckets; '${m.name}' is a ${m.instrument}`,
          true,
        ),
      );
    if (m.buckets && m.buckets.unit !== m.unit)
      diags.push(
        at(
          here('buckets'),
          'bucket-unit',
          `bucket set '${m.buckets.id}' is in '${m.buckets.unit}' but '${m.name}' is in '${m.unit}'`,
        ),
      );

    let bounded = true;
    for (const l of m.labels) {
      const a = l.attr;
      const lsrc = l.src;
      if (a.highCardinality) {
        bounded = false;
        diags.push(
          at(
            lsrc,
            'metric-label-high-cardinality',
            `'${a.id}' is high-cardinality and cannot label metric '${m.name}': record it as a span attribute or log field instead${carriers(a.id)}`,
          ),
        );
      } else if (a.pii || a.secret) {
        bounded = false;
        diags.push(
          at(
            lsrc,
            'metric-label-sensitive',
            `'${a.id}' is ${a.pii ? 'pii' : 'secret'} and can never be a metric label`,
          ),
        );
      } else if (!(
        a.type === 'enum' ||
        a.type === 'bool' ||
        ((a.type === 'string' || a.type === 'int') && a.maxCardinality !== undefined)
      )) {
        bounded = false;
        const fix =
          a.type === 'string'
            ? `declare max_cardinality on '${a.id}' if its values are truly bounded, or make it an enum`
            : a.type === 'int'
              ? `an int is unbounded; declare max_cardinality on '${a.id}' if its values are truly few (such as HTTP status codes), else use an enum of ranges or put it on spans/logs`
              : `a ${a.type} is unbounded; use an enum of ranges or put it on spans/logs`;
        diags.push(at(lsrc, 'metric-label-unbounded', `label '${l.name}' of '${m.name}' is unbounded: ${fix}`));
      }
    }
    if (bounded && m.seriesEstimate > m.maxSeries) {
      const parts = m.labels.map((l) => `${l.name}=${labelSize(l)}`);
      if (m.instrument === 'histogram' && m.buckets)
        parts.push(`series per histogram=${m.buckets.boundaries.length + 3}`);
      diags.push(
        at(
          here('labels'),
          'cardinality-budget',
          `'${m.name}' may produce ${m.seriesEstimate} series (${parts.join(' x ')}), over its budget of ${m.maxSeries}: drop a label, tighten max_cardinality, or raise max_series with a reason`,
          true,
        ),
      );
    }
  }
}

/**
 * Two metrics never take one Prometheus name: the name of a family, or of a histogram's _bucket, _sum or
 * _count series (runtime/metric-names.ts holds what clashes, for ad-hoc metrics too).
 */
function checkPrometheusNames(model: Model, diags: Diagnostic[]): void {
  const taken = new NameRegistry<MetricNames & { readonly src: SourceRef }>();
  for (const m of model.metrics) {
    const names = { ...metricNames(m.name, m.instrument), src: { file: m.src.file, path: [...m.src.path, 'name'] } };
    const other = taken.holder(names);
    if (!other) {
      taken.add(names);
      continue;
    }
    const p = position(other.src.file, other.src.path);
    diags.push(
      at(
        names.src,
        'prometheus-name',
        `${nameClash(m.instrument, names, 'the', other)} (${other.src.file.display}:${p.line}:${p.col}); rename one of them`,
      ),
    );
  }
}

/**
 * A renamed metric's old series are recorded from the new ones until the transition ends: the new metric
 * must measure the same thing in the same unit, and each old label must have a counterpart (the same
 * name, or the same attribute under another name).
 */
function checkRenames(model: Model, diags: Diagnostic[]): void {
  for (const r of model.renamedMetrics) {
    const here = (...p: (string | number)[]) => ({ file: r.from.src.file, path: [...r.from.src.path, ...p] });
    const to = r.to.name;
    if (r.until === undefined)
      diags.push(
        at(
          here('deprecated'),
          'metric-rename',
          `'${r.from.name}' is renamed to '${to}' without an end of its transition: add 'until: YYYY-MM-DD', the day its old series stop being recorded`,
        ),
      );
    if (r.from.instrument !== r.to.instrument)
      diags.push(
        at(
          here('instrument'),
          'metric-rename',
          `'${r.from.name}' is a ${r.from.instrument} but '${to}' a ${r.to.instrument}: a rename keeps the instrument; define a new metric instead`,
        ),
      );
    else if (r.from.unit !== r.to.unit)
      diags.push(
        at(
          here('unit'),
          'metric-rename',
          `'${r.from.name}' is in '${r.from.unit}' but '${to}' in '${r.to.unit}': a rename keeps the unit; define a new metric instead`,
        ),
      );
    r.from.labels.forEach((l, i) => {
      if (!renamedLabel(l, r.to.labels))
        diags.push(
          at(
            here('labels', i),
            'metric-rename',
            `label '${l.name}' of '${r.from.name}' has no counterpart in '${to}': queries by it would find nothing; add it to '${to}' or drop it here`,
          ),
        );
    });
  }
}

/** The label of the new metric that carries an old label: the same name, else the same attribute. */
export function renamedLabel<L extends { readonly name: string; readonly attr: { readonly id: string } }>(
  old: L,
  labels: readonly L[],
): L | undefined {
  return labels.find((n) => n.name === old.name) ?? labels.find((n) => n.attr.id === old.attr.id);
}

function hasKey(m: { src: { file: { data: unknown }; path: readonly (string | number)[] } }, key: string): boolean {
  let node: unknown = m.src.file.data;
  for (const seg of m.src.path) node = (node as Record<string | number, unknown> | undefined)?.[seg];
  return typeof node === 'object' && node !== null && key in node;
}
