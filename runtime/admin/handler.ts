/// <reference types="node" preserve="true" />
// The observability surface's routes (README, "The observability surface"), as one request handler for
// node:http, Connect/Express middleware and the fastify adapter.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Server, Socket } from 'node:net';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { redactor } from '../redact.js';
import type { SloFigures } from '../slo/evaluate.js';
import { isLoopback } from './config.js';
import type { HealthReport } from './health.js';
import { metricsJson } from './metrics-json.js';
import {
  OPENMETRICS_CONTENT_TYPE,
  openMetricsText,
  PROMETHEUS_CONTENT_TYPE,
  prometheusText,
  wantsOpenMetrics,
} from './metrics-text.js';
import type { TraceRing } from './trace-ring.js';
import { traceTree } from './trace-tree.js';
import { ALWAYS_SAMPLE_ATTRIBUTE } from '../../conventions/index.js';

/** What the routes read from the running runtime. */
export interface SurfaceSources {
  readonly metrics: () => Promise<ResourceMetrics>;
  readonly health: () => HealthReport;
  readonly slos: (name?: string) => Promise<SloFigures[]>;
  readonly sloNames: readonly string[];
  readonly logSchema?: Readonly<Record<string, unknown>>;
  /** The ring behind /traces; undefined when tracing or the ring is off. */
  readonly traces?: TraceRing;
  readonly token?: string;
  /** Called when a request could not be answered (counted by the runtime). */
  readonly onError?: (error: unknown) => void;
}

/**
 * The surface as a request handler. `next`, when given (Connect and Express pass it), receives paths
 * that are not the surface's, so the handler can be mounted at an application's root; without it those
 * paths get 404. (Three parameters: Express takes a function of four for an error handler.)
 */
export type SurfaceHandler = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

/** The handler with the path to route given apart from the request (adapters that mount under a prefix). */
export type SurfaceRouter = (
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  next?: (error?: unknown) => void,
) => void;

/** Largest body of each kind of response: a request can never make the process build more. */
export const LIMITS = { metrics: 16 * 1024 * 1024, json: 4 * 1024 * 1024, trace: 2 * 1024 * 1024, url: 4096 } as const;
const DEFAULT_TRACE_LIST = 50;
const MAX_TRACE_LIST = 500;

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** Whether the request carries the token; compared in constant time whatever its length. */
function authorized(req: IncomingMessage, token: string | undefined): boolean {
  if (token === undefined) return true;
  const h = req.headers.authorization;
  const m = typeof h === 'string' ? /^Bearer[ ]+(\S+)\s*$/i.exec(h) : null;
  return m !== null && timingSafeEqual(digest(m[1]!), digest(token));
}

/** Whether the server carrying this request listens on a loopback address only (unknown counts as not). */
/** The address the server that took the request listens on, when it is an IP socket. */
function serverAddress(req: IncomingMessage): AddressInfo | undefined {
  const server = (req.socket as Socket & { server?: Server }).server;
  const addr = server?.address?.() as AddressInfo | string | null | undefined;
  return typeof addr === 'object' && addr !== null ? addr : undefined;
}

function loopbackServer(req: IncomingMessage): boolean {
  const addr = serverAddress(req);
  return addr !== undefined && isLoopback(addr.address);
}

/** Where the request's server listens, for messages. */
function localAddressOf(req: IncomingMessage): string {
  const addr = serverAddress(req);
  return addr === undefined ? 'an unknown address' : `${addr.address}:${addr.port}`;
}

class Reply {
  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {}

  send(status: number, type: string, body: string, headers: Record<string, string> = {}): void {
    const res = this.res;
    if (res.headersSent) return;
    res.writeHead(status, {
      'content-type': type,
      'content-length': String(Buffer.byteLength(body)),
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...headers,
    });
    res.end(this.req.method === 'HEAD' ? undefined : body);
  }

  json(
    status: number,
    value: unknown,
    headers?: Record<string, string>,
    type = 'application/json; charset=utf-8',
  ): void {
    this.send(status, type, `${JSON.stringify(value, null, 2)}\n`, headers);
  }

  error(status: number, message: string, headers?: Record<string, string>): void {
    this.json(status, { error: message }, headers);
  }
}

/** A JSON value no longer than `limit` bytes: `shrink` drops items until it fits, or it is refused. */
function bounded<T>(value: T, limit: number, shrink: (v: T) => T | undefined): T | undefined {
  let v: T | undefined = value;
  while (v !== undefined && Buffer.byteLength(JSON.stringify(v)) > limit) v = shrink(v);
  return v;
}

/** String values cut to `max` characters: a trace's detail stays readable when one attribute is huge. */
function cutStrings(attrs: Readonly<Record<string, unknown>>, max: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(attrs))
    out[k] = typeof v === 'string' && v.length > max ? `${v.slice(0, max)}…[cut]` : v;
  return out;
}

type Route = (
  r: Reply,
  req: IncomingMessage,
  params: URLSearchParams,
  rest: string | undefined,
) => Promise<void> | void;

/** Creates the router over the runtime's sources; `handlerOf` makes it a request handler. */
export function createRouter(src: SurfaceSources): SurfaceRouter {
  const open = new Set(['/metrics', '/health']);

  const routes: Readonly<Record<string, Route>> = {
    '/metrics': async (r, req, _p, rest) => {
      if (rest !== undefined) return notFound(r);
      const rm = await src.metrics();
      const om = wantsOpenMetrics(req.headers.accept);
      const body = om ? openMetricsText(rm) : prometheusText(rm);
      if (Buffer.byteLength(body) > LIMITS.metrics)
        return r.error(
          503,
          `the metrics page exceeds ${LIMITS.metrics} bytes; metric series are bounded by the spec's series budgets, so this is a bug: please report it`,
        );
      r.send(200, om ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE, body);
    },
    '/metrics/json': async (r, _req, _p, rest) => {
      if (rest !== undefined) return notFound(r);
      const metrics = metricsJson(await src.metrics());
      const body = bounded({ truncated: false, metrics }, LIMITS.json, (v) =>
        v.metrics.length ? { truncated: true, metrics: v.metrics.slice(0, -1) } : undefined,
      );
      if (!body) return r.error(503, 'the metrics do not fit in a response');
      r.json(200, body);
    },
    '/health': (r, _req, _p, rest) => {
      if (rest !== undefined) return notFound(r);
      const h = src.health();
      r.json(h.status === 'unhealthy' ? 503 : 200, h);
    },
    '/slos': async (r, _req, _p, rest) => {
      if (rest === undefined) {
        const slos = await src.slos();
        return r.json(200, { evaluatedAt: new Date().toISOString(), slos });
      }
      if (!src.sloNames.includes(rest))
        return r.error(
          404,
          `no SLO named '${redactor().text(rest).slice(0, 200)}'; the spec defines: ${src.sloNames.join(', ') || 'none'}`,
        );
      const [slo] = await src.slos(rest);
      r.json(200, { evaluatedAt: new Date().toISOString(), ...slo });
    },
    '/logs/schema': (r, _req, _p, rest) => {
      if (rest !== undefined) return notFound(r);
      if (!src.logSchema)
        return r.error(404, 'no log schema: the init() of your generated code passes it (run `ampyobs generate`)');
      r.json(200, src.logSchema, undefined, 'application/schema+json; charset=utf-8');
    },
    '/traces': (r, req, params, rest) => {
      const ring = src.traces;
      if (!ring)
        return r.error(
          404,
          'no recent traces are kept: tracing is off (OBS_EXPORT_TRACES=false) or the ring is (OBS_ADMIN_TRACES=0)',
        );
      if (src.token === undefined && !loopbackServer(req))
        return r.error(
          403,
          `/traces is disabled: span attributes are not served on a non-loopback address (this request came in on ${localAddressOf(req)}) without a token; set OBS_ADMIN_TOKEN, or listen on a loopback address (OBS_ADMIN_BIND=127.0.0.1 on OBS_PROM_PORT; the application's own listen address where it mounts the handler)`,
        );
      if (rest === undefined) {
        const asked = Number(params.get('limit') ?? DEFAULT_TRACE_LIST);
        const limit = Number.isInteger(asked) && asked > 0 ? Math.min(asked, MAX_TRACE_LIST) : DEFAULT_TRACE_LIST;
        const all = ring.list();
        const body = bounded(
          { kept: ring.usage(), truncated: all.length > limit, traces: all.slice(0, limit) },
          LIMITS.json,
          (v) => (v.traces.length ? { ...v, truncated: true, traces: v.traces.slice(0, -1) } : undefined),
        );
        return r.json(200, body);
      }
      if (!/^[0-9a-f]{32}$/.test(rest)) return r.error(400, 'a trace id is 32 lowercase hex digits');
      const t = ring.get(rest);
      if (!t) return r.error(404, `trace ${rest} is not among this process's recent traces`);
      const tree = traceTree(t.spans, rest, (s) =>
        s.attributes[ALWAYS_SAMPLE_ATTRIBUTE] === true
          ? '[always sampled]'
          : s.links.length
            ? `[links ${s.links.length}]`
            : '',
      );
      if (params.get('format') === 'text') {
        const text = [`Trace ${rest} across ${t.summary.services.join(' → ')}`, ...tree.map((l) => `  ${l}`), ''].join(
          '\n',
        );
        return r.send(
          200,
          'text/plain; charset=utf-8',
          text.length > LIMITS.trace ? `${text.slice(0, LIMITS.trace)}\n…[cut]\n` : text,
        );
      }
      let body = { ...t.summary, truncated: false, tree, spans: t.spans as readonly unknown[] };
      if (Buffer.byteLength(JSON.stringify(body)) > LIMITS.trace)
        body = {
          ...body,
          truncated: true,
          spans: t.spans.map((s) => ({ ...s, attributes: cutStrings(s.attributes, 256) })),
        };
      r.json(
        200,
        bounded(body, LIMITS.trace, (v) => (v.spans.length ? { ...v, spans: v.spans.slice(0, -1) } : undefined)) ?? {
          ...t.summary,
          truncated: true,
          tree: [],
          spans: [],
        },
      );
    },
  };

  const notFound = (r: Reply): void =>
    r.error(
      404,
      'not found: the surface serves /metrics, /metrics/json, /health, /slos, /slos/{name}, /logs/schema, /traces and /traces/{id}',
    );

  return (req, res, pathOverride, next) => {
    const r = new Reply(req, res);
    const fail = (e: unknown): void => {
      src.onError?.(e);
      r.error(
        500,
        `the surface could not answer: ${redactor()
          .text(e instanceof Error ? e.message : String(e))
          .slice(0, 500)}`,
      );
    };
    try {
      const raw = pathOverride;
      if (raw.length > LIMITS.url) return r.error(414, `the URL is longer than ${LIMITS.url} characters`);
      let url: URL;
      try {
        url = new URL(raw, 'http://surface');
      } catch {
        return r.error(400, 'the URL cannot be parsed');
      }
      const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
      const base = Object.keys(routes)
        .filter((p) => path === p || path.startsWith(`${p}/`))
        .sort((a, b) => b.length - a.length)[0];
      if (base === undefined) {
        if (next) return next();
        return notFound(r);
      }
      let rest: string | undefined;
      if (path !== base) {
        try {
          rest = decodeURIComponent(path.slice(base.length + 1));
        } catch {
          return r.error(400, 'the path has a malformed percent-encoding');
        }
        if (rest.includes('/')) return notFound(r);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return r.error(405, `${base} answers GET and HEAD`, { allow: 'GET, HEAD' });
      if (!open.has(base) && !authorized(req, src.token))
        return r.error(401, 'this route needs the admin token: send `Authorization: Bearer <OBS_ADMIN_TOKEN>`', {
          'www-authenticate': 'Bearer realm="ampyobs"',
        });
      Promise.resolve(routes[base]!(r, req, url.searchParams, rest)).catch(fail);
    } catch (e) {
      fail(e);
    }
  };
}

/** The request handler of a router: it routes the request's own URL. */
export function handlerOf(router: SurfaceRouter): SurfaceHandler {
  return (req, res, next) => router(req, res, req.url ?? '/', next);
}
