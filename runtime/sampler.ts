import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  SamplingDecision,
  TraceIdRatioBasedSampler,
  type Sampler,
  type SamplingResult,
} from '@opentelemetry/sdk-trace-base';
import { ALWAYS_SAMPLE_ATTRIBUTE } from '../conventions/index.js';
import type { SamplerName } from './config.js';

/**
 * Keeps safety-critical spans (order rejects, DLQ: marked by the span helpers from the spec) whatever
 * the ratio or the parent decision says; everything else goes to the configured sampler.
 */
export class SafetyCriticalSampler implements Sampler {
  constructor(private readonly delegate: Sampler) {}

  shouldSample(
    context: Context,
    traceId: string,
    name: string,
    kind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    if (attributes[ALWAYS_SAMPLE_ATTRIBUTE] === true) return { decision: SamplingDecision.RECORD_AND_SAMPLED };
    return this.delegate.shouldSample(context, traceId, name, kind, attributes, links);
  }

  toString(): string {
    return `SafetyCriticalSampler{${this.delegate.toString()}}`;
  }
}

/** The sampler for a configuration: `parent` is parent-based with the ratio at the root. */
export function createSampler(type: SamplerName, ratio: number): Sampler {
  const base =
    type === 'always_on'
      ? new AlwaysOnSampler()
      : type === 'always_off'
        ? new AlwaysOffSampler()
        : type === 'traceidratio'
          ? new TraceIdRatioBasedSampler(ratio)
          : new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  // always_off means off: no exception for safety-critical spans when tracing is switched off.
  return type === 'always_off' ? base : new SafetyCriticalSampler(base);
}
