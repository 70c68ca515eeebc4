// Fastify's route template on the HTTP server span and metrics, and a route's error on that span.
// @fastify/otel would do it, but it brings its own copy of @opentelemetry/instrumentation (0.222, a second
// copy beside the SDK's): all it must do here is tell the http instrumentation which route matched,
// through the request's RPC metadata, and record what a route threw. Fastify
// announces every instance on a diagnostics channel, so no module patching is needed and an instance
// created after this is enabled is covered whenever fastify itself was loaded.
import diagnostics from 'node:diagnostics_channel';
import { context, trace } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import type { Enabled } from './catalogue.js';

/** What this module reads of a fastify instance and request (fastify 4 and 5). */
interface FastifyLike {
  addHook(
    name: 'onRequest',
    hook: (request: { routeOptions?: { url?: string } }, reply: unknown, done: () => void) => void,
  ): unknown;
  addHook(name: 'onError', hook: (request: unknown, reply: unknown, error: unknown, done: () => void) => void): unknown;
}

const CHANNEL = 'fastify.initialization';

/** Sets the matched route (`/orders/:id`) as the request's route; a request no route matched keeps none. */
function onRequest(request: { routeOptions?: { url?: string } }, _reply: unknown, done: () => void): void {
  try {
    const md = getRPCMetadata(context.active());
    const route = request.routeOptions?.url;
    if (md?.type === RPCType.HTTP && typeof route === 'string' && route !== '') md.route = route;
  } catch {
    // The route is telemetry: a request must never fail for it.
  }
  done();
}

/**
 * Records an error a route threw (or passed to reply.send) on the HTTP server span, as the express
 * instrumentation records it on its handler's span: without it, a fastify 500 left a span with an
 * error status and nothing saying why. The span's exporter redacts the message and stack like any
 * attribute.
 */
function onError(_request: unknown, _reply: unknown, error: unknown, done: () => void): void {
  try {
    const span = trace.getActiveSpan();
    if (span?.isRecording())
      span.recordException(error instanceof Error ? error : { message: String(error), name: typeof error });
  } catch {
    // The record is telemetry: the error response must go out whatever happens here.
  }
  done();
}

function onInstance(message: unknown): void {
  const fastify = (message as { fastify?: FastifyLike } | undefined)?.fastify;
  try {
    fastify?.addHook('onRequest', onRequest);
    fastify?.addHook('onError', onError);
  } catch {
    // An instance that refuses hooks goes without routes.
  }
}

/** Subscribes to new fastify instances. */
export function fastifyRoutes(): Enabled {
  diagnostics.subscribe(CHANNEL, onInstance);
  return {
    name: 'fastify',
    setProviders() {},
    // Instances announce themselves when created, so the time fastify was loaded does not matter.
    late: () => undefined,
    disable: () => diagnostics.unsubscribe(CHANNEL, onInstance),
  };
}
