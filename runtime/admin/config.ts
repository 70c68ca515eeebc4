// Settings of the observability surface (README, "The observability surface"): where it listens, the
// token that guards it, and the ring of recent traces behind /traces.
import { isIP } from 'node:net';
import { PROMETHEUS_HOST } from '../../conventions/index.js';
import { ConfigError, first, option, variable, type Env } from '../settings.js';

/** What a service may pass to init() as `admin`. */
export interface AdminOptions {
  /** Address the surface on OBS_PROM_PORT listens on (OBS_ADMIN_BIND). */
  readonly bind?: string;
  /** Bearer token every route but /metrics and /health requires when set (OBS_ADMIN_TOKEN). */
  readonly token?: string;
  /** The ring of recent sampled traces behind /traces: at most this many traces and bytes; 0 traces switches it off. */
  readonly traces?: { readonly maxTraces?: number; readonly maxBytes?: number };
  /** How often SLOs are sampled for /slos (the finest resolution of their windows). */
  readonly sloSampleMillis?: number;
}

/** The surface's resolved settings. */
export interface AdminConfig {
  readonly bind: string;
  /** Where the bind address came from, for messages. */
  readonly bindSetting: string;
  readonly token?: string;
  readonly traces: { readonly maxTraces: number; readonly maxBytes: number };
  readonly sloSampleMillis: number;
}

const count = (text: string, setting: string): number => {
  if (!/^\d+$/.test(text)) throw new ConfigError(setting, `'${text}' is not a whole number`);
  return Number(text);
};

/** Whether an address accepts connections from this host only. */
export function isLoopback(address: string): boolean {
  const a = address.replace(/^::ffff:/i, '');
  return a === 'localhost' || a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}

/**
 * The surface's settings: OBS_ADMIN_BIND over `admin.bind` over `prometheus.host`, default 0.0.0.0 (in a
 * container, Prometheus and the kubelet's probes connect from outside it); OBS_ADMIN_TOKEN over
 * `admin.token`; the trace ring's bounds from OBS_ADMIN_TRACES / OBS_ADMIN_TRACES_BYTES or options.
 */
export function resolveAdmin(
  options: AdminOptions | undefined,
  prometheusHost: string | undefined,
  env: Env,
): AdminConfig {
  const bind = first(
    [variable(env, 'OBS_ADMIN_BIND'), option('admin.bind', options?.bind), option('prometheus.host', prometheusHost)],
    { value: PROMETHEUS_HOST, setting: 'default' },
  );
  if (bind.value !== 'localhost' && isIP(bind.value) === 0)
    throw new ConfigError(
      bind.setting,
      `'${bind.value}' is not an IP address to listen on (e.g. 0.0.0.0, 127.0.0.1, ::, ::1) or localhost`,
    );
  const token = first([variable(env, 'OBS_ADMIN_TOKEN'), option('admin.token', options?.token || undefined)]);
  // A bearer token is one header value: visible ASCII, no spaces.
  if (token && !/^[\x21-\x7e]+$/.test(token.value))
    throw new ConfigError(
      token.setting,
      'must be printable ASCII without spaces (it is sent as `Authorization: Bearer <token>`)',
    );
  const maxTraces = first<number>(
    [variable(env, 'OBS_ADMIN_TRACES', count), option('admin.traces.maxTraces', options?.traces?.maxTraces)],
    { value: 100, setting: 'default' },
  );
  const maxBytes = first<number>(
    [variable(env, 'OBS_ADMIN_TRACES_BYTES', count), option('admin.traces.maxBytes', options?.traces?.maxBytes)],
    { value: 4 * 1024 * 1024, setting: 'default' },
  );
  for (const v of [maxTraces, maxBytes])
    if (!Number.isInteger(v.value) || v.value < 0)
      throw new ConfigError(v.setting, `'${v.value}' is not a whole number`);
  const sloSampleMillis = options?.sloSampleMillis ?? 10_000;
  if (!Number.isInteger(sloSampleMillis) || sloSampleMillis < 100 || sloSampleMillis > 60_000)
    throw new ConfigError(
      'admin.sloSampleMillis',
      `'${sloSampleMillis}' is not a number of milliseconds between 100 and 60000`,
    );
  return {
    bind: bind.value,
    bindSetting: bind.setting,
    ...(token && { token: token.value }),
    traces: { maxTraces: maxTraces.value, maxBytes: maxBytes.value },
    sloSampleMillis,
  };
}
