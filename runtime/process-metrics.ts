import { readdirSync } from 'node:fs';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import type { GcKind } from './generated/self-metrics.js';
import { cpuUtilization, gcPauseMs, memBytes, openFds } from './self-metrics.js';

const GC_KINDS: Record<number, GcKind> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

/**
 * Samples the process for the Resource dashboard (dashboards/resource.jsonnet): memory, CPU share, open file descriptors
 * every interval, and every GC pause as it happens. Returns a function that stops it.
 */
export function startProcessMetrics(intervalMillis: number): () => void {
  let lastCpu = process.cpuUsage();
  let lastWall = process.hrtime.bigint();
  const sample = (): void => {
    const m = process.memoryUsage();
    memBytes.set(m.rss, { type: 'rss' });
    memBytes.set(m.heapUsed, { type: 'heap_used' });
    memBytes.set(m.heapTotal, { type: 'heap_total' });
    memBytes.set(m.external, { type: 'external' });
    const cpu = process.cpuUsage(lastCpu);
    const wall = process.hrtime.bigint();
    const wallMicros = Number(wall - lastWall) / 1000;
    if (wallMicros > 0) cpuUtilization.set((cpu.user + cpu.system) / wallMicros);
    lastCpu = process.cpuUsage();
    lastWall = wall;
    try {
      openFds.set(readdirSync('/proc/self/fd').length);
    } catch {
      // No /proc (not Linux): the gauge is simply absent.
    }
  };
  sample();
  const timer = setInterval(sample, intervalMillis);
  timer.unref();
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = GC_KINDS[(e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ?? -1];
      if (kind) gcPauseMs.record(e.duration, { kind });
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => {
    clearInterval(timer);
    observer.disconnect();
  };
}
