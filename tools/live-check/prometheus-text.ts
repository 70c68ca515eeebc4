// The Prometheus text exposition format, read into one record per series. Written here rather than
// taken from npm: the parsers there predate the `# UNIT` line (which live-check compares with the spec)
// and are no longer maintained; the format itself is a few line shapes.
import type { Attr, Instrument, Observed } from './observed.js';

const TYPES: Readonly<Record<string, Instrument>> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  summary: 'summary',
  untyped: 'untyped',
  unknown: 'untyped',
};

/** Label values with Prometheus' escapes (\\, \", \n) undone. */
function parseLabels(text: string): Attr[] | undefined {
  const out: Attr[] = [];
  const re = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(text)) !== null) {
    out.push({ key: m[1]!, value: m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c)), type: 'string' });
    end = re.lastIndex;
  }
  return text.slice(end).trim() === '' ? out : undefined;
}

/** The family a sample belongs to: a histogram's or summary's sample names carry a suffix. */
function familyOf(name: string, types: ReadonlyMap<string, Instrument>): { family: string; suffix: string } {
  for (const suffix of ['_bucket', '_sum', '_count', '_total', '_created']) {
    if (!name.endsWith(suffix)) continue;
    const family = name.slice(0, -suffix.length);
    if (types.has(family)) return { family, suffix };
  }
  return { family: name, suffix: '' };
}

/**
 * One record per series of a scrape: histograms and summaries once (by their _count), counters under
 * the name the sample has (`_total` included, as the spec's exposed names are). Lines that are not
 * samples or comments are reported through `bad`.
 */
export function fromPrometheusText(text: string, source: string, bad: (line: string) => void): Observed[] {
  const types = new Map<string, Instrument>();
  const units = new Map<string, string>();
  const out: Observed[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const meta = /^#\s+(TYPE|UNIT)\s+(\S+)\s+(\S*)/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') types.set(meta[2]!, TYPES[meta[3]!] ?? 'untyped');
      else units.set(meta[2]!, meta[3]!);
      continue;
    }
    if (line.startsWith('#')) continue;
    const sample = /^([A-Za-z_:][A-Za-z0-9_:]*)(\{(.*)\})?\s+\S+(\s+\S+)?$/.exec(line);
    const labels = sample ? parseLabels(sample[3] ?? '') : undefined;
    if (!sample || !labels) {
      bad(line);
      continue;
    }
    const name = sample[1]!;
    const { family, suffix } = familyOf(name, types);
    const instrument = types.get(family) ?? types.get(name) ?? 'untyped';
    if ((instrument === 'histogram' || instrument === 'summary') && suffix !== '_count') continue;
    // Resource attributes (checked from OTLP, where they are typed) and OpenMetrics' creation times.
    if (name === 'target_info' || name.endsWith('_created')) continue;
    const unit = units.get(family) ?? units.get(name);
    out.push({
      signal: 'metric',
      name: instrument === 'histogram' || instrument === 'summary' ? family : name,
      scope: String(labels.find((l) => l.key === 'otel_scope_name')?.value ?? ''),
      attrs: labels,
      source,
      instrument,
      ...(unit !== undefined && { unit }),
      prometheus: true,
    });
  }
  return out;
}
