// What the runtime adds to OpenTelemetry's http instrumentation: the API metrics of every request the
// service handles (ampy.api.requests, ampy.api.request_latency_ms) under the route template the framework
// matched, never the raw URL, and _other when none matched; no spans or metrics for the runtime's own
// endpoints (the Prometheus port) or for its own exports (sent with tracing suppressed).
import { IncomingMessage, ServerResponse } from 'node:http';
import { context, type Span } from '@opentelemetry/api';
import { getRPCMetadata, isTracingSuppressed } from '@opentelemetry/core';
import type { HttpInstrumentationConfig } from '@opentelemetry/instrumentation-http';
import { OVERFLOW_VALUE } from '../../conventions/index.js';
import { selfMetrics, type HttpMethod, type HttpStatusClass } from '../generated/self-metrics.js';

const { requests, requestLatencyMs } = selfMetrics.api;

/** Local ports the runtime serves itself on (the Prometheus endpoint): requests to them are not the service's. */
const ownPorts = new Set<number>();

/** Sets the ports the runtime's own endpoints listen on (init does, and clears them at shutdown). */
export function setOwnPorts(ports: readonly number[]): void {
  ownPorts.clear();
  for (const p of ports) ownPorts.add(p);
}

/** When each server request started, for its latency (the span's own clock is not readable from here). */
const started = new WeakMap<object, number>();

/** The status class label of a status code; 1xx and nonsense are outside the spec's classes and become _other. */
function statusClass(code: number): HttpStatusClass {
  return (code >= 200 && code < 600 ? `${Math.floor(code / 100)}xx` : OVERFLOW_VALUE) as HttpStatusClass;
}

/** The route template the framework matched for the active request, or _other when none did. */
export function activeRoute(): string {
  const route = getRPCMetadata(context.active())?.route;
  return typeof route === 'string' && route !== '' ? route : OVERFLOW_VALUE;
}

function onServerRequest(_span: Span, request: unknown): void {
  if (request instanceof IncomingMessage) started.set(request, performance.now());
}

/**
 * Called by the http instrumentation when a response has been sent, after it read the route and before
 * it ends the span and records its own metric: the moment to record the API metrics with that route.
 */
function onResponse(_span: Span, request: unknown, response: unknown): void {
  if (!(response instanceof ServerResponse) || !(request instanceof IncomingMessage)) return;
  const start = started.get(request);
  const method = (request.method ?? 'GET') as HttpMethod;
  const route = activeRoute();
  requests.add(1, { method, route, status_class: statusClass(response.statusCode) });
  if (start !== undefined) requestLatencyMs.record(performance.now() - start, { method, route });
}

/** The hooks the runtime gives OpenTelemetry's HttpInstrumentation. */
export function httpHooks(): HttpInstrumentationConfig {
  return {
    ignoreIncomingRequestHook: (request) => {
      const port = request.socket?.localPort;
      return port !== undefined && ownPorts.has(port);
    },
    // The runtime's exports run with tracing suppressed: they are neither spans nor client metrics.
    ignoreOutgoingRequestHook: () => isTracingSuppressed(context.active()),
    requestHook: onServerRequest,
    applyCustomAttributesOnSpan: onResponse,
  };
}
