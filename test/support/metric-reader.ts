import { MetricReader } from '@opentelemetry/sdk-metrics';

/** A metric reader a test collects from when it wants to see what was recorded (nothing to flush or shut down). */
export class CollectingReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}
