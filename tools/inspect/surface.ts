// What services' observability surfaces said (GET /health and /slos): fetched from running services
// (`ampyobs inspect --surface URL`) or read from snapshots in the `surfaces/` folder of a telemetry folder
// (the demo writes one per service before stopping them). Printed by inspect and by the demo's report.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { HealthReport, SloFigures } from '../../runtime/index.js';
import type { LocalPoint } from './read.js';

/** One service's surface at one moment. */
export interface SurfaceSnapshot {
  readonly service: string;
  /** Where it came from: the URL, or the file. */
  readonly source: string;
  readonly at: string;
  readonly health?: HealthReport;
  readonly slos?: readonly SloFigures[];
  /** Why the surface could not be read. */
  readonly error?: string;
}

/**
 * Where a service's snapshot lives in a telemetry folder: a subfolder, so the tools that read the
 * telemetry files themselves (live-check, the readers here) never take it for telemetry.
 */
export const snapshotFile = (dir: string, service: string): string =>
  path.join(dir, 'surfaces', `${service.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);

/** The snapshots in a telemetry folder (unreadable files are skipped). */
export function readSnapshots(dir: string): SurfaceSnapshot[] {
  const sub = path.join(dir, 'surfaces');
  if (!existsSync(sub)) return [];
  return readdirSync(sub)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => {
      try {
        return [
          { ...(JSON.parse(readFileSync(path.join(sub, f), 'utf8')) as SurfaceSnapshot), source: path.join(sub, f) },
        ];
      } catch {
        return [];
      }
    });
}

/** Reads a running service's /health and /slos; a token (OBS_ADMIN_TOKEN) is sent as a bearer token. */
export async function fetchSnapshot(base: string, token?: string): Promise<SurfaceSnapshot> {
  const url = base.replace(/\/+$/, '');
  const headers = token ? { authorization: `Bearer ${token}` } : undefined;
  const get = async (p: string): Promise<unknown> => {
    const res = await fetch(`${url}${p}`, { ...(headers && { headers }), signal: AbortSignal.timeout(5000) });
    // /health answers 503 with its report when unhealthy.
    if (!res.ok && !(p === '/health' && res.status === 503))
      throw new Error(
        `${p} answered HTTP ${res.status}${res.status === 401 ? ' (set OBS_ADMIN_TOKEN to the service token)' : ''}`,
      );
    return res.json();
  };
  try {
    const health = (await get('/health')) as HealthReport;
    const slos = ((await get('/slos')) as { slos: SloFigures[] }).slos;
    return { service: health.service, source: url, at: new Date().toISOString(), health, slos };
  } catch (e) {
    return {
      service: url,
      source: url,
      at: new Date().toISOString(),
      error: `cannot read ${url}: ${(e as Error).message}`,
    };
  }
}

const pct = (v: number | null): string => (v === null ? '–' : `${(v * 100).toFixed(v > 0 && v < 0.001 ? 3 : 1)}%`);

/** Health and SLO status of the snapshots' services (those in `only`, when given), one block each. */
export function surfaceLines(snapshots: readonly SurfaceSnapshot[], only?: ReadonlySet<string>): string[] {
  const lines: string[] = [];
  for (const s of snapshots) {
    // A surface that could not be read is always named: its service is unknown.
    if (s.error) {
      lines.push(`  ${s.error}`);
      continue;
    }
    if (only && !only.has(s.service)) continue;
    const h = s.health;
    if (h) {
      const notes = h.checks.filter((c) => c.status !== 'ok').map((c) => `${c.name} ${c.status}: ${c.message}`);
      lines.push(`  ${s.service.padEnd(18)} ${h.status}${notes.length ? '' : ' (every check ok)'}`);
      for (const n of notes) lines.push(`      ${n}`);
    }
    for (const slo of s.slos ?? []) {
      if (slo.status === 'no_data') continue;
      for (const g of slo.groups) {
        if (g.status === 'no_data') continue;
        const labels = Object.entries(g.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(',');
        const first = g.windows[0]!;
        const burning = g.burnRates.filter((b) => b.condition).map((b) => `${b.tier} ${b.state}`);
        lines.push(
          `      SLO ${slo.name}${labels ? `{${labels}}` : ''} (objective ${pct(slo.objective)}): ${g.status}; SLI ${pct(first.sli)} over ${first.window}, error budget left ${pct(g.errorBudget.remaining)}${burning.length ? `; burn alerts ${burning.join(', ')}` : ''}`,
        );
      }
    }
  }
  return lines;
}

/** The exemplars of the points (those pointing to `traceId`, when given): which metric links to which trace. */
export function exemplarLines(points: readonly LocalPoint[], traceId?: string): string[] {
  const lines: string[] = [];
  for (const p of points)
    for (const e of p.exemplars) {
      if (traceId !== undefined && e.traceId !== traceId) continue;
      const labels = Object.entries(p.attributes).map(([k, v]) => `${k}="${String(v)}"`);
      if (e.le !== undefined) labels.push(`le="${e.le}"`);
      lines.push(
        `  ${p.service.padEnd(17)} ${p.metric}{${labels.join(', ')}} ${Number(e.value.toFixed(3))}${p.unit === 'ms' ? ' ms' : ''} → trace ${e.traceId} (span ${e.spanId})`,
      );
    }
  return lines;
}
