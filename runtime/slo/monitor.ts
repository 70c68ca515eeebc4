import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { SloDefinition } from './definition.js';
import { evaluateGroup, tierCondition, tierName, worstStatus, type SloFigures } from './evaluate.js';
import { CountHistory } from './history.js';
import { sliCounts, type SliCounts } from './sli.js';

interface Group {
  readonly history: CountHistory;
  /** Since when each tier's alert condition has held, as sampled. */
  readonly held: Map<string, number>;
}

/**
 * Evaluates the spec's SLOs in process (GET /slos): samples each SLI's cumulative counts every
 * `sampleMs` into a history, and answers with the SLI over every window the generated rules keep,
 * ending now (a fresh collection), the period's error budget and each burn-rate tier's alert state.
 */
export class SloMonitor {
  private readonly groups = new Map<string, Map<string, Group>>();
  private timer: NodeJS.Timeout | undefined;
  readonly startedAt: number;

  constructor(
    readonly slos: readonly SloDefinition[],
    private readonly collect: () => Promise<ResourceMetrics>,
    private readonly sampleMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAt = now();
  }

  /** Samples now and every `sampleMs` until stop(). */
  start(): void {
    if (!this.slos.length || this.timer) return;
    void this.sample();
    this.timer = setInterval(() => void this.sample(), this.sampleMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private group(slo: SloDefinition, counts: SliCounts): Group {
    let bySlo = this.groups.get(slo.name);
    if (!bySlo) this.groups.set(slo.name, (bySlo = new Map()));
    const key = JSON.stringify(counts.labels);
    let g = bySlo.get(key);
    if (!g)
      bySlo.set(
        key,
        (g = { history: new CountHistory(this.sampleMs, Math.max(...slo.windows.map((w) => w.ms))), held: new Map() }),
      );
    return g;
  }

  /** Records every SLI's counts now, and since when each tier's condition has held. Never throws. */
  async sample(): Promise<void> {
    try {
      const rm = await this.collect();
      const t = this.now();
      for (const slo of this.slos)
        for (const counts of sliCounts(slo, rm)) {
          const g = this.group(slo, counts);
          g.history.record({ t, events: counts.events, errors: counts.errors });
          const figures = evaluateGroup(slo, counts, g.history, this.startedAt, t, () => undefined);
          for (const tier of slo.tiers) {
            const holds = tierCondition(tier, (w) => figures.windows.find((x) => x.window === w)?.errorRatio ?? null);
            if (!holds) g.held.delete(tierName(tier));
            else if (!g.held.has(tierName(tier))) g.held.set(tierName(tier), t);
          }
        }
    } catch {
      // A failed collection skips one sample; the next one fills in.
    }
  }

  /** Every SLO (or the one named) evaluated now. */
  async evaluate(name?: string): Promise<SloFigures[]> {
    const rm = await this.collect();
    const t = this.now();
    return this.slos
      .filter((s) => name === undefined || s.name === name)
      .map((slo) => {
        const groups = sliCounts(slo, rm).map((counts) => {
          const g = this.group(slo, counts);
          return evaluateGroup(slo, counts, g.history, this.startedAt, t, (tier) => g.held.get(tier));
        });
        return {
          name: slo.name,
          brief: slo.brief,
          objective: slo.objective,
          period: slo.period,
          sli: slo.sli,
          status: worstStatus(groups),
          groups,
        };
      });
  }
}
