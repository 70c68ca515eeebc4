// The /health verdict from its inputs, at times the test chooses: when an exporter warns and when it
// fails, queue fill, drops over the last minute, configuration warnings.
import { describe, expect, it } from 'vitest';
import { DropWindow, FAILING_AFTER_MS, healthReport, type HealthInputs } from '../../../runtime/admin/health.js';
import { resolveConfig } from '../../../runtime/config.js';

const T0 = Date.UTC(2026, 0, 5, 12);
const cfg = resolveConfig({ serviceName: 'h', otlp: { endpoint: 'http://collector:4318' } }, {});
const stats = (queued: number) => ({
  accepted: 0,
  exported: 0,
  dropped: { queue_full: 0, export_failed: 0, shutdown: 0 },
  queued,
  inFlight: 0,
});

function inputs(over: Partial<HealthInputs> = {}): HealthInputs {
  return {
    config: cfg,
    startedAt: T0,
    endpoint: (s) => `http://collector:4318/v1/${s}`,
    queues: { traces: { stats: stats(0), capacity: 100 }, logs: { stats: stats(0), capacity: 100 } },
    errors: {},
    successes: { traces: T0 + 1000, metrics: T0 + 1000, logs: T0 + 1000 },
    recentDrops: {},
    warnings: [],
    ...over,
  };
}
const check = (h: ReturnType<typeof healthReport>, name: string) => h.checks.find((c) => c.name === name)!;

describe('health', () => {
  it('is healthy when every exporter succeeds and nothing is dropped', () => {
    const h = healthReport(inputs(), T0 + 5000);
    expect(h.status).toBe('healthy');
    expect(h.checks.map((c) => c.name)).toEqual([
      'exporter:traces',
      'exporter:metrics',
      'exporter:logs',
      'drops',
      'configuration',
    ]);
  });

  it('warns on a failed export, and fails when none has succeeded for a minute', () => {
    const error = { message: 'connection refused (is the collector running?) [ECONNREFUSED]', at: T0 + 20_000 };
    const recent = healthReport(inputs({ errors: { traces: error } }), T0 + 30_000);
    expect(recent.status).toBe('degraded');
    expect(check(recent, 'exporter:traces')).toMatchObject({
      status: 'warn',
      message:
        'the latest export to http://collector:4318/v1/traces failed: connection refused (is the collector running?) [ECONNREFUSED]',
    });
    const long = healthReport(
      inputs({ errors: { traces: { ...error, at: T0 + FAILING_AFTER_MS } } }),
      T0 + 1000 + FAILING_AFTER_MS,
    );
    expect(long.status).toBe('unhealthy');
    expect(check(long, 'exporter:traces')).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(
        /^exports to http:\/\/collector:4318\/v1\/traces have failed for 60 s: connection refused/,
      ),
    });
    // A success after the error: fine again.
    expect(
      healthReport(inputs({ errors: { traces: error }, successes: { traces: T0 + 25_000 } }), T0 + 200_000).status,
    ).toBe('healthy');
    // Never succeeded since start, failing for over a minute.
    expect(
      check(
        healthReport(inputs({ errors: { logs: { ...error, at: T0 + 70_000 } }, successes: {} }), T0 + 70_000),
        'exporter:logs',
      ).status,
    ).toBe('fail');
  });

  it('warns on a queue 80% full and fails on a full one', () => {
    expect(
      check(healthReport(inputs({ queues: { traces: { stats: stats(85), capacity: 100 } } }), T0), 'exporter:traces'),
    ).toMatchObject({ status: 'warn', message: 'the traces queue is 85% full' });
    const full = healthReport(inputs({ queues: { logs: { stats: stats(100), capacity: 100 } } }), T0);
    expect(full.status).toBe('unhealthy');
    expect(check(full, 'exporter:logs')).toMatchObject({ status: 'fail', details: { queue: { fill: 1 } } });
  });

  it('reports drops of the last minute and configuration warnings', () => {
    const h = healthReport(
      inputs({
        recentDrops: { 'traces:queue_full': 12, 'metrics:invalid_label': 1 },
        warnings: ['no spans are recorded (OBS_SAMPLER=always_off)'],
      }),
      T0 + 90_000,
    );
    expect(h.status).toBe('degraded');
    expect(check(h, 'drops').message).toBe(
      '13 dropped in the last 60 s (traces:queue_full 12, metrics:invalid_label 1); see ampy.obs.dropped',
    );
    expect(check(h, 'configuration').message).toBe('no spans are recorded (OBS_SAMPLER=always_off)');
  });

  it('says what a documented default leaves off without calling the service degraded', () => {
    const note =
      '/traces is disabled on 0.0.0.0:9464: span attributes are not served on a non-loopback address without OBS_ADMIN_TOKEN';
    const h = healthReport(inputs({ notes: [note] }), T0 + 5000);
    expect(h.status).toBe('healthy');
    expect(check(h, 'configuration')).toMatchObject({
      status: 'ok',
      message: `no configuration warnings; ${note}`,
      details: { warnings: [], notes: [note] },
    });
    const both = healthReport(
      inputs({ notes: [note], warnings: ['OBS_ADMIN_TOKEN is shorter than 16 characters'] }),
      T0 + 5000,
    );
    expect(both.status).toBe('degraded');
    expect(check(both, 'configuration').details).toEqual({
      warnings: ['OBS_ADMIN_TOKEN is shorter than 16 characters'],
      notes: [note],
    });
  });

  it('counts drops over the last minute from sampled totals', () => {
    const totals = new Map<string, number>([['logs:queue_full', 5]]);
    const w = new DropWindow(() => totals);
    w.sample(T0);
    totals.set('logs:queue_full', 8);
    totals.set('logs:export_failures', 3);
    w.sample(T0 + 30_000);
    expect(w.lastMinute(T0 + 40_000)).toEqual({ 'logs:queue_full': 3 });
    totals.set('logs:queue_full', 9);
    w.sample(T0 + 65_000);
    // A minute before T0+95s is T0+35s: the newest sample at or before it is the one at T0+30s.
    expect(w.lastMinute(T0 + 95_000)).toEqual({ 'logs:queue_full': 1 });
    expect(w.lastMinute(T0 + 200_000)).toEqual({});
  });
});
