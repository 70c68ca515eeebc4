// Sampling and redaction, as the runtime and the collector config read them.
import type { MergedSpec } from '../merge.js';
import type { Redaction, Sampling } from '../model.js';

export function resolveSampling(merged: MergedSpec): Sampling | undefined {
  const sampling = merged.singletons.sampling?.raw;
  return (
    sampling && {
      sampler: sampling.sampler,
      ratio: sampling.ratio,
      perEnv: sampling.per_env ?? {},
      ...(sampling.tail && {
        tail: {
          latencyThresholdMs: sampling.tail.latency_threshold_ms,
          keepErrors: sampling.tail.keep_errors,
          basePercentage: sampling.tail.base_percentage,
          decisionWait: sampling.tail.decision_wait,
        },
      }),
    }
  );
}

export function resolveRedaction(merged: MergedSpec): Redaction | undefined {
  const redaction = merged.singletons.redaction?.raw;
  return redaction && { replacement: redaction.replacement, keyPatterns: redaction.key_patterns, valuePatterns: redaction.value_patterns };
}
