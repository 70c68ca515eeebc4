// The soak's accounting, on a short run: the collector process is killed and restarted under load.
import { describe, expect, it } from 'vitest';
import { CLEAN_ENV, withEnv } from '../support/env.js';
import { runSoak } from './soak.js';

describe('outage soak (short)', () => {
  it('accounts for every span and log: produced = exported + dropped, and delivery resumes', async () => {
    const r = await withEnv({ ...CLEAN_ENV }, () =>
      runSoak({
        upSeconds: 2,
        downSeconds: 3,
        recoverSeconds: 3,
        rates: { spans: 2000, points: 5000, logs: 1000 },
        quiet: true,
      }),
    );
    expect(r.produced.spans).toBeGreaterThan(10_000);
    // Once shutdown has resolved nothing is left uncounted, queued or in flight.
    for (const q of [r.sdk.spans, r.sdk.logs]) expect([q.queued, q.inFlight]).toEqual([0, 0]);
    expect(r.produced.spans).toBe(r.sdk.spans.exported + r.sdk.spans.dropped);
    expect(r.produced.logs).toBe(r.sdk.logs.exported + r.sdk.logs.dropped);
    expect(r.sdk.spans.dropped).toBeGreaterThan(0);
    // What the SDK counts as exported is what the collector received.
    expect(r.received.spans).toBe(r.sdk.spans.exported);
    expect(r.received.logs).toBe(r.sdk.logs.exported);
    expect(r.deliveredAfterOutage).toBe(true);
    // Memory stayed bounded while the collector was down: no sample grew past the first by 200 MB.
    const rss = r.samples.map((s) => s.rssMb);
    expect(Math.max(...rss) - rss[0]!).toBeLessThan(200);
  }, 60_000);
});
