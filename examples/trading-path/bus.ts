// A small local ampy-bus over Node IPC: services publish envelopes to the runner, which routes them to
// the subscribers of the topic. Headers carry message_id, schema_fqdn, topic, partition_key, run_id and
// the W3C traceparent/tracestate, exactly as on the real bus.
import type { BusHeaders } from '../../runtime/index.js';

/** What travels between processes. */
export interface Envelope {
  readonly topic: string;
  readonly headers: BusHeaders;
  readonly payload: unknown;
}

/** Messages between the runner and a service process. */
export type BusMessage =
  | { readonly kind: 'subscribe'; readonly topic: string }
  | { readonly kind: 'publish'; readonly envelope: Envelope }
  | { readonly kind: 'deliver'; readonly envelope: Envelope }
  | { readonly kind: 'done' }
  | { readonly kind: 'stop' }
  | { readonly kind: 'ready' };

type Handler = (envelope: Envelope) => Promise<void> | void;

const handlers = new Map<string, Handler>();

function send(m: BusMessage): void {
  process.send?.(m);
}

/** Subscribes this process to a topic. */
export function subscribe(topic: string, handler: Handler): void {
  handlers.set(topic, handler);
  send({ kind: 'subscribe', topic });
}

/** Publishes an envelope (headers already hold the trace context, see injectBusHeaders). */
export function publish(envelope: Envelope): void {
  send({ kind: 'publish', envelope });
}

/**
 * Runs the service side of the bus: delivers envelopes to handlers one at a time, acknowledges each to
 * the runner, and on `stop` calls `onStop` (flush telemetry) before exiting.
 */
export function serve(onStop: () => Promise<void>): void {
  let queue = Promise.resolve();
  process.on('message', (m: BusMessage) => {
    if (m.kind === 'deliver') {
      queue = queue
        .then(() => handlers.get(m.envelope.topic)?.(m.envelope))
        .catch((e: unknown) => {
          process.stderr.write(`handler failed: ${String(e)}\n`);
        })
        .then(() => send({ kind: 'done' }));
    } else if (m.kind === 'stop') {
      void queue.then(onStop).finally(() => process.exit(0));
    }
  });
  // After the subscriptions made in this tick, so the runner knows them before it starts the flow.
  setImmediate(() => send({ kind: 'ready' }));
}
