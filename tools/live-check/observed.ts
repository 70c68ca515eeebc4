// Telemetry as live-check reads it, whatever carried it: one record per metric point or series, span,
// log record, JSON log line and resource, with typed attributes. OTLP/JSON (files, OTLP/HTTP JSON and
// decoded protobuf alike), Prometheus text and JSON log lines each become these.
import { ADHOC_LINE_KEY, ADHOC_SCOPE } from '../../conventions/index.js';

export type Value = string | number | boolean | null | readonly Value[] | { readonly [k: string]: Value };
/** The type a value arrived with: OTLP's AnyValue kinds, or JSON's. */
export type ValueType = 'string' | 'int' | 'double' | 'bool' | 'array' | 'object' | 'bytes' | 'null';

export interface Attr {
  readonly key: string;
  readonly value: Value;
  readonly type: ValueType;
}

export type Instrument =
  'counter' | 'updowncounter' | 'gauge' | 'histogram' | 'exponential_histogram' | 'summary' | 'untyped';

export interface Observed {
  readonly signal: 'metric' | 'span' | 'log' | 'line' | 'resource';
  /** Metric, span or event name; undefined for a log without one. */
  readonly name: string | undefined;
  /** Instrumentation scope ('' when unknown). */
  readonly scope: string;
  readonly attrs: readonly Attr[];
  /** Where it came from: a file, an endpoint, a listener. */
  readonly source: string;
  readonly instrument?: Instrument;
  /** The unit it declares; undefined when the format says none (Prometheus without # UNIT). */
  readonly unit?: string;
  /** A Prometheus series: the name is the exposed one and every label a string. */
  readonly prometheus?: boolean;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** An OTLP AnyValue and the kind it was sent as. */
function anyValue(v: unknown): { value: Value; type: ValueType } {
  if (!isObject(v)) return { value: null, type: 'null' };
  if ('stringValue' in v) return { value: str(v['stringValue']), type: 'string' };
  if ('boolValue' in v) return { value: v['boolValue'] === true, type: 'bool' };
  if ('intValue' in v) {
    const n = Number(v['intValue']);
    // Beyond 2^53 the digits are kept: a number would round.
    return { value: Number.isSafeInteger(n) ? n : String(v['intValue']), type: 'int' };
  }
  if ('doubleValue' in v) return { value: Number(v['doubleValue']), type: 'double' };
  if ('arrayValue' in v)
    return {
      value: list(isObject(v['arrayValue']) ? v['arrayValue']['values'] : []).map((x) => anyValue(x).value),
      type: 'array',
    };
  if ('kvlistValue' in v)
    return {
      value: Object.fromEntries(
        attrs(isObject(v['kvlistValue']) ? v['kvlistValue']['values'] : []).map((a) => [a.key, a.value]),
      ),
      type: 'object',
    };
  if ('bytesValue' in v) return { value: str(v['bytesValue']), type: 'bytes' };
  return { value: null, type: 'null' };
}

function attrs(kvs: unknown): Attr[] {
  return list(kvs).map((kv) => ({ key: str(kv['key']), ...anyValue(kv['value']) }));
}

/** A JSON value and its type, for JSON log lines. */
function jsonAttr(key: string, v: unknown): Attr {
  if (typeof v === 'string') return { key, value: v, type: 'string' };
  if (typeof v === 'boolean') return { key, value: v, type: 'bool' };
  if (typeof v === 'number') return { key, value: v, type: Number.isInteger(v) ? 'int' : 'double' };
  if (Array.isArray(v)) return { key, value: v as Value[], type: 'array' };
  if (isObject(v)) return { key, value: v as { [k: string]: Value }, type: 'object' };
  return { key, value: null, type: 'null' };
}

function resources(blocks: Json[], source: string, out: Observed[]): void {
  for (const b of blocks)
    out.push({
      signal: 'resource',
      name: undefined,
      scope: '',
      attrs: attrs(isObject(b['resource']) ? b['resource']['attributes'] : []),
      source,
    });
}

/** The records of one OTLP/JSON export request of any signal (the key it holds says which). */
export function fromOtlpJson(request: unknown, source: string): Observed[] {
  const out: Observed[] = [];
  if (!isObject(request)) return out;
  const rs = list(request['resourceSpans']);
  const rm = list(request['resourceMetrics']);
  const rl = list(request['resourceLogs']);
  resources([...rs, ...rm, ...rl], source, out);
  for (const r of rs)
    for (const ss of list(r['scopeSpans'])) {
      const scope = str(isObject(ss['scope']) ? ss['scope']['name'] : '');
      for (const s of list(ss['spans']))
        out.push({ signal: 'span', name: str(s['name']), scope, attrs: attrs(s['attributes']), source });
    }
  for (const r of rm)
    for (const sm of list(r['scopeMetrics'])) {
      const scope = str(isObject(sm['scope']) ? sm['scope']['name'] : '');
      for (const m of list(sm['metrics'])) {
        const base = { signal: 'metric' as const, name: str(m['name']), scope, unit: str(m['unit']), source };
        const kinds: [string, Instrument][] = [
          ['gauge', 'gauge'],
          ['histogram', 'histogram'],
          ['exponentialHistogram', 'exponential_histogram'],
          ['summary', 'summary'],
        ];
        const sum = m['sum'];
        if (isObject(sum))
          for (const dp of list(sum['dataPoints']))
            out.push({
              ...base,
              instrument: sum['isMonotonic'] === true ? 'counter' : 'updowncounter',
              attrs: attrs(dp['attributes']),
            });
        for (const [key, instrument] of kinds) {
          const data = m[key];
          if (isObject(data))
            for (const dp of list(data['dataPoints']))
              out.push({ ...base, instrument, attrs: attrs(dp['attributes']) });
        }
      }
    }
  for (const r of rl)
    for (const sl of list(r['scopeLogs'])) {
      const scope = str(isObject(sl['scope']) ? sl['scope']['name'] : '');
      for (const l of list(sl['logRecords'])) {
        const a = attrs(l['attributes']);
        const event = str(l['eventName']) || str(a.find((x) => x.key === 'event')?.value);
        out.push({ signal: 'log', name: event || undefined, scope, attrs: a, source });
      }
    }
  return out;
}

/** One JSON log line: its `event` names the event; `"adhoc": true` marks a free-form line. */
export function fromLogLine(line: unknown, source: string): Observed[] {
  if (!isObject(line)) return [];
  const event = typeof line['event'] === 'string' ? line['event'] : undefined;
  return [
    {
      signal: 'line',
      name: event,
      scope: line[ADHOC_LINE_KEY] === true ? ADHOC_SCOPE : '',
      attrs: Object.entries(line).map(([k, v]) => jsonAttr(k, v)),
      source,
    },
  ];
}
