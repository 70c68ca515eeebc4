import { emptyResource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  AggregationType,
  MetricReader,
  type MetricProducer,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';

/**
 * The surface's view of this process's metrics: a pull reader, cumulative like the Prometheus exporter,
 * collected when /metrics, /metrics/json or the SLO monitor asks. The fast path's producer hands it its
 * points (and exemplars) as it does to every reader.
 */
export class SurfaceReader extends MetricReader {
  constructor(metricProducers: MetricProducer[]) {
    super({
      aggregationSelector: () => ({ type: AggregationType.DEFAULT }),
      aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE,
      metricProducers,
    });
  }

  /** The current cumulative values of every metric; none while the reader is not registered with a meter provider. */
  async current(): Promise<ResourceMetrics> {
    try {
      return (await this.collect()).resourceMetrics;
    } catch {
      return { resource: emptyResource(), scopeMetrics: [] };
    }
  }

  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}
