import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { histogramQuantile } from '../../codegen/prometheus/rule-sim.js';

// Reads what the file:// exporters and JSON log files of a local run wrote (OTLP-JSON lines per process).

export type Value = string | number | boolean | null | Value[] | { [k: string]: Value };

export interface LocalSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  readonly kind: number;
  readonly service: string;
  /** Milliseconds since the epoch. */
  readonly startMs: number;
  readonly durationMs: number;
  readonly attributes: Readonly<Record<string, Value>>;
  readonly links: readonly { readonly traceId: string; readonly spanId: string }[];
  readonly status: { readonly code: number; readonly message: string };
}

export interface LocalPoint {
  readonly service: string;
  readonly metric: string;
  readonly unit: string;
  /** The instrumentation scope that recorded it. */
  readonly scope: string;
  readonly kind: 'sum' | 'gauge' | 'histogram';
  readonly attributes: Readonly<Record<string, Value>>;
  readonly value?: number;
  readonly count?: number;
  readonly sum?: number;
  readonly bounds?: readonly number[];
  /** Per-bucket (not cumulative) counts, one more than bounds. */
  readonly buckets?: readonly number[];
  /** Example measurements and the sampled traces they were recorded in. */
  readonly exemplars: readonly LocalExemplar[];
}

/** An exemplar of a point: a value recorded in a sampled span; `le` is its bucket's upper bound (histograms). */
export interface LocalExemplar {
  readonly traceId: string;
  readonly spanId: string;
  readonly value: number;
  readonly timeMs: number;
  readonly le?: string;
}

/** One JSON log line as the SDK wrote it. */
export type LocalLog = Readonly<Record<string, Value>> & {
  readonly service?: string;
  readonly trace_id?: string;
  readonly event?: string;
  readonly message?: string;
  readonly ts?: string;
};

export interface LocalTelemetry {
  readonly spans: readonly LocalSpan[];
  readonly logs: readonly LocalLog[];
  /** Latest cumulative point of every series of every process. */
  readonly points: readonly LocalPoint[];
}

type Json = Record<string, unknown>;
const arr = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

function anyValue(v: Json | undefined): Value {
  if (!v) return null;
  if ('stringValue' in v) return v['stringValue'] as string;
  if ('boolValue' in v) return v['boolValue'] as boolean;
  if ('intValue' in v) return Number(v['intValue']);
  if ('doubleValue' in v) return Number(v['doubleValue']);
  if ('arrayValue' in v) return arr((v['arrayValue'] as Json)['values']).map(anyValue);
  if ('kvlistValue' in v) return attributes((v['kvlistValue'] as Json)['values']);
  return null;
}
function attributes(kvs: unknown): Record<string, Value> {
  return Object.fromEntries(arr(kvs).map((kv) => [kv['key'] as string, anyValue(kv['value'] as Json | undefined)]));
}
const nanosToMs = (v: unknown): number => Number(BigInt(String(v ?? 0)) / 1000n) / 1000;

function exemplars(v: unknown, bounds?: readonly number[]): LocalExemplar[] {
  return arr(v).map((e) => {
    const value = Number(e['asDouble'] ?? e['asInt'] ?? 0);
    const i = bounds ? bounds.findIndex((b) => value <= b) : -1;
    return {
      traceId: String(e['traceId'] ?? ''),
      spanId: String(e['spanId'] ?? ''),
      value,
      timeMs: nanosToMs(e['timeUnixNano']),
      ...(bounds && { le: i < 0 ? '+Inf' : String(bounds[i]) }),
    };
  });
}

function jsonLines(file: string): Json[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Json];
      } catch {
        return []; // a line cut short by a crash is skipped, not fatal
      }
    });
}

/** `nanos` since the epoch as a log line's `ts`: UTC ISO-8601 with nine fractional digits. */
function isoOfNanos(nanos: unknown): string {
  let n: bigint;
  try {
    n = BigInt(String(nanos ?? 0));
  } catch {
    n = 0n;
  }
  // Out of a Date's range (a damaged file): the epoch, so one record cannot stop the whole read.
  if (n < 0n || n > 8_640_000_000_000_000_000_000n) n = 0n;
  const seconds = n / 1_000_000_000n;
  const fraction = String(n % 1_000_000_000n).padStart(9, '0');
  return `${new Date(Number(seconds) * 1000).toISOString().slice(0, 20)}${fraction}Z`;
}

/**
 * The OTLP log records of a file:// export, as the lines the SDK wrote for them: a service run with
 * OBS_OTLP_ENDPOINT=file:///… writes its lines to stdout and only its records to the folder.
 */
function recordLines(file: string): LocalLog[] {
  const out: LocalLog[] = [];
  for (const req of jsonLines(file))
    for (const rl of arr(req['resourceLogs'])) {
      const resource = attributes((rl['resource'] as Json | undefined)?.['attributes']);
      for (const sl of arr(rl['scopeLogs']))
        for (const r of arr(sl['logRecords'])) {
          const body = anyValue(r['body'] as Json | undefined);
          const fields = attributes(r['attributes']);
          out.push({
            level: String(r['severityText'] ?? '').toLowerCase(),
            ts: isoOfNanos(r['timeUnixNano']),
            service: String(resource['service.name'] ?? ''),
            env: resource['deployment.environment'] ?? null,
            service_version: resource['service.version'] ?? null,
            ...(r['traceId'] ? { trace_id: String(r['traceId']), span_id: String(r['spanId'] ?? '') } : {}),
            ...fields,
            event: String(fields['event'] ?? r['eventName'] ?? ''),
            message: typeof body === 'string' ? body : JSON.stringify(body),
          });
        }
    }
  return out;
}

/** Reads a local telemetry folder (the demo's `.ampyobs/telemetry` by default). */
export function readLocalTelemetry(dir: string): LocalTelemetry {
  if (!existsSync(dir))
    throw new Error(
      `no local telemetry in ${dir}: pass --dir the folder a service wrote with OBS_OTLP_ENDPOINT=file:///<folder> (README, "Configuration")`,
    );
  const files = readdirSync(dir).sort();
  const spans: LocalSpan[] = [];
  const points: LocalPoint[] = [];
  const logs: LocalLog[] = [];
  const records: LocalLog[] = [];
  for (const f of files) {
    const file = path.join(dir, f);
    if (f.startsWith('traces-'))
      for (const req of jsonLines(file))
        for (const rs of arr(req['resourceSpans'])) {
          const service = String(
            attributes((rs['resource'] as Json | undefined)?.['attributes'])['service.name'] ?? '',
          );
          for (const ss of arr(rs['scopeSpans']))
            for (const s of arr(ss['spans'])) {
              const startMs = nanosToMs(s['startTimeUnixNano']);
              spans.push({
                traceId: String(s['traceId'] ?? ''),
                spanId: String(s['spanId'] ?? ''),
                parentSpanId: String(s['parentSpanId'] ?? ''),
                name: String(s['name'] ?? ''),
                kind: Number(s['kind'] ?? 0),
                service,
                startMs,
                durationMs: nanosToMs(s['endTimeUnixNano']) - startMs,
                attributes: attributes(s['attributes']),
                links: arr(s['links']).map((l) => ({ traceId: String(l['traceId']), spanId: String(l['spanId']) })),
                status: {
                  code: Number((s['status'] as Json | undefined)?.['code'] ?? 0),
                  message: String((s['status'] as Json | undefined)?.['message'] ?? ''),
                },
              });
            }
        }
    else if (f.startsWith('metrics-')) {
      // Cumulative temporality: the last export of a process holds its totals.
      const last = jsonLines(file).at(-1);
      for (const rm of arr(last?.['resourceMetrics'])) {
        const service = String(attributes((rm['resource'] as Json | undefined)?.['attributes'])['service.name'] ?? '');
        for (const sm of arr(rm['scopeMetrics'])) {
          const scope = String((sm['scope'] as Json | undefined)?.['name'] ?? '');
          for (const m of arr(sm['metrics'])) {
            const base = { service, metric: String(m['name']), unit: String(m['unit'] ?? ''), scope };
            for (const kind of ['sum', 'gauge'] as const)
              for (const dp of arr((m[kind] as Json | undefined)?.['dataPoints']))
                points.push({
                  ...base,
                  kind,
                  attributes: attributes(dp['attributes']),
                  value: Number(dp['asDouble'] ?? dp['asInt'] ?? 0),
                  exemplars: exemplars(dp['exemplars']),
                });
            for (const dp of arr((m['histogram'] as Json | undefined)?.['dataPoints'])) {
              const bounds = (dp['explicitBounds'] as number[] | undefined) ?? [];
              points.push({
                ...base,
                kind: 'histogram',
                attributes: attributes(dp['attributes']),
                count: Number(dp['count'] ?? 0),
                sum: Number(dp['sum'] ?? 0),
                bounds,
                buckets: ((dp['bucketCounts'] as unknown[] | undefined) ?? []).map(Number),
                exemplars: exemplars(dp['exemplars'], bounds),
              });
            }
          }
        }
      }
    } else if (f.startsWith('log-')) logs.push(...(jsonLines(file) as LocalLog[]));
    else if (f.startsWith('logs-')) records.push(...recordLines(file));
  }
  // A service that also wrote its lines to a file (the demo, init's logFile) is read from them; the
  // records of any other service stand in for its lines.
  const withLines = new Set(logs.map((l) => l.service));
  logs.push(...records.filter((r) => !withLines.has(r.service)));
  spans.sort((a, b) => a.startMs - b.startMs);
  logs.sort((a, b) => String(a.ts).localeCompare(String(b.ts)));
  return { spans, logs, points };
}

/** Quantile of a local histogram point, interpolated within its bucket as Prometheus' histogram_quantile does. */
export function pointQuantile(p: LocalPoint, q: number): number | undefined {
  if (!p.bounds || !p.buckets || !p.count) return undefined;
  // The rule simulation's histogram_quantile takes cumulative counts keyed by upper bound.
  const cumulative = new Map<number, number>();
  let n = 0;
  p.buckets.forEach((c, i) => cumulative.set(i < p.bounds!.length ? p.bounds![i]! : Infinity, (n += c)));
  return histogramQuantile(q, cumulative);
}

/** Merges histogram points of the same metric (across processes and labels) into one. */
export function mergeHistograms(points: readonly LocalPoint[]): LocalPoint | undefined {
  const hs = points.filter((p) => p.kind === 'histogram' && p.buckets && p.bounds);
  if (!hs.length) return undefined;
  const first = hs[0]!;
  const buckets = first.buckets!.map((_, i) => hs.reduce((n, p) => n + (p.buckets![i] ?? 0), 0));
  return {
    ...first,
    attributes: {},
    count: hs.reduce((n, p) => n + (p.count ?? 0), 0),
    sum: hs.reduce((n, p) => n + (p.sum ?? 0), 0),
    buckets,
    exemplars: hs.flatMap((p) => p.exemplars),
  };
}
