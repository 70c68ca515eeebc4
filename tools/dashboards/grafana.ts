// A client of the few Grafana HTTP API endpoints `ampyobs dashboards push` uses (the classic `/api`
// ones, documented since Grafana 5): every failure becomes a GrafanaError with one line of
// text, never a raw fetch error.

/** Responses larger than this are not Grafana answering: a generated dashboard is well under 1 MiB. */
export const MAX_RESPONSE_BYTES = 16 << 20;

/** A request that failed: the HTTP status (when one came back), Grafana's message, and whether retrying the next dashboard is pointless. */
export class GrafanaError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    /** Unreachable, timed out, token refused, or not Grafana at all: every further request would fail the same way. */
    readonly fatal: boolean,
  ) {
    super(message);
  }
}

export interface GrafanaOptions {
  /** Grafana's root URL, with its sub-path when it is served under one. */
  readonly url: URL;
  /** A service account token, sent as `Authorization: Bearer`. */
  readonly token: string;
  readonly timeoutMs: number;
}

/** The parsed JSON body of a 2xx answer. */
export type Json = unknown;

/** Calls one endpoint; resolves with the JSON body of a 2xx answer, rejects with a GrafanaError otherwise. */
export async function grafanaRequest(
  o: GrafanaOptions,
  method: 'GET' | 'POST',
  apiPath: string,
  body?: unknown,
): Promise<Json> {
  const target = new URL(o.url.pathname.replace(/\/+$/, '') + apiPath, o.url);
  const where = `${method} ${target.pathname}${target.search}`;
  let res: Response;
  const signal = AbortSignal.timeout(o.timeoutMs);
  try {
    res = await fetch(target, {
      method,
      headers: {
        authorization: `Bearer ${o.token}`,
        accept: 'application/json',
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      // A redirect is a login page or a proxy, not the API; following it could send the token elsewhere.
      redirect: 'manual',
      signal,
    });
  } catch (e) {
    throw new GrafanaError(`${where}: ${networkReason(e, o)}`, undefined, true);
  }
  let text: string;
  try {
    text = await readCapped(res, signal);
  } catch (e) {
    throw new GrafanaError(
      `${where}: ${e instanceof GrafanaError ? e.message : networkReason(e, o)}`,
      res.status,
      true,
    );
  }
  if (res.status >= 300 && res.status < 400) {
    throw new GrafanaError(
      `${where}: HTTP ${res.status} redirect to ${res.headers.get('location') ?? '(no location)'}: --url must be Grafana's root URL (with its sub-path, if any), reachable without a login page`,
      res.status,
      true,
    );
  }
  const json = parseJson(text, res.headers.get('content-type'));
  if (res.ok) {
    if (json === NOT_JSON)
      throw new GrafanaError(
        `${where}: HTTP ${res.status} but the answer is ${describeNonJson(text)}, not JSON: is --url Grafana's root URL?`,
        res.status,
        true,
      );
    return json;
  }
  const fatal = res.status === 401 || json === NOT_JSON;
  throw new GrafanaError(`${where}: HTTP ${res.status} ${errorText(res.status, json, text)}`, res.status, fatal);
}

const NOT_JSON = Symbol('not json');

function parseJson(text: string, contentType: string | null): unknown {
  if (contentType !== null && !/\bjson\b/i.test(contentType)) return NOT_JSON;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return NOT_JSON;
  }
}

/** Grafana's own words: `{"message": …, "status": …}` on every documented error. */
function errorText(status: number, json: unknown, text: string): string {
  if (json === NOT_JSON) {
    const hint = status === 404 ? ": is --url Grafana's root URL?" : '';
    return `with ${describeNonJson(text)} instead of Grafana's JSON error${hint}`;
  }
  const o = (typeof json === 'object' && json !== null ? json : {}) as { message?: unknown; status?: unknown };
  const message = typeof o.message === 'string' ? clip(o.message) : clip(JSON.stringify(json) ?? '');
  const tag = typeof o.status === 'string' ? `${clip(o.status)}: ` : '';
  const advice =
    status === 401
      ? ' (check the token in --token-env: a service account token of this Grafana)'
      : status === 403
        ? ' (the token lacks dashboards:write or folders:create in this organisation)'
        : '';
  return `${tag}${message || '(no message)'}${advice}`;
}

function describeNonJson(text: string): string {
  if (/^\s*<(!doctype|html)/i.test(text)) {
    const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
    return title ? `an HTML page "${clip(title)}"` : 'an HTML page';
  }
  return text.trim() === '' ? 'an empty body' : `text "${clip(text.trim())}"`;
}

/** One line of at most 200 characters, control characters shown as spaces. */
function clip(s: string): string {
  const line = s.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ');
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

async function readCapped(res: Response, signal: AbortSignal): Promise<string> {
  const declared = Number(res.headers.get('content-length'));
  if (declared > MAX_RESPONSE_BYTES) {
    await res.body?.cancel().catch(() => undefined);
    throw new GrafanaError(
      `HTTP ${res.status} with a body of ${declared} bytes, over the ${MAX_RESPONSE_BYTES >> 20} MiB a Grafana answer needs: is --url Grafana's root URL?`,
      res.status,
      true,
    );
  }
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    if (signal.aborted) throw signal.reason;
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new GrafanaError(
        `HTTP ${res.status} with a body over the ${MAX_RESPONSE_BYTES >> 20} MiB a Grafana answer needs: is --url Grafana's root URL?`,
        res.status,
        true,
      );
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Why a request got no answer, in words: the error code of the connection, not fetch's "fetch failed". */
function networkReason(e: unknown, o: GrafanaOptions): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError')
    return `no answer within ${o.timeoutMs / 1000} s (--timeout)`;
  const cause = err?.cause;
  if (cause?.code === 'ECONNREFUSED')
    return `cannot connect to ${o.url.host}: connection refused (is Grafana running there?)`;
  if (cause?.code === 'ENOTFOUND' || cause?.code === 'EAI_AGAIN') return `cannot resolve host ${o.url.hostname}`;
  const why = cause?.message ?? err?.message ?? String(e);
  return `cannot reach ${o.url.host}: ${clip(cause?.code && !why.includes(cause.code) ? `${cause.code} ${why}` : why)}`;
}
