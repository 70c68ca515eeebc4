// The observability surface of a running service, put together for init(): the metric reader the
// routes and the SLO monitor collect from, the ring of recent traces, health, the handler and adapters,
// and the listener on OBS_PROM_PORT.
import type { MetricProducer } from '@opentelemetry/sdk-metrics';
import type { ObsConfig, SpecDefaults } from '../config.js';
import { dropTotals, exportErrors, exportSuccesses, type Signal } from '../self-metrics.js';
import { SloMonitor } from '../slo/monitor.js';
import type { SloFigures } from '../slo/evaluate.js';
import { isLoopback } from './config.js';
import { fastifyPlugin, type FastifySurfacePlugin } from './fastify.js';
import { createRouter, handlerOf, type SurfaceHandler, type SurfaceRouter } from './handler.js';
import { configWarnings, DropWindow, healthReport, type HealthInputs, type HealthReport } from './health.js';
import { SurfaceReader } from './reader.js';
import { serveSurface, type SurfaceServer } from './server.js';
import { TraceRing } from './trace-ring.js';

export interface SurfaceContext {
  /** Whether spans are recorded (a tracer provider exists): the trace ring needs them. */
  readonly tracing: boolean;
  readonly endpoint: (signal: Signal) => string;
  /** The export queues of spans and log records, read when health is asked. */
  readonly queues: () => HealthInputs['queues'];
}

export class Surface {
  readonly reader: SurfaceReader;
  /** The span processor behind /traces, when it is on. */
  readonly traces?: TraceRing;
  private readonly slos: SloMonitor;
  private readonly drops = new DropWindow(dropTotals);
  private readonly startedAt = Date.now();
  private readonly router: SurfaceRouter;
  private readonly handle: SurfaceHandler;
  private server?: SurfaceServer;
  private readonly warnings: string[];
  private readonly notes: string[];
  /** Whether the listener on OBS_PROM_PORT may serve /traces: a loopback bind, or a token. */
  private readonly closedToNetwork: boolean;

  constructor(
    private readonly cfg: ObsConfig,
    spec: SpecDefaults,
    metricProducers: MetricProducer[],
    private readonly ctx: SurfaceContext,
  ) {
    this.reader = new SurfaceReader(metricProducers);
    if (ctx.tracing && cfg.admin.traces.maxTraces > 0)
      this.traces = new TraceRing(cfg.admin.traces.maxTraces, cfg.admin.traces.maxBytes);
    this.slos = new SloMonitor(spec.slos ?? [], () => this.reader.current(), cfg.admin.sloSampleMillis);
    this.closedToNetwork = cfg.admin.token !== undefined || isLoopback(cfg.admin.bind);
    this.warnings = configWarnings(cfg);
    // The documented default, not a fault: the service is healthy with it.
    this.notes =
      cfg.prometheus && !this.closedToNetwork
        ? [
            `/traces is disabled on ${cfg.admin.bind}:${cfg.prometheus.port}: span attributes are not served on a non-loopback address without OBS_ADMIN_TOKEN`,
          ]
        : [];
    this.router = createRouter({
      metrics: () => this.reader.current(),
      health: () => this.health(),
      slos: (name) => this.evaluateSlos(name),
      sloNames: (spec.slos ?? []).map((s) => s.name),
      ...(spec.logSchema && { logSchema: spec.logSchema }),
      ...(this.traces && { traces: this.traces }),
      ...(cfg.admin.token !== undefined && { token: cfg.admin.token }),
    });
    this.handle = handlerOf(this.router);
  }

  /** Starts sampling (SLOs, drops) and, with OBS_PROM_PORT, the listener. */
  start(): void {
    this.slos.start();
    this.drops.start();
    if (this.cfg.prometheus) {
      this.server = serveSurface(this.handle, this.cfg.prometheus.host, this.cfg.prometheus.port);
      if (this.closedToNetwork) this.traces?.record();
    }
  }

  /** The surface as node:http/Express middleware; from this call on, the ring keeps traces for it. */
  handler(): SurfaceHandler {
    this.traces?.record();
    return this.handle;
  }

  /** The surface as a fastify plugin; from this call on, the ring keeps traces for it. */
  fastifyPlugin(): FastifySurfacePlugin {
    this.traces?.record();
    return fastifyPlugin(this.router);
  }

  health(): HealthReport {
    return healthReport({
      config: this.cfg,
      startedAt: this.startedAt,
      endpoint: this.ctx.endpoint,
      queues: this.ctx.queues(),
      errors: exportErrors(),
      successes: exportSuccesses(),
      recentDrops: this.drops.lastMinute(),
      warnings: this.warnings,
      notes: this.notes,
      ...(this.server && { listener: this.server.state() }),
    });
  }

  evaluateSlos(name?: string): Promise<SloFigures[]> {
    return this.slos.evaluate(name);
  }

  async close(): Promise<void> {
    this.slos.stop();
    this.drops.stop();
    await this.server?.close();
  }
}
