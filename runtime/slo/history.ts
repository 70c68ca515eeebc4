/** Cumulative counts at one moment. */
export interface CountSample {
  readonly t: number;
  readonly events: number;
  readonly errors: number;
}

/** A bounded ring of samples at least `step` apart, oldest overwritten first. */
class Ring {
  private readonly t: number[] = [];
  private readonly events: number[] = [];
  private readonly errors: number[] = [];
  /** Index of the oldest sample once the ring is full. */
  private head = 0;

  constructor(
    readonly step: number,
    private readonly capacity: number,
  ) {}

  get size(): number {
    return this.t.length;
  }

  private index(k: number): number {
    return (this.head + k) % this.t.length;
  }

  newestT(): number | undefined {
    return this.t.length ? this.t[this.index(this.t.length - 1)] : undefined;
  }

  oldest(): CountSample | undefined {
    return this.t.length ? this.sample(this.index(0)) : undefined;
  }

  private sample(i: number): CountSample {
    return { t: this.t[i]!, events: this.events[i]!, errors: this.errors[i]! };
  }

  push(s: CountSample): void {
    if (this.t.length < this.capacity) {
      this.t.push(s.t);
      this.events.push(s.events);
      this.errors.push(s.errors);
      return;
    }
    this.t[this.head] = s.t;
    this.events[this.head] = s.events;
    this.errors[this.head] = s.errors;
    this.head = (this.head + 1) % this.capacity;
  }

  /** The newest sample taken at or before `t`; undefined when every sample is newer. */
  atOrBefore(t: number): CountSample | undefined {
    let lo = 0;
    let hi = this.t.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.t[this.index(mid)]! <= t) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found < 0 ? undefined : this.sample(this.index(found));
  }
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The cumulative counts of one SLI group over time, at three resolutions so a 30-day window costs a few
 * thousand numbers: every sample for the last hour, one a minute for a day, one every 15 minutes for the
 * longest window. The count at a window's start is read from the finest ring that reaches back to it:
 * off by at most one step of that ring (the sample interval within the hour, a minute within the day).
 */
export class CountHistory {
  private readonly rings: Ring[];
  private first: CountSample | undefined;

  constructor(sampleMs: number, longestWindowMs: number) {
    const tiers: [number, number][] = [
      [sampleMs, HOUR],
      [Math.max(MINUTE, sampleMs), DAY],
      [Math.max(15 * MINUTE, sampleMs), longestWindowMs + DAY],
    ];
    this.rings = tiers.map(([step, span]) => new Ring(step, Math.ceil(span / step) + 1));
  }

  record(s: CountSample): void {
    this.first ??= s;
    for (const r of this.rings) {
      const last = r.newestT();
      // A little slack: a timer that fires a few milliseconds early still fills its step.
      if (last === undefined || s.t - last >= r.step * 0.9) r.push(s);
    }
  }

  /**
   * The counts at time `t`: the newest sample at or before it, from the finest ring that reaches back
   * that far; zero before the first sample (the series did not exist, so nothing was counted).
   */
  at(t: number): { events: number; errors: number } {
    if (!this.first || t < this.first.t) return { events: 0, errors: 0 };
    for (const r of this.rings) {
      const oldest = r.oldest();
      if (oldest && oldest.t <= t) return r.atOrBefore(t)!;
    }
    // Older than every ring keeps: the oldest kept (the window is longer than the history).
    return this.rings[this.rings.length - 1]!.oldest() ?? { events: 0, errors: 0 };
  }
}
