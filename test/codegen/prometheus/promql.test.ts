// PromQL building blocks: selectors quote spec text for PromQL and RE2, schedules are open exactly when
// scheduleOpen() says (evaluated over a week, midnight crossings included), SLO rates read the right series.
import { describe, expect, it } from 'vitest';
import type { Metric, Schedule, Slo } from '../../../codegen/model.js';
import { absentLabels, byClause, eventSeries, scheduleExpr, selector } from '../../../codegen/prometheus/promql.js';
import { burnExpr, sliSelector, sloRates } from '../../../codegen/prometheus/slo.js';
import { burnTiers } from '../../../codegen/prometheus/slo-windows.js';
import { scheduleOpen } from '../../../codegen/schedule.js';
import { alertValueOf, parsePromql } from '../../support/promql-eval.js';

const metric = (promName: string, instrument: Metric['instrument']): Metric => ({ promName, instrument }) as Metric;

describe('selector', () => {
  it('matches one value exactly and several by an anchored RE2 alternation', () => {
    expect(selector([])).toBe('');
    expect(selector([{ label: 'broker', values: ['alpaca'] }])).toBe('{broker="alpaca"}');
    expect(selector([{ label: 'reason', values: ['a.b', 'c|d'] }], [{ label: 'le', values: ['10'] }])).toBe(
      '{reason=~"a\\\\.b|c\\\\|d", le="10"}',
    );
  });

  it('quotes spec text so it stays one string', () => {
    expect(selector([{ label: 'route', values: ['/a"b\\c\n'] }])).toBe('{route="/a\\"b\\\\c\\n"}');
  });

  it('gives absent() the labels of its equality matchers only', () => {
    expect(
      absentLabels([
        { label: 'broker', values: ['alpaca'] },
        { label: 'reason', values: ['a', 'b'] },
      ]),
    ).toEqual({ broker: 'alpaca' });
  });

  it('groups by the labels given, or not at all', () => {
    expect(byClause([])).toBe('');
    expect(byClause(['service', 'broker'])).toBe(' by (service, broker)');
  });

  it("counts a counter's events on its _total series and a histogram's on _count", () => {
    expect(eventSeries(metric('ampy_oms_fills_total', 'counter'))).toBe('ampy_oms_fills_total');
    expect(eventSeries(metric('ampy_oms_order_latency_ms', 'histogram'))).toBe('ampy_oms_order_latency_ms_count');
  });
});

describe('scheduleExpr', () => {
  const schedule = (days: Schedule['days'], start: string, end: string): Schedule =>
    ({ id: 's', brief: '', days, start, end }) as unknown as Schedule;
  const shapes: [string, Schedule][] = [
    ['weekdays 09:30-16:00', schedule(['mon', 'tue', 'wed', 'thu', 'fri'], '09:30', '16:00')],
    ['mon, wed, fri mornings', schedule(['mon', 'wed', 'fri'], '08:00', '12:00')],
    ['sunday night into monday', schedule(['sun'], '22:00', '02:00')],
    ['saturday night into sunday', schedule(['sat'], '23:30', '00:30')],
    ['thursday and friday nights', schedule(['thu', 'fri'], '20:00', '04:00')],
  ];

  it('writes contiguous days as a range and others one by one', () => {
    expect(scheduleExpr(shapes[0]![1])).toBe(
      '(day_of_week() >= 1 <= 5) and (hour() * 60 + minute() >= 570) and (hour() * 60 + minute() < 960)',
    );
    expect(scheduleExpr(shapes[1]![1])).toBe(
      '(day_of_week() == 1 or day_of_week() == 3 or day_of_week() == 5) and (hour() * 60 + minute() >= 480) and (hour() * 60 + minute() < 720)',
    );
  });

  it.each(shapes)('%s: open exactly when scheduleOpen says, every 10 minutes of a week', (_, s) => {
    const expr = parsePromql(`up and on() (${scheduleExpr(s)})`);
    const up = [{ name: 'up', labels: {}, at: () => 1 }];
    for (let m = 0; m < 7 * 24 * 60; m += 10) {
      const t = m * 60e3;
      const d = new Date(t);
      const open = scheduleOpen(s, d.getUTCDay(), d.getUTCHours() * 60 + d.getUTCMinutes());
      expect(alertValueOf(expr, up, 60e3, t) !== undefined, `${d.toUTCString()}`).toBe(open);
    }
  });
});

describe('SLO expressions', () => {
  const latency = {
    name: 'fast',
    objective: 0.99,
    period: '30d',
    by: ['broker'],
    sli: {
      kind: 'latency',
      metric: metric('lat_ms', 'histogram'),
      matchers: [{ label: 'broker', values: ['alpaca'] }],
      threshold: 10,
    },
  } as unknown as Slo;
  const ratio = {
    name: 'ok',
    objective: 0.999,
    period: '30d',
    by: [],
    sli: {
      kind: 'ratio',
      good: { metric: metric('orders_total', 'counter'), matchers: [{ label: 'outcome', values: ['ok'] }] },
      total: { metric: metric('orders_total', 'counter'), matchers: [] },
    },
  } as unknown as Slo;

  it('count a latency SLI from _count and its errors as what the threshold bucket does not hold', () => {
    expect(sloRates(latency, '5m', ['service', 'env'])).toEqual({
      events: 'sum by (service, env, broker) (rate(lat_ms_count{broker="alpaca"}[5m]))',
      errors:
        'sum by (service, env, broker) (rate(lat_ms_count{broker="alpaca"}[5m])) - sum by (service, env, broker) (rate(lat_ms_bucket{broker="alpaca", le="10"}[5m]))',
    });
    expect(sliSelector(latency)).toEqual({
      series: 'lat_ms_count{broker="alpaca"}',
      matchers: [{ label: 'broker', values: ['alpaca'] }],
    });
  });

  it('count a ratio SLI from its total, and its errors as total minus good', () => {
    expect(sloRates(ratio, '1h')).toEqual({
      events: 'sum (rate(orders_total[1h]))',
      errors: 'sum (rate(orders_total[1h])) - sum (rate(orders_total{outcome="ok"}[1h]))',
    });
  });

  it('fire a burn tier when both its windows burn above factor x budget', () => {
    expect(burnExpr(ratio, burnTiers(ratio)[0]!)).toBe(
      'ampy_slo:error_ratio:rate1h{slo="ok"} > 0.0144 and ampy_slo:error_ratio:rate5m{slo="ok"} > 0.0144',
    );
  });
});
