// What every demo service does at start: init the SDK from the environment the runner sets.
import { extractBusContext, init, metrics, spans, type BusEnvelope, type Domain } from '../../../generated/index.js';
import type { Observability } from '../../../runtime/index.js';
import { serve, type Envelope } from '../bus.js';

/** Starts the SDK for a service (service name, endpoint, Prometheus port and log file come from the runner). */
export function start(serviceName: string): Observability {
  const logFile = process.env['DEMO_LOG_FILE'];
  const obs = init({
    serviceName,
    serviceVersion: '1.0.0-demo',
    ...(logFile && { logFile }),
    metricIntervalMillis: 500,
    queue: { maxSize: 4096, maxBatch: 256, flushIntervalMillis: 200 },
  });
  serve(() => obs.shutdown(5000));
  return obs;
}

/** Milliseconds to wait, for simulated work. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Topics of the demo (ampy-bus naming: ampy/<env>/<domain>/<version>/<name>). */
export const TOPICS = {
  bars: 'ampy/dev/bars/v1/1m',
  signals: 'ampy/dev/signals/v1/alpha',
  orders: 'ampy/dev/orders/v1/requests',
  acks: 'ampy/dev/orders/v1/acks',
  fills: 'ampy/dev/fills/v1/executions',
} as const;

/**
 * Consumes one bus message the way every demo service does: continues the producer's trace from the
 * headers in a bus.consume span, counts the message, and records its delivery latency when the
 * payload carries its publish time. `fn` runs inside the span with the envelope read from the headers.
 */
export async function consume<T>(
  e: Envelope,
  who: { readonly consumer: string; readonly producer: string; readonly domain: Domain },
  fn: (envelope: Partial<BusEnvelope>) => Promise<T> | T,
): Promise<T> {
  const { context, envelope } = extractBusContext(e.headers);
  const attributes = {
    topic: e.topic,
    message_id: envelope.message_id ?? '',
    schema_fqdn: envelope.schema_fqdn ?? '',
    partition_key: envelope.partition_key ?? '',
    consumer: who.consumer,
  };
  return spans.bus.consume(
    attributes,
    async () => {
      metrics.bus.consumed.add(1, { topic: e.topic, producer: who.producer });
      const sentAt = (e.payload as { sent_at?: unknown } | null)?.sent_at;
      if (typeof sentAt === 'number')
        metrics.bus.deliveryLatencyMs.record(Math.max(0.1, Date.now() - sentAt), {
          topic: e.topic,
          domain: who.domain,
        });
      return fn(envelope);
    },
    { parent: context },
  );
}
