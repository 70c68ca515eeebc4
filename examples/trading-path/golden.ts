// Golden telemetry of the trading-path demo (README, "Golden telemetry"): the shape of the logs, spans and metric series
// of each domain path bars → signals → orders → fills → positions, normalised so that run-to-run noise
// (ids, timestamps, durations, prices) is replaced by placeholders and only the contract remains.
//
//   npx tsx examples/trading-path/golden.ts            run the default demo, compare, print a diff (exit 1)
//   npm run golden:update                              run the default demo, rewrite the fixtures
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  readLocalTelemetry,
  type LocalLog,
  type LocalSpan,
  type LocalTelemetry,
  type Value,
} from '../../tools/inspect/read.js';
import { runDemo } from './run.js';
import { barBatches } from './scenario.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** Where the fixtures live: one JSON file per domain. */
export const GOLDEN_DIR = path.resolve(HERE, '../../test/fixtures/golden');

export const DOMAINS = ['bars', 'signals', 'orders', 'fills', 'positions'] as const;
export type Domain = (typeof DOMAINS)[number] | 'other';

export interface GoldenLog {
  readonly service: string;
  readonly event: string;
  /** How many lines of the run have exactly this normalised shape. */
  readonly count: number;
  /** Every key of the line (sorted), with its stable value or a placeholder. */
  readonly fields: Readonly<Record<string, Value>>;
}
export interface GoldenSpan {
  readonly service: string;
  readonly name: string;
  readonly kind: string;
  /** `name@service` of the parent span, null for a root, `<missing>` when the parent was not exported. */
  readonly parent: string | null;
  readonly links: readonly string[];
  readonly status: number;
  readonly count: number;
  /** Sorted attribute keys with their stable values or placeholders. */
  readonly attributes: Readonly<Record<string, Value>>;
}
export interface GoldenMetric {
  readonly service: string;
  readonly metric: string;
  readonly unit: string;
  readonly kind: string;
  readonly bounds?: readonly number[];
  /** The label sets of its series (sorted), not their values. */
  readonly labelSets: readonly Readonly<Record<string, Value>>[];
}
export interface GoldenDomain {
  readonly domain: Domain;
  readonly logs: readonly GoldenLog[];
  readonly spans: readonly GoldenSpan[];
  readonly metrics: readonly GoldenMetric[];
}
export type Golden = Partial<Record<Domain, GoldenDomain>>;

// ── normalisation ────────────────────────────────────────────────────────────────────────────────

const SCENARIO = barBatches();
const SYMBOLS = [...new Set(SCENARIO.map((b) => b.symbol))].sort((a, b) => b.length - a.length);
const MICS = [...new Set(SCENARIO.map((b) => b.mic))];
const SYMBOL_RE = new RegExp(`\\b(?:${SYMBOLS.join('|')})\\b`, 'g');
const MIC_RE = new RegExp(`\\b(?:${MICS.join('|')})\\b`, 'g');

/** Keys whose value is run-specific whatever it looks like. */
const PLACEHOLDER_KEYS: Readonly<Record<string, string>> = { ts: '<ts>', 'service.instance.id': '<instance>' };
/** Numbers that vary run to run or symbol to symbol: kept as a type, not a value. */
const VOLATILE_NUMBER_KEYS = new Set(['score', 'latency_ms', 'scaled', 'duration_ms', 'lag_ms']);

/** A string with run-specific ids and the scenario's instruments replaced by placeholders. */
function normaliseText(s: string): string {
  if (/^-?\d+\.\d+$/.test(s)) return `<decimal:${s.split('.')[1]!.length}>`;
  return s
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>')
    .replace(/(?<!fp:)\b[0-9a-f]{32}\b/g, '<trace_id>')
    .replace(/(?<!fp:)\b[0-9a-f]{16}\b/g, '<span_id>')
    .replace(/\bco_\d{8}_\d+\b/g, '<client_order_id>')
    .replace(SYMBOL_RE, '<symbol>')
    .replace(MIC_RE, '<mic>');
}

/** A value as it appears in a fixture. */
export function normaliseValue(key: string, v: Value): Value {
  if (key in PLACEHOLDER_KEYS) return PLACEHOLDER_KEYS[key]!;
  if (typeof v === 'number') return VOLATILE_NUMBER_KEYS.has(key) || !Number.isInteger(v) ? '<number>' : v;
  if (typeof v === 'string') {
    // JSON carried in a string (a careless debug attribute): its shape, not its text.
    if (/^[[{]/.test(v)) {
      try {
        return { $json: normaliseValue(key, JSON.parse(v) as Value) };
      } catch {
        // not JSON after all
      }
    }
    return normaliseText(v);
  }
  if (Array.isArray(v)) return v.map((x) => normaliseValue(key, x));
  if (v !== null && typeof v === 'object') return normaliseRecord(v);
  return v;
}

function normaliseRecord(r: Readonly<Record<string, Value>>): Record<string, Value> {
  return Object.fromEntries(
    Object.keys(r)
      .sort()
      .map((k) => [k, normaliseValue(k, r[k]!)]),
  );
}

/** Canonical JSON (object keys sorted) for ordering and comparison. */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : x,
  );
}

// ── domains ──────────────────────────────────────────────────────────────────────────────────────

function domainOfTopic(topic: Value | undefined): Domain {
  const seg = /^ampy\/[^/]+\/([^/]+)\//.exec(String(topic ?? ''))?.[1];
  return (DOMAINS as readonly string[]).includes(seg ?? '') ? (seg as Domain) : 'other';
}

/** The domain a span name or log event belongs to, by its namespace (bus.* by the topic it carries). */
function domainOfName(name: string, topic: Value | undefined): Domain {
  const ns = name.split('.')[0]!;
  if (ns === 'bus') return domainOfTopic(topic);
  if (ns === 'ingest' || ns === 'bars') return 'bars';
  if (ns === 'features' || ns === 'model' || ns === 'signals') return 'signals';
  if (ns === 'oms' || ns === 'order' || ns === 'broker') return 'orders';
  if (ns === 'fills') return 'fills';
  if (ns === 'positions') return 'positions';
  return 'other';
}

/** The domain of a metric; undefined for the SDK's own process and self metrics, which are not part of a path. */
function domainOfMetric(metric: string, labels: Readonly<Record<string, Value>>): Domain | undefined {
  const ns = metric.split('.')[1];
  if (ns === 'runtime' || ns === 'obs') return undefined;
  if (ns === 'bus') return domainOfTopic(labels['topic']);
  if (ns === 'ingest') return 'bars';
  if (ns === 'ml') return 'signals';
  if (ns === 'oms') return metric === 'ampy.oms.fills' ? 'fills' : 'orders';
  if (ns === 'positions') return 'positions';
  return 'other';
}

/** OTLP span kinds (the wire enum, not the API's). */
const SPAN_KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

function sortBy<T>(items: T[], key: (t: T) => string): T[] {
  return items
    .map((t) => [key(t), t] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, t]) => t);
}

/** The golden telemetry of a run: per domain, normalised log shapes, span shapes and metric label sets. */
export function goldenOf(t: LocalTelemetry): Golden {
  const byDomain = new Map<
    Domain,
    { logs: Map<string, GoldenLog>; spans: Map<string, GoldenSpan>; metrics: Map<string, GoldenMetric> }
  >();
  const bucket = (d: Domain) => {
    let b = byDomain.get(d);
    if (!b) byDomain.set(d, (b = { logs: new Map(), spans: new Map(), metrics: new Map() }));
    return b;
  };
  // Same normalised shape, one entry with a count (placed before the bulky fields, for reading).
  const count = <T extends { count: number }>(m: Map<string, T>, item: Omit<T, 'count'>, before: string): void => {
    const k = canonical(item);
    const n = (m.get(k)?.count ?? 0) + 1;
    const entries = Object.entries(item);
    const at = entries.findIndex(([key]) => key === before);
    m.set(k, Object.fromEntries([...entries.slice(0, at), ['count', n], ...entries.slice(at)]) as T);
  };

  for (const l of t.logs as readonly LocalLog[]) {
    const event = String(l.event ?? '');
    count(
      bucket(domainOfName(event, l['topic'])).logs,
      { service: String(l.service ?? ''), event, fields: normaliseRecord(l) },
      'fields',
    );
  }

  const byId = new Map<string, LocalSpan>(t.spans.map((s) => [`${s.traceId}/${s.spanId}`, s]));
  const ref = (s: LocalSpan | undefined): string => (s ? `${s.name}@${s.service}` : '<missing>');
  for (const s of t.spans) {
    count(
      bucket(domainOfName(s.name, s.attributes['topic'])).spans,
      {
        service: s.service,
        name: s.name,
        kind: SPAN_KINDS[s.kind] ?? String(s.kind),
        parent: s.parentSpanId ? ref(byId.get(`${s.traceId}/${s.parentSpanId}`)) : null,
        links: s.links.map((l) => ref(byId.get(`${l.traceId}/${l.spanId}`))).sort(),
        status: s.status.code,
        attributes: normaliseRecord(s.attributes),
      },
      'attributes',
    );
  }

  const series = new Map<string, { metric: GoldenMetric; sets: Map<string, Record<string, Value>> }>();
  for (const p of t.points) {
    const d = domainOfMetric(p.metric, p.attributes);
    if (!d) continue;
    const key = `${d}|${p.metric}|${p.service}`;
    let e = series.get(key);
    if (!e)
      series.set(
        key,
        (e = {
          metric: {
            service: p.service,
            metric: p.metric,
            unit: p.unit,
            kind: p.kind,
            ...(p.bounds && { bounds: p.bounds }),
            labelSets: [],
          },
          sets: new Map(),
        }),
      );
    const labels = Object.fromEntries(
      Object.keys(p.attributes)
        .sort()
        .map((k) => [k, p.attributes[k]!]),
    );
    e.sets.set(canonical(labels), labels);
  }
  for (const [key, { metric, sets }] of series)
    bucket(key.split('|')[0] as Domain).metrics.set(key, {
      ...metric,
      labelSets: sortBy([...sets.entries()], ([k]) => k).map(([, v]) => v),
    });

  const out: Golden = {};
  for (const d of [...DOMAINS, 'other'] as const) {
    const b = byDomain.get(d);
    if (!b) continue;
    out[d] = {
      domain: d,
      logs: sortBy([...b.logs.values()], (l) => `${l.service}|${l.event}|${canonical(l)}`),
      spans: sortBy([...b.spans.values()], (s) => `${s.service}|${s.name}|${canonical(s)}`),
      metrics: sortBy([...b.metrics.values()], (m) => `${m.metric}|${m.service}`),
    };
  }
  return out;
}

// ── fixtures and diff ────────────────────────────────────────────────────────────────────────────

/** Reads the fixtures (one `<domain>.json` per domain). */
export function readGolden(dir: string = GOLDEN_DIR): Golden {
  const out: Golden = {};
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir)
    .filter((x) => x.endsWith('.json'))
    .sort()) {
    const g = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as GoldenDomain;
    out[g.domain] = g;
  }
  return out;
}

/** Writes the fixtures, replacing those of domains the run no longer has. */
export function writeGolden(g: Golden, dir: string = GOLDEN_DIR): string[] {
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) rmSync(path.join(dir, f));
  const written: string[] = [];
  for (const d of Object.values(g)) {
    const file = path.join(dir, `${d.domain}.json`);
    writeFileSync(file, `${JSON.stringify(d, null, 2)}\n`);
    written.push(file);
  }
  return written;
}

type Section = 'logs' | 'spans' | 'metrics';
const identity: Record<Section, (x: GoldenLog & GoldenSpan & GoldenMetric) => string> = {
  logs: (l) => `${l.service} ${l.event}`,
  spans: (s) => `${s.service} ${s.name} (parent ${s.parent ?? 'none'})`,
  metrics: (m) => `${m.service} ${m.metric}`,
};

/** Paths at which two JSON values differ, as `path: expected → actual`. */
function deepDiff(a: unknown, b: unknown, at = ''): string[] {
  if (canonical(a) === canonical(b)) return [];
  const isObj = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x);
  if (isObj(a) && isObj(b))
    return [...new Set([...Object.keys(a), ...Object.keys(b)])]
      .sort()
      .flatMap((k) => deepDiff(a[k], b[k], at ? `${at}.${k}` : k));
  const show = (x: unknown): string => (x === undefined ? '(absent)' : JSON.stringify(x));
  return [`${at || '(value)'}: ${show(a)} → ${show(b)}`];
}

/**
 * A readable diff between fixtures and a run: per domain and section, entries that changed (field by
 * field), disappeared (-) or appeared (+). Empty when they match.
 */
export function diffGolden(expected: Golden, actual: Golden): string[] {
  const out: string[] = [];
  const domains = [...new Set([...Object.keys(expected), ...Object.keys(actual)])] as Domain[];
  for (const d of domains) {
    const e = expected[d];
    const a = actual[d];
    if (!e) {
      out.push(`+ ${d}: a domain without fixtures (run \`npm run golden:update\` if it is new on purpose)`);
      continue;
    }
    if (!a) {
      out.push(`- ${d}: the run emitted nothing for this domain`);
      continue;
    }
    for (const section of ['logs', 'spans', 'metrics'] as const) {
      const left = new Map<string, unknown[]>();
      const right = new Map<string, unknown[]>();
      const unmatchedL = e[section].filter((x) => !a[section].some((y) => canonical(y) === canonical(x)));
      const unmatchedR = a[section].filter((y) => !e[section].some((x) => canonical(y) === canonical(x)));
      const id = identity[section] as (x: unknown) => string;
      for (const x of unmatchedL) left.set(id(x), [...(left.get(id(x)) ?? []), x]);
      for (const y of unmatchedR) right.set(id(y), [...(right.get(id(y)) ?? []), y]);
      for (const k of [...new Set([...left.keys(), ...right.keys()])].sort()) {
        const l = [...(left.get(k) ?? [])];
        const r = [...(right.get(k) ?? [])];
        // Pair each changed entry with its closest counterpart of the same identity and show what changed.
        while (l.length && r.length) {
          const x = l.shift();
          let best = 0;
          for (let i = 1; i < r.length; i++) if (deepDiff(x, r[i]).length < deepDiff(x, r[best]).length) best = i;
          const [y] = r.splice(best, 1);
          out.push(`~ ${d}/${section} ${k}`);
          for (const line of deepDiff(x, y)) out.push(`    ${line}`);
        }
        for (const x of l) out.push(`- ${d}/${section} ${k}: ${canonical(x)}`);
        for (const y of r) out.push(`+ ${d}/${section} ${k}: ${canonical(y)}`);
      }
    }
  }
  return out;
}

/** Compares the telemetry in `telemetryDir` with the fixtures; the diff is empty when they match. */
export function checkGolden(telemetryDir: string, fixturesDir: string = GOLDEN_DIR): string[] {
  return diffGolden(readGolden(fixturesDir), goldenOf(readLocalTelemetry(telemetryDir)));
}

async function main(argv: readonly string[]): Promise<number> {
  const update = argv.includes('--update');
  // The default demo as `npm run demo` runs it on a clean machine: dev, local files, no collector.
  for (const k of Object.keys(process.env)) if (k.startsWith('OBS_') || k.startsWith('OTEL_')) delete process.env[k];
  const dir = mkdtempSync(path.join(tmpdir(), 'ampyobs-golden-'));
  try {
    await runDemo({ dir, quiet: true });
    if (update) {
      for (const f of writeGolden(goldenOf(readLocalTelemetry(dir))))
        process.stdout.write(`wrote ${path.relative(process.cwd(), f)}\n`);
      return 0;
    }
    const diff = checkGolden(dir);
    if (!diff.length) {
      process.stdout.write(`golden telemetry matches (${DOMAINS.join(' → ')})\n`);
      return 0;
    }
    process.stdout.write(
      `golden telemetry differs from ${path.relative(process.cwd(), GOLDEN_DIR)} (expected → actual):\n${diff.join('\n')}\n`,
    );
    process.stdout.write('If the change is intended, run `npm run golden:update` and review the fixture diff.\n');
    return 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exit(2);
    },
  );
}
