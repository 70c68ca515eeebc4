import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { prometheusName } from '../../codegen/names.js';
import { ALWAYS_SAMPLE_ATTRIBUTE, SCOPE, SELF_METRIC_PREFIXES } from '../../conventions/index.js';
import { readLocalTelemetry, type LocalPoint, type LocalTelemetry } from './read.js';
import { exemplarLines, readSnapshots, surfaceLines, type SurfaceSnapshot } from './surface.js';
import { traceServices, traceTree } from '../../runtime/admin/trace-tree.js';

/** A sum to four significant digits, whole above 1000: a histogram in seconds sums to fractions. */
function figure(x: number): string {
  return Math.abs(x) >= 1000 ? x.toFixed(0) : String(Number(x.toPrecision(4)));
}

export interface InspectQuery {
  readonly clientOrderId?: string;
  readonly traceId?: string;
}

interface Panel {
  readonly dashboard: string;
  readonly title: string;
  readonly exprs: readonly string[];
}

/** Panels of Grafana dashboard JSON files, with their PromQL. */
export function dashboardPanels(dir: string): Panel[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => {
      const d = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as {
        title?: string;
        panels?: { title?: string; targets?: { expr?: string }[] }[];
      };
      return (d.panels ?? [])
        .filter((p) => p.targets?.length)
        .map((p) => ({
          dashboard: d.title ?? f,
          title: p.title ?? '',
          exprs: (p.targets ?? []).map((t) => t.expr ?? ''),
        }));
    });
}

/** The instruments an OTLP data kind may come from: a sum is a counter (`_total`) or an up-down counter. */
const INSTRUMENTS: Record<LocalPoint['kind'], readonly string[]> = {
  sum: ['counter', 'updowncounter'],
  gauge: ['gauge'],
  histogram: ['histogram'],
};

/** The Prometheus names under which a metric's series appear (what panels reference). */
function exposedNames(metric: string, kind: LocalPoint['kind']): string[] {
  const names = INSTRUMENTS[kind].map((instrument) => prometheusName(metric, instrument));
  return kind === 'histogram' ? names.flatMap((n) => [`${n}_bucket`, `${n}_count`, `${n}_sum`]) : [...new Set(names)];
}

/**
 * The correlation pivot (README, `npx ampyobs inspect`) as a report: the log lines of an order (or trace), the trace tree
 * across processes, the metric series of the services on that path and the exemplars that point to the trace, the
 * dashboard panels that show them, and the health and SLOs of those services when their surfaces were read.
 */
export function inspect(
  t: LocalTelemetry,
  q: InspectQuery,
  dashboardsDir: string,
  surfaces: readonly SurfaceSnapshot[] = [],
): { lines: string[]; found: boolean } {
  const lines: string[] = [];
  const logs = t.logs.filter(
    (l) =>
      (q.clientOrderId !== undefined && l['client_order_id'] === q.clientOrderId) ||
      (q.traceId !== undefined && l.trace_id === q.traceId),
  );
  const traceIds = [
    ...new Set([
      ...(q.traceId ? [q.traceId] : []),
      ...logs.map((l) => String(l.trace_id ?? '')).filter(Boolean),
      ...t.spans
        .filter(
          (s) =>
            q.clientOrderId !== undefined &&
            (s.attributes['client_order_id'] === q.clientOrderId || s.attributes['partition_key'] === q.clientOrderId),
        )
        .map((s) => s.traceId),
    ]),
  ];
  const what = q.clientOrderId ? `client_order_id ${q.clientOrderId}` : `trace ${q.traceId}`;
  if (!logs.length && !traceIds.some((id) => t.spans.some((s) => s.traceId === id)))
    return { lines: [`Nothing in the local telemetry for ${what}.`], found: false };

  lines.push(`Log lines for ${what}`);
  for (const l of t.logs.filter((x) => logs.includes(x) || traceIds.includes(String(x.trace_id))))
    lines.push(
      `  ${String(l.ts).slice(11, 23)}  ${String(l.service).padEnd(17)} ${String(l['level']).padEnd(5)} ${String(l.event).padEnd(18)} ${String(l.message)}  trace_id=${String(l.trace_id ?? '–')}`,
    );

  const services = new Set<string>();
  for (const id of traceIds) {
    const path_ = traceServices(t.spans, id);
    if (!path_.length) continue;
    path_.forEach((s) => services.add(s));
    lines.push('', `Trace ${id} across ${path_.join(' → ')}`);
    for (const l of traceTree(t.spans, id, (s) => (s.attributes[ALWAYS_SAMPLE_ATTRIBUTE] ? '[always sampled]' : '')))
      lines.push(`  ${l}`);
  }

  const series = t.points.filter(
    (p) => services.has(p.service) && !SELF_METRIC_PREFIXES.some((prefix) => p.metric.startsWith(prefix)),
  );
  lines.push('', `Metric series of the services on this path (${[...services].join(', ')})`);
  for (const p of series) {
    const labels = Object.entries(p.attributes)
      .map(([k, v]) => `${k}="${String(v)}"`)
      .join(', ');
    const value = p.kind === 'histogram' ? `count=${p.count} sum=${figure(p.sum ?? 0)}` : String(p.value);
    // Two libraries may record the same metric and labels (ioredis and node-redis): the scope tells them apart.
    const scope = p.scope === SCOPE.name ? '' : ` [${p.scope}]`;
    lines.push(`  ${p.service.padEnd(17)} ${p.metric}{${labels}} ${value}${scope}`);
  }

  lines.push('', 'Exemplars that point to this trace (a metric panel links here)');
  const examples = traceIds.flatMap((id) => exemplarLines(t.points, id));
  lines.push(
    ...(examples.length
      ? examples
      : ['  none (exemplars are kept for counters and histograms recorded in sampled spans)']),
  );

  const metricsSeen = new Map(series.map((p) => [p.metric, p.kind]));
  const panels = dashboardPanels(dashboardsDir).filter((panel) =>
    [...metricsSeen].some(([m, kind]) =>
      exposedNames(m, kind).some((n) => panel.exprs.some((e) => new RegExp(`\\b${n}\\b`).test(e))),
    ),
  );
  lines.push('', 'Dashboard panels that show them');
  for (const p of panels) lines.push(`  ${p.dashboard} › ${p.title}`);
  if (!panels.length) lines.push('  none found (are the dashboards generated?)');

  lines.push('', 'Health and SLOs of the services on this path');
  const status = surfaceLines(surfaces, services);
  lines.push(
    ...(status.length
      ? status
      : ['  not read: pass --surface http://<service>:<OBS_PROM_PORT> for each running service']),
  );
  return { lines, found: true };
}

/** Reads the folder (and its surface snapshots) and inspects; what `ampyobs inspect` prints. */
export function inspectDir(
  dir: string,
  q: InspectQuery,
  dashboardsDir: string,
  surfaces: readonly SurfaceSnapshot[] = [],
): { lines: string[]; found: boolean } {
  return inspect(readLocalTelemetry(dir), q, dashboardsDir, [...readSnapshots(dir), ...surfaces]);
}
