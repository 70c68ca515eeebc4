// GET /health: a verdict on this process's telemetry, one check per component, for people and probes.
import type { ObsConfig } from '../config.js';
import type { QueueStats } from '../export-queue.js';
import { displayUrl, redactor } from '../redact.js';
import type { Signal } from '../self-metrics.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface HealthCheck {
  readonly name: string;
  readonly status: CheckStatus;
  /** What is wrong (or fine), in words. */
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface HealthReport {
  /** `unhealthy` when a check fails (HTTP 503), `degraded` when one warns, else `healthy` (both HTTP 200). */
  readonly status: 'healthy' | 'degraded' | 'unhealthy';
  readonly service: string;
  readonly checkedAt: string;
  readonly uptimeSeconds: number;
  readonly checks: readonly HealthCheck[];
}

/** What health reads from the running runtime. */
export interface HealthInputs {
  readonly config: ObsConfig;
  readonly startedAt: number;
  /** Where each signal goes, for messages. */
  readonly endpoint: (signal: Signal) => string;
  readonly queues: Partial<Record<Signal, { readonly stats: QueueStats; readonly capacity: number }>>;
  readonly errors: Readonly<Partial<Record<Signal, { readonly message: string; readonly at: number }>>>;
  readonly successes: Readonly<Partial<Record<Signal, number>>>;
  /** Drops per `<signal>:<reason>` over the last minute (or since start, when shorter). */
  readonly recentDrops: Readonly<Record<string, number>>;
  readonly warnings: readonly string[];
  /** What the configuration leaves off on purpose, as documented: said in the check, not a warning. */
  readonly notes?: readonly string[];
  /** The surface's own listener: its address, or why it could not listen. */
  readonly listener?: { readonly url?: string; readonly error?: string };
}

/** An exporter is failing, not just unlucky, when its latest export failed and none succeeded for this long. */
export const FAILING_AFTER_MS = 60_000;
/** A queue this full warns: a little more and spans or log records are dropped. */
const QUEUE_WARN_FILL = 0.8;

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

function exporterCheck(signal: Signal, h: HealthInputs, now: number): HealthCheck {
  const name = `exporter:${signal}`;
  if (!h.config.export[signal]) return { name, status: 'ok', message: `${signal} export is switched off` };
  const r = redactor();
  const endpoint = displayUrl(h.endpoint(signal));
  const error = h.errors[signal];
  const success = h.successes[signal];
  const queue = h.queues[signal];
  const fill = queue ? (queue.stats.queued + queue.stats.inFlight) / queue.capacity : undefined;
  const details = {
    endpoint,
    lastSuccess: iso(success),
    lastError: error ? { message: r.text(error.message), at: iso(error.at) } : null,
    ...(queue && {
      queue: {
        queued: queue.stats.queued,
        inFlight: queue.stats.inFlight,
        capacity: queue.capacity,
        fill: Math.round(fill! * 1000) / 1000,
        exported: queue.stats.exported,
        dropped: queue.stats.dropped,
      },
    }),
  };
  const failingNow = error !== undefined && error.at >= (success ?? 0);
  if (failingNow && now - (success ?? h.startedAt) >= FAILING_AFTER_MS)
    return {
      name,
      status: 'fail',
      message: `exports to ${endpoint} have failed for ${Math.round((now - (success ?? h.startedAt)) / 1000)} s: ${r.text(error.message)}`,
      details,
    };
  if (fill !== undefined && fill >= 1)
    return { name, status: 'fail', message: `the ${signal} queue is full: new ${signal} are dropped`, details };
  if (failingNow)
    return {
      name,
      status: 'warn',
      message: `the latest export to ${endpoint} failed: ${r.text(error.message)}`,
      details,
    };
  if (fill !== undefined && fill >= QUEUE_WARN_FILL)
    return { name, status: 'warn', message: `the ${signal} queue is ${Math.round(fill * 100)}% full`, details };
  return {
    name,
    status: 'ok',
    message: success === undefined ? `nothing exported to ${endpoint} yet` : `exporting to ${endpoint}`,
    details,
  };
}

function dropsCheck(h: HealthInputs, now: number): HealthCheck {
  const drops = Object.entries(h.recentDrops).filter(([, n]) => n > 0);
  const window = Math.min(60, Math.round((now - h.startedAt) / 1000));
  const details = { windowSeconds: window, bySignalAndReason: Object.fromEntries(drops) };
  if (!drops.length)
    return { name: 'drops', status: 'ok', message: `nothing dropped in the last ${window} s`, details };
  const total = drops.reduce((n, [, v]) => n + v, 0);
  return {
    name: 'drops',
    status: 'warn',
    message: `${total} dropped in the last ${window} s (${drops.map(([k, v]) => `${k} ${v}`).join(', ')}); see ampy.obs.dropped`,
    details,
  };
}

function listenerCheck(h: HealthInputs): HealthCheck | undefined {
  const l = h.listener;
  if (!l) return undefined;
  if (l.error) return { name: 'surface', status: 'fail', message: l.error };
  return { name: 'surface', status: 'ok', message: `serving ${l.url ?? ''}` };
}

/** Warnings make the service degraded; notes (a documented default in effect) do not. */
function configurationCheck(warnings: readonly string[], notes: readonly string[]): HealthCheck {
  const details = { warnings, ...(notes.length && { notes }) };
  if (warnings.length)
    return { name: 'configuration', status: 'warn', message: [...warnings, ...notes].join('; '), details };
  return {
    name: 'configuration',
    status: 'ok',
    message: notes.length ? `no configuration warnings; ${notes.join('; ')}` : 'no configuration warnings',
    details,
  };
}

/** Every check and the verdict. */
export function healthReport(h: HealthInputs, now = Date.now()): HealthReport {
  const checks: HealthCheck[] = [
    ...(['traces', 'metrics', 'logs'] as const).map((s) => exporterCheck(s, h, now)),
    dropsCheck(h, now),
    configurationCheck(h.warnings, h.notes ?? []),
    ...[listenerCheck(h)].filter((c): c is HealthCheck => c !== undefined),
  ];
  const status = checks.some((c) => c.status === 'fail')
    ? 'unhealthy'
    : checks.some((c) => c.status === 'warn')
      ? 'degraded'
      : 'healthy';
  return {
    status,
    service: h.config.resource['service.name'],
    checkedAt: new Date(now).toISOString(),
    uptimeSeconds: Math.round((now - h.startedAt) / 1000),
    checks,
  };
}

/** Configuration that works but deserves a look, in words that say what to change. */
export function configWarnings(cfg: ObsConfig): string[] {
  const w: string[] = [];
  const env = cfg.resource['deployment.environment'];
  const anyExport = cfg.export.traces || cfg.export.metrics || cfg.export.logs;
  if (anyExport && cfg.otlp.protocol !== 'file' && cfg.otlp.insecure && env !== 'dev')
    w.push(`telemetry leaves the process in plaintext in ${env} (OBS_OTLP_INSECURE=true)`);
  if (anyExport && cfg.otlp.protocol === 'file' && env !== 'dev')
    w.push(`telemetry goes to local files in ${env} (OBS_OTLP_ENDPOINT=file://…), not to a collector`);
  if (cfg.sampler.type === 'always_off') w.push('no spans are recorded (OBS_SAMPLER=always_off)');
  else if (cfg.sampler.ratio === 0 && cfg.sampler.type !== 'always_on')
    w.push('only safety-critical spans are sampled (OBS_SAMPLER_RATIO=0)');
  for (const s of ['traces', 'metrics', 'logs'] as const)
    if (!cfg.export[s]) w.push(`${s} are not exported (OBS_EXPORT_${s.toUpperCase()}=false)`);
  if (cfg.admin.token !== undefined && cfg.admin.token.length < 16)
    w.push('OBS_ADMIN_TOKEN is shorter than 16 characters');
  return w;
}

/**
 * Drops over the last minute: totals sampled every few seconds, the newest sample at least a minute old
 * (or the first one) subtracted from the totals now.
 */
export class DropWindow {
  private readonly samples: { t: number; totals: Map<string, number> }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly totals: () => ReadonlyMap<string, number>,
    private readonly everyMs = 5_000,
  ) {
    this.sample();
  }

  start(): void {
    this.timer ??= setInterval(() => this.sample(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  sample(now = Date.now()): void {
    this.samples.push({ t: now, totals: new Map(this.totals()) });
    // Keep one sample older than a minute: the baseline.
    while (this.samples.length > 2 && this.samples[1]!.t <= now - 60_000) this.samples.shift();
  }

  /** Per key, how many were dropped since a minute ago (since the first sample when younger). */
  lastMinute(now = Date.now()): Record<string, number> {
    const base = [...this.samples].reverse().find((s) => s.t <= now - 60_000) ?? this.samples[0];
    const out: Record<string, number> = {};
    for (const [k, v] of this.totals()) {
      if (k.endsWith(':export_failures')) continue;
      const d = v - (base?.totals.get(k) ?? 0);
      if (d > 0) out[k] = d;
    }
    return out;
  }
}
