// Sampling and redaction, as the runtime and the collector config read them.
import type { Diagnostic } from '../diagnostics.js';
import type { MergedSpec } from '../merge.js';
import type { Redaction, Sampling } from '../model.js';
import { firstOfEach, listedTwice, sub } from './refs.js';

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

export function resolveRedaction(merged: MergedSpec, diags: Diagnostic[]): Redaction | undefined {
  const section = merged.singletons.redaction;
  if (!section) return undefined;
  const redaction = section.raw;
  // Both stay in the model, so that each regex is still checked (validate/policy.ts).
  firstOfEach(
    redaction.value_patterns,
    (p) => p.id,
    (p, i) =>
      listedTwice(sub(section.src, 'value_patterns', i, 'id'), `value pattern '${p.id}' is listed twice`, diags),
  );
  return {
    replacement: redaction.replacement,
    keyPatterns: redaction.key_patterns,
    valuePatterns: redaction.value_patterns,
  };
}
