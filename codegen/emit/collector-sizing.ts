// Sizing of the two collector tiers, derived from a memory limit per replica and the spec's tail-sampling
// wait. These are planning rules, not measurements: no collector runs in this project's tests. The
// generated configs, the compose memory limits and the Kubernetes resources all read them from here, and
// deploy/README.md explains each rule.
import { durationMs } from '../names.js';

/** Memory limit of one replica, in MiB (container limit; memory_limiter works in percent of it). */
export const MEMORY_MIB = { edge: 512, gateway: 1024 } as const;

/** memory_limiter: hard limit and spike allowance, percent of the container limit. */
export const MEMORY_LIMITER = { limitPercentage: 80, spikeLimitPercentage: 25, checkInterval: '1s' } as const;

/** Planning assumptions about the traffic. */
export const ASSUMPTIONS = {
  /** A span held in the collector (pdata, ~15 attributes), in bytes: conservative. */
  spanBytes: 2048,
  spansPerTrace: 10,
  /** Spans of a trace can arrive after decision_wait; the buffer is sized for this much longer. */
  waitMargin: 1.5,
  /** Share of the soft memory limit the trace buffer may take (the rest: queues, connectors, runtime). */
  bufferShare: 0.5,
} as const;

/** batch processor: spans, points or records per batch, and the longest a batch waits. */
export const BATCH = { sendBatchSize: 512, timeout: '2s' } as const;

/** Batches an exporter may queue while its backend is away. */
export const QUEUE_BATCHES = { perGateway: 200, tempo: 200, loki: 200, remoteWrite: 2000 } as const;

export interface GatewaySizing {
  /** Spans per second one gateway replica can hold for decision_wait within its buffer share. */
  readonly spansPerSecond: number;
  /** tail_sampling num_traces: traces held at once at that rate, with the margin. */
  readonly numTraces: number;
  /** tail_sampling expected_new_traces_per_sec. */
  readonly newTracesPerSecond: number;
  /** decision_cache.sampled_cache_size: ten times num_traces, as the processor's docs advise. */
  readonly sampledCacheSize: number;
}

/** The soft memory limit (hard limit minus spike allowance) of a replica, in bytes. */
export function softLimitBytes(memoryMiB: number): number {
  return memoryMiB * 1024 * 1024 * ((MEMORY_LIMITER.limitPercentage - MEMORY_LIMITER.spikeLimitPercentage) / 100);
}

/**
 * Gateway capacity: the trace buffer (spans/s × decision_wait × margin × span size) must fit in its share
 * of the soft limit. Rounded down to hundreds so the documented figure is the configured one.
 */
export function gatewaySizing(decisionWait: string): GatewaySizing {
  const waitS = durationMs(decisionWait) / 1000;
  const a = ASSUMPTIONS;
  const raw = (softLimitBytes(MEMORY_MIB.gateway) * a.bufferShare) / (a.spanBytes * waitS * a.waitMargin);
  const spansPerSecond = Math.floor(raw / 100) * 100;
  const newTracesPerSecond = Math.ceil(spansPerSecond / a.spansPerTrace);
  const numTraces = Math.ceil(newTracesPerSecond * waitS * a.waitMargin);
  return { spansPerSecond, numTraces, newTracesPerSecond, sampledCacheSize: numTraces * 10 };
}
