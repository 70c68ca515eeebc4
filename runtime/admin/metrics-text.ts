// The metrics page in both formats Prometheus scrapes: the text format, exactly as
// @opentelemetry/exporter-prometheus writes it (its own serializer, its default options), and
// OpenMetrics 1.0 with the fast path's exemplars, for scrapers that ask for it.
import type { Attributes } from '@opentelemetry/api';
import { PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import {
  AggregationTemporality,
  DataPointType,
  type DataPoint,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { prometheusSanitized } from '../../conventions/index.js';
import { exemplarsOf, type PointExemplar } from '../exemplars/exemplar.js';

/** What the Prometheus exporter's endpoint serves by default: target_info and the scope labels included. */
const serializer = new PrometheusSerializer('', false, undefined, false, false);

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** The Prometheus text format of a collection, byte for byte what the Prometheus exporter serves. */
export function prometheusText(rm: ResourceMetrics): string {
  return serializer.serialize(rm);
}

/**
 * Whether a scraper's Accept header asks for OpenMetrics (Prometheus 2.x sends
 * `application/openmetrics-text;version=1.0.0,…;q=0.75,text/plain;version=0.0.4;q=0.5,*\/*;q=0.1`).
 */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const [type, ...params] = part.split(';').map((x) => x.trim().toLowerCase());
    if (type !== 'application/openmetrics-text') return false;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

// The exporter's escaping and naming, so both formats name every series the same.
const escapeHelp = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeLabel = (v: unknown): string =>
  (typeof v === 'string' ? v : JSON.stringify(v)).replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const num = (v: number): string => (v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v));

function labels(attrs: Attributes, extra: Readonly<Record<string, string>>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(attrs)) parts.push(`${prometheusSanitized(k)}="${escapeLabel(v)}"`);
  for (const [k, v] of Object.entries(extra)) parts.push(`${prometheusSanitized(k)}="${escapeLabel(v)}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

/** The longest exemplar label set Prometheus stores: 128 code points of names and values. */
const MAX_EXEMPLAR_RUNES = 128;

/** ` # {trace_id="…",span_id="…"} value timestamp`: always with its recording time, so a scrape that sees it again stores nothing new. */
function exemplar(e: PointExemplar | undefined): string {
  if (!e) return '';
  if ([...`trace_id${e.traceId}span_id${e.spanId}`].length > MAX_EXEMPLAR_RUNES) return '';
  return ` # {trace_id="${e.traceId}",span_id="${e.spanId}"} ${num(e.value)} ${(e.timeMs / 1000).toFixed(3)}`;
}

interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'unknown';
  help: string;
  unit: string;
  lines: string[];
}

/** Family name and type as OpenMetrics wants them: a counter's family drops `_total`, its sample keeps it. */
function familyOf(m: MetricData): { family: string; sample: string; type: Family['type'] } {
  let name = prometheusSanitized(m.descriptor.name);
  if (name !== '' && name[0]! >= '0' && name[0]! <= '9') name = `_${name}`;
  if (m.dataPointType === DataPointType.SUM && m.isMonotonic) {
    const family = name.endsWith('_total') ? name.slice(0, -'_total'.length) : name;
    return { family, sample: `${family}_total`, type: 'counter' };
  }
  if (m.dataPointType === DataPointType.HISTOGRAM) return { family: name, sample: name, type: 'histogram' };
  if (m.dataPointType === DataPointType.SUM || m.dataPointType === DataPointType.GAUGE)
    return { family: name, sample: name, type: 'gauge' };
  return { family: name, sample: name, type: 'unknown' };
}

/**
 * OpenMetrics 1.0 text of a collection, with the same series (names, labels, `le` values) as the text
 * format, exemplars on counter `_total` and histogram `_bucket` samples, and `# EOF`. What Prometheus
 * 2.42 refuses is avoided: a UNIT line appears only when the family name ends in `_<unit>`, there is no
 * `_created` sample, and families with one name are written once.
 */
export function openMetricsText(rm: ResourceMetrics): string {
  const families = new Map<string, Family>();
  for (const sm of rm.scopeMetrics) {
    const scope: Record<string, string> = { otel_scope_name: sm.scope.name };
    if (sm.scope.schemaUrl) scope['otel_scope_schema_url'] = sm.scope.schemaUrl;
    if (sm.scope.version) scope['otel_scope_version'] = sm.scope.version;
    for (const m of sm.metrics) {
      const { family, sample, type } = familyOf(m);
      if (family === '' || family === '_' || type === 'unknown') continue;
      // Cumulative points only: a delta sum or histogram has no Prometheus form.
      if (m.aggregationTemporality !== AggregationTemporality.CUMULATIVE && type !== 'gauge') continue;
      let f = families.get(family);
      if (!f)
        families.set(
          family,
          (f = {
            name: family,
            type,
            help: m.descriptor.description || 'description missing',
            unit: m.descriptor.unit,
            lines: [],
          }),
        );
      if (f.type !== type) continue;
      if (type === 'histogram')
        for (const dp of m.dataPoints as DataPoint<Histogram>[]) {
          const h = dp.value;
          const byBucket = new Map(exemplarsOf(dp).map((e) => [e.bucket, e]));
          let cumulative = 0;
          h.buckets.counts.forEach((c, i) => {
            cumulative += c;
            const bound = h.buckets.boundaries[i];
            f.lines.push(
              `${sample}_bucket${labels(dp.attributes, { ...scope, le: bound === undefined || bound === Infinity ? '+Inf' : String(bound) })} ${num(cumulative)}${exemplar(byBucket.get(i))}`,
            );
          });
          f.lines.push(`${sample}_count${labels(dp.attributes, scope)} ${num(h.count)}`);
          if (h.sum !== undefined) f.lines.push(`${sample}_sum${labels(dp.attributes, scope)} ${num(h.sum)}`);
        }
      else
        for (const dp of m.dataPoints as DataPoint<number>[])
          f.lines.push(
            `${sample}${labels(dp.attributes, scope)} ${num(dp.value)}${type === 'counter' ? exemplar(exemplarsOf(dp).at(-1)) : ''}`,
          );
    }
  }
  const out: string[] = [
    '# TYPE target_info gauge',
    '# HELP target_info Target metadata',
    `target_info${labels(rm.resource.attributes, {})} 1`,
  ];
  for (const f of families.values()) {
    if (f.name === 'target_info') continue;
    out.push(`# TYPE ${f.name} ${f.type}`, `# HELP ${f.name} ${escapeHelp(f.help)}`);
    if (f.unit && /^[a-zA-Z0-9_]+$/.test(f.unit) && f.name.endsWith(`_${f.unit}`))
      out.push(`# UNIT ${f.name} ${f.unit}`);
    out.push(...f.lines);
  }
  out.push('# EOF');
  return `${out.join('\n')}\n`;
}
