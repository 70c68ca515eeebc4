import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { DEFAULT_OTLP_ENDPOINT, DEFAULT_REDACTION_KEY_PATTERNS, LINEAR_CHECK, OTLP_PORTS, PROMETHEUS_HOST, REDACTED } from '../conventions/index.js';
import { superLinear } from './redos.js';

/** Deployment environments (the members of the spec's deployment.environment). */
export type Environment = 'dev' | 'paper' | 'prod';
export type SamplerName = 'parent' | 'traceidratio' | 'always_on' | 'always_off';

/** What a service may pass to init() (mirrors the ampy-config `observability:` keys; README, "Configuration"). */
export interface InitOptions {
  readonly serviceName?: string;
  readonly serviceVersion?: string;
  readonly environment?: Environment;
  readonly region?: string;
  readonly instanceId?: string;
  readonly busCluster?: string;
  readonly schemaVersion?: string;
  readonly otlp?: {
    readonly endpoint?: string;
    readonly insecure?: boolean;
    readonly headers?: Readonly<Record<string, string>>;
    readonly tls?: { readonly caFile?: string; readonly certFile?: string; readonly keyFile?: string };
    /** Per-export deadline, retries included. */
    readonly timeoutMillis?: number;
  };
  readonly sampler?: { readonly type?: SamplerName; readonly ratio?: number };
  readonly export?: { readonly traces?: boolean; readonly metrics?: boolean; readonly logs?: boolean };
  readonly prometheus?: { readonly port?: number | null; readonly host?: string };
  /** Extra redaction rules: key patterns (case-insensitive substrings), or value patterns written `/regex/`. */
  readonly redaction?: { readonly patterns?: readonly string[] };
  /** Export queue bounds (spans and log records): what is held while the collector is slow or down. */
  readonly queue?: { readonly maxSize?: number; readonly maxBatch?: number; readonly flushIntervalMillis?: number };
  /** Metric export interval. */
  readonly metricIntervalMillis?: number;
  /**
   * Aggregate enum-only metrics in preallocated arrays and hand them to the readers at collection time
   * (default on). The exported data is the same as the plain SDK path's; off is for comparisons.
   */
  readonly fastPath?: boolean;
  /** Where JSON log lines go (a stream or a pino destination); default stdout. */
  readonly logDestination?: { write(line: string): unknown };
  /** Append JSON log lines to this file instead (written synchronously, so nothing is lost at exit). */
  readonly logFile?: string;
  /** Minimum level of log lines written. */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'fatal';
}

/** Defaults the generated init() passes from the spec (sampling and redaction sections). */
export interface SpecDefaults {
  readonly sampling?: { readonly sampler: SamplerName; readonly ratio: number; readonly perEnv: Readonly<Record<string, number>> };
  readonly redaction?: {
    readonly replacement: string;
    readonly keyPatterns: readonly string[];
    readonly valuePatterns: readonly { readonly id: string; readonly regex: string }[];
    /** The analyser that showed the value patterns linear at generate time (see runtime/redos.ts); else init checks them. */
    readonly linearChecked?: string;
  };
}

/** The resolved configuration the runtime runs with. */
export interface ObsConfig {
  readonly resource: {
    readonly 'service.name': string;
    readonly 'service.version': string;
    readonly 'deployment.environment': Environment;
    readonly 'service.instance.id': string;
    readonly 'cloud.region'?: string;
    readonly 'ampy.bus.cluster'?: string;
    readonly 'ampy.schema_version'?: string;
  } & Readonly<Record<string, string>>;
  readonly otlp: {
    /** `file`: OTLP-JSON lines into a local directory, for runs without a collector. */
    readonly protocol: 'http/protobuf' | 'grpc' | 'file';
    /** Base URL: http(s)://host:port[/path] for HTTP, host:port for gRPC, a directory for file. */
    readonly endpoint: string;
    readonly insecure: boolean;
    readonly headers: Readonly<Record<string, string>>;
    readonly ca?: Buffer;
    readonly cert?: Buffer;
    readonly key?: Buffer;
    readonly timeoutMillis: number;
  };
  readonly sampler: { readonly type: SamplerName; readonly ratio: number };
  readonly export: { readonly traces: boolean; readonly metrics: boolean; readonly logs: boolean };
  readonly prometheus?: { readonly port: number; readonly host: string };
  readonly redaction: { readonly keyPatterns: readonly string[]; readonly valuePatterns: readonly RegExp[]; readonly replacement: string };
  readonly queue: { readonly maxSize: number; readonly maxBatch: number; readonly flushIntervalMillis: number };
  readonly metricIntervalMillis: number;
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error' | 'fatal';
}

/** A configuration value that cannot be used; names the variable or option and what is wrong. */
export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`ampyobs: ${setting}: ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const ENVIRONMENTS: readonly Environment[] = ['dev', 'paper', 'prod'];
const SAMPLERS: readonly SamplerName[] = ['parent', 'traceidratio', 'always_on', 'always_off'];

function nonEmpty(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function parseBool(env: Env, name: string): boolean | undefined {
  const v = nonEmpty(env, name);
  if (v === undefined) return undefined;
  if (/^(true|1|yes)$/i.test(v)) return true;
  if (/^(false|0|no)$/i.test(v)) return false;
  throw new ConfigError(name, `'${v}' is not a boolean (use true or false)`);
}

function parseRatio(value: unknown, setting: string): number {
  const text = String(value).trim();
  const n = typeof value === 'number' ? value : /^(\d+(\.\d*)?|\.\d+)$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new ConfigError(setting, `'${String(value)}' is not a ratio between 0.0 and 1.0`);
  return n;
}

function parsePort(value: unknown, setting: string): number {
  const n = typeof value === 'number' ? value : /^\d+$/.test(String(value).trim()) ? Number(String(value).trim()) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new ConfigError(setting, `'${String(value)}' is not a TCP port (1-65535)`);
  return n;
}

/** `key1=val1,key2=val2` (values may be percent-encoded, as in OTEL_EXPORTER_OTLP_HEADERS). */
export function parseHeaders(raw: string, setting: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of raw.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    if (eq <= 0 || key === '' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key))
      throw new ConfigError(setting, `'${part.trim()}' is not key=value with a valid header name (expected key1=val1,key2=val2)`);
    let value = part.slice(eq + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      throw new ConfigError(setting, `the value of '${key}' has a malformed percent-encoding`);
    }
    out[key.toLowerCase()] = value;
  }
  return out;
}

/** OTEL_RESOURCE_ATTRIBUTES: `k=v,k2=v2`, percent-encoded values. */
function parseResourceAttributes(env: Env): Record<string, string> {
  const raw = nonEmpty(env, 'OTEL_RESOURCE_ATTRIBUTES');
  if (!raw) return {};
  const out: Record<string, string> = {};
  for (const part of raw.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new ConfigError('OTEL_RESOURCE_ATTRIBUTES', `'${part.trim()}' is not key=value`);
    try {
      out[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      throw new ConfigError('OTEL_RESOURCE_ATTRIBUTES', `the value of '${part.slice(0, eq).trim()}' has a malformed percent-encoding`);
    }
  }
  return out;
}

function readTlsFile(path: string | undefined, setting: string): Buffer | undefined {
  if (path === undefined) return undefined;
  try {
    const data = readFileSync(path);
    if (data.length === 0) throw new Error('file is empty');
    return data;
  } catch (e) {
    throw new ConfigError(setting, `cannot read '${path}': ${(e as Error).message}`);
  }
}

/** A `/regex/` entry of OBS_REDACTION_RULES or redaction.patterns is a value pattern; others are key patterns. */
function isValueRule(p: string): boolean {
  const t = p.trim();
  return t.length >= 2 && t.startsWith('/') && t.endsWith('/');
}

/**
 * OBS_REDACTION_RULES split at commas, except inside a `/regex/` entry (which may hold `{5,}` or a
 * class with a comma): a `/` that starts an entry runs to the next unescaped `/` outside a class.
 */
function splitRules(raw: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= raw.length) {
    while (raw[i] === ' ') i++;
    let j = i;
    if (raw[i] === '/') {
      let inClass = false;
      for (j = i + 1; j < raw.length; j++) {
        const c = raw[j];
        if (c === '\\') j++;
        else if (c === '[') inClass = true;
        else if (c === ']') inClass = false;
        else if (c === '/' && !inClass) break;
      }
      if (j >= raw.length) throw new ConfigError('OBS_REDACTION_RULES', `value pattern '${raw.slice(i)}' has no closing '/'`);
      j++;
    }
    const comma = raw.indexOf(',', j);
    const end = comma === -1 ? raw.length : comma;
    out.push(raw.slice(i, end));
    i = end + 1;
  }
  return out;
}

/** A value pattern compiled, and unless already checked, shown to run in linear time on any input. */
function valuePattern(source: string, setting: string, what: string, check: boolean): RegExp {
  let re: RegExp;
  try {
    re = new RegExp(source, 'g');
  } catch (e) {
    throw new ConfigError(setting, `${what}is not a valid regular expression: ${(e as Error).message}`);
  }
  if (re.test('')) throw new ConfigError(setting, `${what}matches the empty string and would redact everything`);
  const why = check ? superLinear(source, 'pure') : undefined;
  if (why) throw new ConfigError(setting, `${what}${why}`);
  return re;
}

/** Endpoint and protocol from a URL-ish string: http(s)://… is OTLP/HTTP, grpc(s)://… is OTLP/gRPC. */
function parseEndpoint(raw: string, setting: string, protocolHint: string | undefined): { protocol: 'http/protobuf' | 'grpc' | 'file'; endpoint: string; tls: boolean } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(setting, `'${raw}' is not a URL (expected http://host:${OTLP_PORTS.http}, https://host:${OTLP_PORTS.http} or grpc://host:${OTLP_PORTS.grpc})`);
  }
  const scheme = url.protocol.replace(/:$/, '');
  // Local files need no transport security: nothing leaves the machine.
  if (scheme === 'file') {
    if (!url.pathname || url.pathname === '/') throw new ConfigError(setting, `'${raw}' names no directory (expected file:///path/to/dir)`);
    return { protocol: 'file', endpoint: decodeURIComponent(url.pathname), tls: true };
  }
  if (!url.hostname) throw new ConfigError(setting, `'${raw}' has no host`);
  // grpc:// is plaintext like http://, grpcs:// is TLS like https://.
  if (scheme === 'grpc' || scheme === 'grpcs') return { protocol: 'grpc', endpoint: `${url.hostname}:${url.port || OTLP_PORTS.grpc}`, tls: scheme === 'grpcs' };
  if (scheme === 'http' || scheme === 'https') {
    const grpc = protocolHint === 'grpc';
    if (grpc) return { protocol: 'grpc', endpoint: `${url.hostname}:${url.port || OTLP_PORTS.grpc}`, tls: scheme === 'https' };
    return { protocol: 'http/protobuf', endpoint: raw.replace(/\/+$/, ''), tls: scheme === 'https' };
  }
  throw new ConfigError(setting, `scheme '${scheme}:' is not supported (use http, https, grpc, grpcs or file)`);
}

/** OTEL_TRACES_SAMPLER values: our sampler and, for the parent-based fixed ones, the root ratio they imply. */
const OTEL_SAMPLERS: Record<string, { type: SamplerName; ratio?: number }> = {
  always_on: { type: 'always_on' },
  always_off: { type: 'always_off' },
  traceidratio: { type: 'traceidratio' },
  parentbased_traceidratio: { type: 'parent' },
  parentbased_always_on: { type: 'parent', ratio: 1 },
  parentbased_always_off: { type: 'parent', ratio: 0 },
};

/**
 * Resolves the runtime configuration. Precedence, highest first: `OBS_*` environment variables (the
 * brief: environment overrides ampy-config), then init() options (the ampy-config mirror), then the
 * standard `OTEL_*` variables, then the spec's defaults for the environment. Every bad value throws a
 * ConfigError naming the variable or option.
 */
export function resolveConfig(options: InitOptions = {}, env: Env = process.env, spec: SpecDefaults = {}): ObsConfig {
  const otelAttrs = parseResourceAttributes(env);

  const envName = nonEmpty(env, 'OBS_ENV') ?? options.environment ?? otelAttrs['deployment.environment'] ?? otelAttrs['deployment.environment.name'] ?? 'dev';
  if (!ENVIRONMENTS.includes(envName as Environment))
    throw new ConfigError(
      nonEmpty(env, 'OBS_ENV') ? 'OBS_ENV' : options.environment !== undefined ? 'environment' : 'OTEL_RESOURCE_ATTRIBUTES',
      `'${envName}' is not one of ${ENVIRONMENTS.join(', ')}`,
    );
  const environment = envName as Environment;

  const serviceName = nonEmpty(env, 'OBS_SERVICE_NAME') ?? options.serviceName ?? nonEmpty(env, 'OTEL_SERVICE_NAME') ?? otelAttrs['service.name'] ?? inferServiceName(env);
  const serviceVersion = nonEmpty(env, 'OBS_SERVICE_VERSION') ?? options.serviceVersion ?? otelAttrs['service.version'] ?? nonEmpty(env, 'npm_package_version') ?? '0.0.0';
  const region = nonEmpty(env, 'OBS_REGION') ?? options.region ?? otelAttrs['cloud.region'];
  const resource: Record<string, string> = {
    ...otelAttrs,
    'service.name': serviceName,
    'service.version': serviceVersion,
    'deployment.environment': environment,
    'service.instance.id': options.instanceId ?? otelAttrs['service.instance.id'] ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
  };
  if (region) resource['cloud.region'] = region;
  const cluster = options.busCluster ?? otelAttrs['ampy.bus.cluster'];
  if (cluster) resource['ampy.bus.cluster'] = cluster;
  const schemaVersion = options.schemaVersion ?? otelAttrs['ampy.schema_version'];
  if (schemaVersion) resource['ampy.schema_version'] = schemaVersion;

  // Endpoint, protocol and transport security.
  const endpointSetting = nonEmpty(env, 'OBS_OTLP_ENDPOINT') ? 'OBS_OTLP_ENDPOINT' : options.otlp?.endpoint ? 'otlp.endpoint' : nonEmpty(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') ? 'OTEL_EXPORTER_OTLP_ENDPOINT' : 'default endpoint';
  const rawEndpoint = nonEmpty(env, 'OBS_OTLP_ENDPOINT') ?? options.otlp?.endpoint ?? nonEmpty(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') ?? DEFAULT_OTLP_ENDPOINT;
  const protocolHint = nonEmpty(env, 'OTEL_EXPORTER_OTLP_PROTOCOL');
  if (protocolHint && !['grpc', 'http/protobuf', 'http/json'].includes(protocolHint))
    throw new ConfigError('OTEL_EXPORTER_OTLP_PROTOCOL', `'${protocolHint}' is not grpc or http/protobuf`);
  const ep = parseEndpoint(rawEndpoint, endpointSetting, endpointSetting === 'OTEL_EXPORTER_OTLP_ENDPOINT' ? protocolHint : undefined);

  const insecureSetting = nonEmpty(env, 'OBS_OTLP_INSECURE')
    ? 'OBS_OTLP_INSECURE'
    : options.otlp?.insecure !== undefined
      ? 'otlp.insecure'
      : 'OTEL_EXPORTER_OTLP_INSECURE';
  const explicitInsecure = parseBool(env, 'OBS_OTLP_INSECURE') ?? options.otlp?.insecure ?? parseBool(env, 'OTEL_EXPORTER_OTLP_INSECURE');
  // Plaintext is the dev default (README, "Configuration": OBS_OTLP_INSECURE); elsewhere it must be asked for.
  const insecure = explicitInsecure ?? (ep.tls ? false : environment === 'dev');
  if (ep.tls && explicitInsecure === true && ep.protocol !== 'file')
    throw new ConfigError(insecureSetting, `is true but ${endpointSetting} '${rawEndpoint}' asks for TLS; drop one of them`);
  if (!insecure && !ep.tls)
    throw new ConfigError(
      explicitInsecure === false ? insecureSetting : endpointSetting,
      `'${rawEndpoint}' is plaintext ${ep.protocol === 'grpc' ? 'gRPC' : 'http'} but insecure transport is not allowed${explicitInsecure === false ? '' : ` in ${environment}`}: use ${ep.protocol === 'grpc' ? 'grpcs://' : 'https://'} or set OBS_OTLP_INSECURE=true`,
    );

  const headersRaw = nonEmpty(env, 'OBS_HEADERS');
  const headers = headersRaw
    ? parseHeaders(headersRaw, 'OBS_HEADERS')
    : options.otlp?.headers
      ? { ...options.otlp.headers }
      : nonEmpty(env, 'OTEL_EXPORTER_OTLP_HEADERS')
        ? parseHeaders(env['OTEL_EXPORTER_OTLP_HEADERS']!, 'OTEL_EXPORTER_OTLP_HEADERS')
        : {};

  const tlsFile = (obs: string, opt: string | undefined, otel: string): [string, string | undefined] =>
    nonEmpty(env, obs) ? [obs, nonEmpty(env, obs)] : opt ? [`otlp.tls.${obs.slice(8).toLowerCase().replace('_file', 'File')}`, opt] : [otel, nonEmpty(env, otel)];
  const [caSetting, caPath] = tlsFile('OBS_TLS_CA_FILE', options.otlp?.tls?.caFile, 'OTEL_EXPORTER_OTLP_CERTIFICATE');
  const [certSetting, certPath] = tlsFile('OBS_TLS_CERT_FILE', options.otlp?.tls?.certFile, 'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE');
  const [keySetting, keyPath] = tlsFile('OBS_TLS_KEY_FILE', options.otlp?.tls?.keyFile, 'OTEL_EXPORTER_OTLP_CLIENT_KEY');
  if ((certPath === undefined) !== (keyPath === undefined))
    throw new ConfigError(
      certPath !== undefined ? certSetting : keySetting,
      `is set without its ${certPath !== undefined ? 'key (OBS_TLS_KEY_FILE)' : 'certificate (OBS_TLS_CERT_FILE)'}: mTLS needs both`,
    );
  const ca = readTlsFile(caPath, caSetting);
  const cert = readTlsFile(certPath, certSetting);
  const key = readTlsFile(keyPath, keySetting);
  if (insecure && (ca || cert))
    throw new ConfigError(ca ? caSetting : certSetting, `TLS files are set but the connection to '${rawEndpoint}' is insecure; use https:// (or grpcs://) or drop the files`);

  const timeoutMillis = options.otlp?.timeoutMillis ?? 10_000;
  if (!Number.isInteger(timeoutMillis) || timeoutMillis <= 0) throw new ConfigError('otlp.timeoutMillis', `'${timeoutMillis}' is not a positive number of milliseconds`);

  // Sampling: the spec's per-environment ratio is the default (dev samples everything).
  const otelSampler = nonEmpty(env, 'OTEL_TRACES_SAMPLER');
  if (otelSampler && !(otelSampler in OTEL_SAMPLERS)) throw new ConfigError('OTEL_TRACES_SAMPLER', `'${otelSampler}' is not one of ${Object.keys(OTEL_SAMPLERS).join(', ')}`);
  const otelChoice = otelSampler ? OTEL_SAMPLERS[otelSampler] : undefined;
  const samplerRaw = nonEmpty(env, 'OBS_SAMPLER') ?? options.sampler?.type ?? otelChoice?.type ?? spec.sampling?.sampler ?? 'parent';
  if (!SAMPLERS.includes(samplerRaw as SamplerName))
    throw new ConfigError(nonEmpty(env, 'OBS_SAMPLER') ? 'OBS_SAMPLER' : 'sampler.type', `'${samplerRaw}' is not one of ${SAMPLERS.join(', ')}`);
  const ratioSetting = nonEmpty(env, 'OBS_SAMPLER_RATIO') ? 'OBS_SAMPLER_RATIO' : options.sampler?.ratio !== undefined ? 'sampler.ratio' : 'OTEL_TRACES_SAMPLER_ARG';
  const ratioRaw = nonEmpty(env, 'OBS_SAMPLER_RATIO') ?? options.sampler?.ratio ?? nonEmpty(env, 'OTEL_TRACES_SAMPLER_ARG');
  // An OTEL parent-based fixed sampler implies its root ratio, unless OBS_* or code chose the sampler.
  const impliedRatio = !nonEmpty(env, 'OBS_SAMPLER') && options.sampler?.type === undefined ? otelChoice?.ratio : undefined;
  const ratio =
    ratioRaw !== undefined
      ? parseRatio(ratioRaw, ratioSetting)
      : (impliedRatio ?? spec.sampling?.perEnv[environment] ?? spec.sampling?.ratio ?? (environment === 'dev' ? 1 : 0.25));

  const exportFlag = (obs: string, opt: boolean | undefined, otel: string): boolean => {
    const off = nonEmpty(env, otel) === 'none';
    return parseBool(env, obs) ?? opt ?? !off;
  };
  const sdkDisabled = parseBool(env, 'OTEL_SDK_DISABLED') === true;
  const exportSignals = {
    traces: !sdkDisabled && exportFlag('OBS_EXPORT_TRACES', options.export?.traces, 'OTEL_TRACES_EXPORTER'),
    metrics: !sdkDisabled && exportFlag('OBS_EXPORT_METRICS', options.export?.metrics, 'OTEL_METRICS_EXPORTER'),
    logs: !sdkDisabled && exportFlag('OBS_EXPORT_LOGS', options.export?.logs, 'OTEL_LOGS_EXPORTER'),
  };

  const promRaw = nonEmpty(env, 'OBS_PROM_PORT') ?? options.prometheus?.port ?? undefined;
  const prometheus = promRaw === undefined || promRaw === null ? undefined : { port: parsePort(promRaw, nonEmpty(env, 'OBS_PROM_PORT') ? 'OBS_PROM_PORT' : 'prometheus.port'), host: options.prometheus?.host ?? PROMETHEUS_HOST };

  // Redaction: defaults, the spec's patterns and the operator's, all of them (never fewer).
  const rules = nonEmpty(env, 'OBS_REDACTION_RULES');
  const rulesSetting = rules !== undefined ? 'OBS_REDACTION_RULES' : 'redaction.patterns';
  const extra = rules !== undefined ? splitRules(rules) : [...(options.redaction?.patterns ?? [])];
  if (extra.some((p) => p.trim() === '')) throw new ConfigError(rulesSetting, 'has an empty pattern, which would redact every key');
  const extraKeys = extra.filter((p) => !isValueRule(p)).map((p) => p.trim());
  const keyPatterns = [...new Set([...DEFAULT_REDACTION_KEY_PATTERNS, ...(spec.redaction?.keyPatterns ?? []), ...extraKeys].map((p) => p.toLowerCase()))];
  // Spec patterns generate already showed linear are trusted; the rest are checked here, once.
  const specChecked = spec.redaction?.linearChecked === LINEAR_CHECK;
  const valuePatterns = [
    ...(spec.redaction?.valuePatterns ?? []).map((p) => valuePattern(p.regex, `redaction pattern ${p.id}`, '', !specChecked)),
    ...extra.filter(isValueRule).map((p) => valuePattern(p.trim().slice(1, -1), rulesSetting, `value pattern ${p.trim()} `, true)),
  ];

  const queue = {
    maxSize: options.queue?.maxSize ?? 2048,
    maxBatch: options.queue?.maxBatch ?? 512,
    flushIntervalMillis: options.queue?.flushIntervalMillis ?? 1000,
  };
  for (const [k, v] of Object.entries(queue)) if (!Number.isInteger(v) || v <= 0) throw new ConfigError(`queue.${k}`, `'${v}' is not a positive integer`);
  if (queue.maxBatch > queue.maxSize) throw new ConfigError('queue.maxBatch', `${queue.maxBatch} exceeds queue.maxSize ${queue.maxSize}`);

  const logLevel = options.logLevel ?? (environment === 'dev' ? 'debug' : 'info');
  if (!['debug', 'info', 'warn', 'error', 'fatal'].includes(logLevel)) throw new ConfigError('logLevel', `'${String(logLevel)}' is not one of debug, info, warn, error, fatal`);

  return {
    resource: resource as ObsConfig['resource'],
    otlp: { protocol: ep.protocol, endpoint: ep.endpoint, insecure, headers, ...(ca && { ca }), ...(cert && { cert }), ...(key && { key }), timeoutMillis },
    sampler: { type: samplerRaw as SamplerName, ratio },
    export: exportSignals,
    ...(prometheus && { prometheus }),
    redaction: { keyPatterns, valuePatterns, replacement: spec.redaction?.replacement ?? REDACTED },
    queue,
    metricIntervalMillis: options.metricIntervalMillis ?? 15_000,
    logLevel,
  };
}

/** service.name when nothing sets it: the package name npm runs, else unknown_service:<process>. */
function inferServiceName(env: Env): string {
  return nonEmpty(env, 'npm_package_name') ?? `unknown_service:${process.title || 'node'}`;
}
