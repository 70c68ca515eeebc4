// What every demo service does at start: init the SDK from the environment the runner sets.
import { init } from '../../../generated/index.js';
import type { Observability } from '../../../runtime/index.js';
import { serve } from '../bus.js';

/** Starts the SDK for a service (service name, endpoint, Prometheus port and log file come from the runner). */
export function start(serviceName: string): Observability {
  const logFile = process.env['DEMO_LOG_FILE'];
  const obs = init({ serviceName, serviceVersion: '1.0.0-demo', ...(logFile && { logFile }), metricIntervalMillis: 500, queue: { maxSize: 4096, maxBatch: 256, flushIntervalMillis: 200 } });
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
