// When a schedule is open. A window whose end is earlier than its start crosses midnight: it opens on
// each listed day at `start` and closes the next day at `end` (22:00-02:00 on fri runs into saturday).
import type { Schedule } from './model.js';
import type { Weekday } from './spec-types.js';

/** UTC weekday numbers as Prometheus' day_of_week() and Date.getUTCDay() give them (0 = Sunday). */
export const DAY_NUMBERS: Readonly<Record<Weekday, number>> = {
  sun: 0,
  mon: 1,
  tue: 2,
  wed: 3,
  thu: 4,
  fri: 5,
  sat: 6,
};

/** Minutes after midnight of an HH:MM time. */
export function minuteOfDay(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
}

/** Whether the window runs past midnight into the next day. */
export function crossesMidnight(s: Pick<Schedule, 'start' | 'end'>): boolean {
  return minuteOfDay(s.end) < minuteOfDay(s.start);
}

/** Whether the schedule is open at a UTC weekday and minute of the day. */
export function scheduleOpen(s: Pick<Schedule, 'days' | 'start' | 'end'>, dayOfWeek: number, minute: number): boolean {
  const days = new Set(s.days.map((d) => DAY_NUMBERS[d]));
  const start = minuteOfDay(s.start);
  const end = minuteOfDay(s.end);
  if (!crossesMidnight(s)) return days.has(dayOfWeek) && minute >= start && minute < end;
  return (days.has(dayOfWeek) && minute >= start) || (days.has((dayOfWeek + 6) % 7) && minute < end);
}
