// Burn-rate tiers and windows derived from an SLO's objective and period: the Google SRE workbook's four
// tiers at 30 days, scaled with the period, without the tiers an error ratio can never reach.
import { describe, expect, it } from 'vitest';
import type { Slo } from '../../../codegen/model.js';
import {
  burnThreshold,
  burnTiers,
  fmt,
  formatDuration,
  sloRecordNames,
  sloWindows,
  unreachableBurnTiers,
} from '../../../codegen/prometheus/slo-windows.js';

const slo = (objective: number, period: string): Slo => ({ objective, period }) as unknown as Slo;
const brief = (tiers: ReturnType<typeof burnTiers>) =>
  tiers.map((t) => `${t.long}/${t.short} x${t.factor} ${t.severity} for ${t.for}`);

describe('burn tiers', () => {
  it('are the workbook tiers for a 30-day period, with Pyrra-like `for`', () => {
    expect(brief(burnTiers(slo(0.999, '30d')))).toEqual([
      '1h/5m x14.4 critical for 2m',
      '6h/30m x6 critical for 15m',
      '1d/2h x3 warning for 1h',
      '3d/6h x1 warning for 3h',
    ]);
  });

  it('scale with the period: whole minutes, a short window at least 5m, a long one at least twelve short ones', () => {
    // 7d / 720 is 14m, too short for twelve 5m windows: the first tier reads 1h, so its factor drops to
    // the 2% of budget that fits in 1h of 7d, 3.36.
    expect(brief(burnTiers(slo(0.999, '7d')))).toEqual([
      '1h/5m x3.36 critical for 1m',
      '84m/7m x6 critical for 4m',
      '336m/28m x3 warning for 14m',
      '1008m/84m x1 warning for 42m',
    ]);
  });

  it('leave out the tiers whose threshold, factor x budget, is 1 or more', () => {
    // Budget 0.1: 14.4 x 0.1 = 1.44 can never be exceeded by an error ratio; 6 x 0.1 = 0.6 can.
    expect(unreachableBurnTiers(slo(0.9, '30d')).map((t) => t.factor)).toEqual([14.4]);
    expect(burnTiers(slo(0.9, '30d')).map((t) => t.factor)).toEqual([6, 3, 1]);
    expect(burnTiers(slo(0.5, '30d')).map((t) => t.factor)).toEqual([1]);
  });

  it('fire above factor x budget, printed without float noise', () => {
    expect(burnThreshold({ objective: 0.999 }, { factor: 14.4 })).toBe(0.0144);
    expect(burnThreshold({ objective: 0.99 }, { factor: 6 })).toBe(0.06);
    expect(fmt(0.1 + 0.2)).toBe('0.3');
    expect(fmt(1 - 0.999)).toBe('0.001');
  });
});

describe('SLO windows', () => {
  it('are every tier window and the period, shortest first', () => {
    expect(sloWindows(slo(0.999, '30d'))).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d']);
    // The period is written in its largest whole unit, as the recording rules name it.
    expect(sloWindows(slo(0.9, '4w')).at(-1)).toBe('28d');
  });

  it('name the recording rules of each window', () => {
    expect(sloRecordNames('5m')).toEqual({
      events: 'ampy_slo:events:rate5m',
      errors: 'ampy_slo:errors:rate5m',
      errorRatio: 'ampy_slo:error_ratio:rate5m',
    });
  });

  it('are written as Prometheus durations in the largest unit that divides them', () => {
    expect(formatDuration(86400e3)).toBe('1d');
    expect(formatDuration(90 * 60e3)).toBe('90m');
    expect(formatDuration(3 * 3600e3)).toBe('3h');
    expect(formatDuration(1500)).toBe('2s');
  });
});
