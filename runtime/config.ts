import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { DEFAULT_OTLP_ENDPOINT, DEFAULT_REDACTION_KEY_PATTERNS, LINEAR_CHECK, OTLP_PORTS, REDACTED } from '../conventions/index.js';
import { resolveAdmin, type AdminConfig, type AdminOptions } from './admin/config.js';
import { resolveExemplars } from './exemplars/config.js';
import { superLinear } from './redos.js';
import type { SloDefinition } from './slo/definition.js';
import { ConfigError, first, nonEmpty, option, parseAttributes, parseBool, parseHeaders, parsePort, parseRatio, readTlsFile, variable, type Env, type Layer, type Resolved } from './settings.js';

export { ConfigError, parseHeaders } from './settings.js';

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
   * Aggregate metrics whose labels are all bounded (enums, strings with a declared bound) in
   * preallocated arrays and hand them to the readers at collection time (default on). The exported data
   * is the same as the plain SDK path's; off is for comparisons.
   */
  readonly fastPath?: boolean;
  /** Where JSON log lines go (a stream or a pino destination); default stdout. */
  readonly logDestination?: { write(line: string): unknown };
  /** Append JSON log lines to this file instead (written synchronously, so nothing is lost at exit). */
  readonly logFile?: string;
  /** Minimum level of log lines written. */
  readonly logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  /** The observability surface: bind address, token, trace ring (README, "The observability surface"). */
  readonly admin?: AdminOptions;
  /** Keep exemplars on counters and histograms of the fast path (OBS_EXEMPLARS; default on). */
  readonly exemplars?: boolean;
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
  /** The spec's SLOs with the windows and burn-rate tiers of their generated rules (GET /slos). */
  readonly slos?: readonly SloDefinition[];
  /** The JSON Schema of the spec's log lines (GET /logs/schema). */
  readonly logSchema?: Readonly<Record<string, unknown>>;
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
  readonly admin: AdminConfig;
  readonly exemplars: boolean;
}

const ENVIRONMENTS: readonly string[] = ['dev', 'paper', 'prod'] satisfies readonly Environment[];
const SAMPLERS: readonly string[] = ['parent', 'traceidratio', 'always_on', 'always_off'] satisfies readonly SamplerName[];
const LOG_LEVELS: readonly string[] = ['debug', 'info', 'warn', 'error', 'fatal'] satisfies readonly ObsConfig['logLevel'][];

/**
 * Resolves the runtime configuration. Precedence, highest first: `OBS_*` environment variables (the
 * environment overrides ampy-config), then init() options (the ampy-config mirror), then the standard
 * `OTEL_*` variables, then the spec's defaults for the environment. Every bad value throws a
 * ConfigError naming the variable or option that supplied it.
 */
export function resolveConfig(options: InitOptions = {}, env: Env = process.env, spec: SpecDefaults = {}): ObsConfig {
  const { environment, resource } = resolveResource(options, env);
  const otlp = resolveOtlp(options, env, environment);
  const sampler = resolveSampler(options, env, spec, environment);
  const exportSignals = resolveExports(options, env);
  const admin = resolveAdmin(options.admin, options.prometheus?.host, env);
  const prometheus = resolvePrometheus(options, env, admin.bind);
  const redaction = resolveRedaction(options, env, spec);
  const queue = resolveQueue(options);
  const logLevel = options.logLevel ?? (environment === 'dev' ? 'debug' : 'info');
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError('logLevel', `'${String(logLevel)}' is not one of ${LOG_LEVELS.join(', ')}`);
  return {
    resource,
    otlp,
    sampler,
    export: exportSignals,
    ...(prometheus && { prometheus }),
    redaction,
    queue,
    metricIntervalMillis: options.metricIntervalMillis ?? 15_000,
    logLevel,
    admin,
    exemplars: resolveExemplars(options.exemplars, env),
  };
}

/** The resource: init() options and OBS_* variables over OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME. */
function resolveResource(options: InitOptions, env: Env): { environment: Environment; resource: ObsConfig['resource'] } {
  const otel = parseAttributes(nonEmpty(env, 'OTEL_RESOURCE_ATTRIBUTES') ?? '', 'OTEL_RESOURCE_ATTRIBUTES');
  const attribute = (key: string): Layer<string> => ['OTEL_RESOURCE_ATTRIBUTES', () => otel[key]];
  const orNone = { value: undefined, setting: 'default' };

  const environment = first(
    [variable(env, 'OBS_ENV'), option<string>('environment', options.environment), attribute('deployment.environment'), attribute('deployment.environment.name')],
    { value: 'dev', setting: 'default' },
  );
  if (!ENVIRONMENTS.includes(environment.value)) throw new ConfigError(environment.setting, `'${environment.value}' is not one of ${ENVIRONMENTS.join(', ')}`);
  const resource: Record<string, string> = {
    ...otel,
    'service.name': first([variable(env, 'OBS_SERVICE_NAME'), option('serviceName', options.serviceName), variable(env, 'OTEL_SERVICE_NAME'), attribute('service.name')], {
      value: inferServiceName(env),
      setting: 'default',
    }).value,
    'service.version': first([variable(env, 'OBS_SERVICE_VERSION'), option('serviceVersion', options.serviceVersion), attribute('service.version'), variable(env, 'npm_package_version')], {
      value: '0.0.0',
      setting: 'default',
    }).value,
    'deployment.environment': environment.value,
    'service.instance.id': first([option('instanceId', options.instanceId), attribute('service.instance.id')], {
      value: `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
      setting: 'default',
    }).value,
  };
  const optional: [string, Resolved<string | undefined>][] = [
    ['cloud.region', first<string | undefined>([variable(env, 'OBS_REGION'), option('region', options.region), attribute('cloud.region')], orNone)],
    ['ampy.bus.cluster', first<string | undefined>([option('busCluster', options.busCluster), attribute('ampy.bus.cluster')], orNone)],
    ['ampy.schema_version', first<string | undefined>([option('schemaVersion', options.schemaVersion), attribute('ampy.schema_version')], orNone)],
  ];
  for (const [key, { value }] of optional) if (value) resource[key] = value;
  return { environment: environment.value as Environment, resource: resource as ObsConfig['resource'] };
}

/** service.name when nothing sets it: the package name npm runs, else unknown_service:<process>. */
function inferServiceName(env: Env): string {
  return nonEmpty(env, 'npm_package_name') ?? `unknown_service:${process.title || 'node'}`;
}

/** Where and how to export: endpoint and protocol, transport security, headers, TLS files, deadline. */
function resolveOtlp(options: InitOptions, env: Env, environment: Environment): ObsConfig['otlp'] {
  const endpoint = first([variable(env, 'OBS_OTLP_ENDPOINT'), option('otlp.endpoint', options.otlp?.endpoint), variable(env, 'OTEL_EXPORTER_OTLP_ENDPOINT')], {
    value: DEFAULT_OTLP_ENDPOINT,
    setting: 'default endpoint',
  });
  const protocolHint = nonEmpty(env, 'OTEL_EXPORTER_OTLP_PROTOCOL');
  if (protocolHint && !['grpc', 'http/protobuf', 'http/json'].includes(protocolHint))
    throw new ConfigError('OTEL_EXPORTER_OTLP_PROTOCOL', `'${protocolHint}' is not grpc or http/protobuf`);
  // OTEL_EXPORTER_OTLP_PROTOCOL qualifies OTEL_EXPORTER_OTLP_ENDPOINT only.
  const ep = parseEndpoint(endpoint.value, endpoint.setting, endpoint.setting === 'OTEL_EXPORTER_OTLP_ENDPOINT' ? protocolHint : undefined);

  const explicitInsecure = first([variable(env, 'OBS_OTLP_INSECURE', parseBool), option('otlp.insecure', options.otlp?.insecure), variable(env, 'OTEL_EXPORTER_OTLP_INSECURE', parseBool)]);
  // Plaintext is the dev default (README, "Configuration": OBS_OTLP_INSECURE); elsewhere it must be asked for.
  const insecure = explicitInsecure?.value ?? (ep.tls ? false : environment === 'dev');
  if (ep.tls && explicitInsecure?.value === true && ep.protocol !== 'file')
    throw new ConfigError(explicitInsecure.setting, `is true but ${endpoint.setting} '${endpoint.value}' asks for TLS; drop one of them`);
  if (!insecure && !ep.tls)
    throw new ConfigError(
      explicitInsecure?.value === false ? explicitInsecure.setting : endpoint.setting,
      `'${endpoint.value}' is plaintext ${ep.protocol === 'grpc' ? 'gRPC' : 'http'} but insecure transport is not allowed${explicitInsecure?.value === false ? '' : ` in ${environment}`}: use ${ep.protocol === 'grpc' ? 'grpcs://' : 'https://'} or set OBS_OTLP_INSECURE=true`,
    );

  const headers = first<Record<string, string>>(
    [variable(env, 'OBS_HEADERS', parseHeaders), option('otlp.headers', options.otlp?.headers && { ...options.otlp.headers }), variable(env, 'OTEL_EXPORTER_OTLP_HEADERS', parseHeaders)],
    { value: {}, setting: 'default' },
  ).value;

  // An empty path in code means none, as an empty variable does.
  const tls = options.otlp?.tls;
  const tlsFile = (obs: string, name: keyof NonNullable<typeof tls>, otel: string): Resolved<string> | undefined =>
    first([variable(env, obs), option(`otlp.tls.${name}`, tls?.[name] || undefined), variable(env, otel)]);
  const caFile = tlsFile('OBS_TLS_CA_FILE', 'caFile', 'OTEL_EXPORTER_OTLP_CERTIFICATE');
  const certFile = tlsFile('OBS_TLS_CERT_FILE', 'certFile', 'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE');
  const keyFile = tlsFile('OBS_TLS_KEY_FILE', 'keyFile', 'OTEL_EXPORTER_OTLP_CLIENT_KEY');
  if ((certFile === undefined) !== (keyFile === undefined))
    throw new ConfigError(certFile?.setting ?? keyFile!.setting, `is set without its ${certFile ? 'key (OBS_TLS_KEY_FILE)' : 'certificate (OBS_TLS_CERT_FILE)'}: mTLS needs both`);
  const ca = caFile && readTlsFile(caFile.value, caFile.setting);
  const cert = certFile && readTlsFile(certFile.value, certFile.setting);
  const key = keyFile && readTlsFile(keyFile.value, keyFile.setting);
  if (insecure && (ca || cert))
    throw new ConfigError((ca ? caFile : certFile)!.setting, `TLS files are set but the connection to '${endpoint.value}' is insecure; use https:// (or grpcs://) or drop the files`);

  const timeoutMillis = options.otlp?.timeoutMillis ?? 10_000;
  if (!Number.isInteger(timeoutMillis) || timeoutMillis <= 0) throw new ConfigError('otlp.timeoutMillis', `'${timeoutMillis}' is not a positive number of milliseconds`);
  return { protocol: ep.protocol, endpoint: ep.endpoint, insecure, headers, ...(ca && { ca }), ...(cert && { cert }), ...(key && { key }), timeoutMillis };
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
const OTEL_SAMPLERS: Readonly<Record<string, { type: SamplerName; ratio?: number }>> = {
  always_on: { type: 'always_on' },
  always_off: { type: 'always_off' },
  traceidratio: { type: 'traceidratio' },
  parentbased_traceidratio: { type: 'parent' },
  parentbased_always_on: { type: 'parent', ratio: 1 },
  parentbased_always_off: { type: 'parent', ratio: 0 },
};

/** The sampler and its ratio; the spec's per-environment ratio is the default (dev samples everything). */
function resolveSampler(options: InitOptions, env: Env, spec: SpecDefaults, environment: Environment): ObsConfig['sampler'] {
  const otelName = nonEmpty(env, 'OTEL_TRACES_SAMPLER');
  if (otelName !== undefined && !Object.hasOwn(OTEL_SAMPLERS, otelName)) throw new ConfigError('OTEL_TRACES_SAMPLER', `'${otelName}' is not one of ${Object.keys(OTEL_SAMPLERS).join(', ')}`);
  const otel = otelName === undefined ? undefined : OTEL_SAMPLERS[otelName];
  const type = first<string>(
    [variable(env, 'OBS_SAMPLER'), option('sampler.type', options.sampler?.type), ['OTEL_TRACES_SAMPLER', () => otel?.type], ['sampling.sampler of the spec', () => spec.sampling?.sampler]],
    { value: 'parent', setting: 'default sampler' },
  );
  if (!SAMPLERS.includes(type.value)) throw new ConfigError(type.setting, `'${type.value}' is not one of ${SAMPLERS.join(', ')}`);
  const ratio = first<string | number>([variable(env, 'OBS_SAMPLER_RATIO'), option('sampler.ratio', options.sampler?.ratio), variable(env, 'OTEL_TRACES_SAMPLER_ARG')]);
  // An OTEL parent-based fixed sampler implies its root ratio, unless OBS_* or code chose the sampler.
  const implied = type.setting === 'OTEL_TRACES_SAMPLER' ? otel?.ratio : undefined;
  return {
    type: type.value as SamplerName,
    ratio: ratio ? parseRatio(ratio.value, ratio.setting) : (implied ?? spec.sampling?.perEnv[environment] ?? spec.sampling?.ratio ?? (environment === 'dev' ? 1 : 0.25)),
  };
}

/** Which signals are exported; OTEL_SDK_DISABLED=true switches every one off. */
function resolveExports(options: InitOptions, env: Env): ObsConfig['export'] {
  const disabled = first([variable(env, 'OTEL_SDK_DISABLED', parseBool)])?.value === true;
  const flag = (obs: string, name: keyof NonNullable<InitOptions['export']>, otel: string): boolean =>
    !disabled &&
    first([variable(env, obs, parseBool), option(`export.${name}`, options.export?.[name]), [otel, () => (nonEmpty(env, otel) === 'none' ? false : undefined)]], {
      value: true,
      setting: 'default',
    }).value;
  return {
    traces: flag('OBS_EXPORT_TRACES', 'traces', 'OTEL_TRACES_EXPORTER'),
    metrics: flag('OBS_EXPORT_METRICS', 'metrics', 'OTEL_METRICS_EXPORTER'),
    logs: flag('OBS_EXPORT_LOGS', 'logs', 'OTEL_LOGS_EXPORTER'),
  };
}

/** The port of the observability surface (/metrics and the rest), when one is set (null in code means none), and its bind address. */
function resolvePrometheus(options: InitOptions, env: Env, host: string): ObsConfig['prometheus'] {
  const port = first<string | number>([variable(env, 'OBS_PROM_PORT'), option('prometheus.port', options.prometheus?.port ?? undefined)]);
  return port && { port: parsePort(port.value, port.setting), host };
}

/** Redaction: the built-in key patterns, the spec's and the operator's, all of them (never fewer). */
function resolveRedaction(options: InitOptions, env: Env, spec: SpecDefaults): ObsConfig['redaction'] {
  const rules = first<readonly string[]>([variable(env, 'OBS_REDACTION_RULES', splitRules), option('redaction.patterns', options.redaction?.patterns)], {
    value: [],
    setting: 'redaction.patterns',
  });
  const extra = [...rules.value];
  if (extra.some((p) => p.trim() === '')) throw new ConfigError(rules.setting, 'has an empty pattern, which would redact every key');
  const extraKeys = extra.filter((p) => !isValueRule(p)).map((p) => p.trim());
  const keyPatterns = [...new Set([...DEFAULT_REDACTION_KEY_PATTERNS, ...(spec.redaction?.keyPatterns ?? []), ...extraKeys].map((p) => p.toLowerCase()))];
  // Spec patterns generate already showed linear are trusted; the rest are checked here, once.
  const specChecked = spec.redaction?.linearChecked === LINEAR_CHECK;
  const valuePatterns = [
    ...(spec.redaction?.valuePatterns ?? []).map((p) => valuePattern(p.regex, `redaction pattern ${p.id}`, '', !specChecked)),
    ...extra.filter(isValueRule).map((p) => valuePattern(p.trim().slice(1, -1), rules.setting, `value pattern ${p.trim()} `, true)),
  ];
  return { keyPatterns, valuePatterns, replacement: spec.redaction?.replacement ?? REDACTED };
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
function splitRules(raw: string, setting: string): string[] {
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
      if (j >= raw.length) throw new ConfigError(setting, `value pattern '${raw.slice(i)}' has no closing '/'`);
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

/** Export queue bounds, from code only. */
function resolveQueue(options: InitOptions): ObsConfig['queue'] {
  const queue = {
    maxSize: options.queue?.maxSize ?? 2048,
    maxBatch: options.queue?.maxBatch ?? 512,
    flushIntervalMillis: options.queue?.flushIntervalMillis ?? 1000,
  };
  for (const [k, v] of Object.entries(queue)) if (!Number.isInteger(v) || v <= 0) throw new ConfigError(`queue.${k}`, `'${v}' is not a positive integer`);
  if (queue.maxBatch > queue.maxSize) throw new ConfigError('queue.maxBatch', `${queue.maxBatch} exceeds queue.maxSize ${queue.maxSize}`);
  return queue;
}
