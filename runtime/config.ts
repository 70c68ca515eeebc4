/// <reference types="node" preserve="true" />
// The declarations emitted for this file name Node's types (Buffer), and TypeScript 6 and later load
// @types/node only when a program names it: `preserve` keeps this reference in the .d.ts, so a service
// compiles without `"types": ["node"]` (the same line heads each runtime module whose declarations use Node).
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_OTLP_ENDPOINT,
  DEFAULT_REDACTION_KEY_PATTERNS,
  LINEAR_CHECK,
  OTLP_PORTS,
  REDACTED,
} from '../conventions/index.js';
import type { InstrumentationName } from '../conventions/index.js';
import {
  DEFAULT_ENVIRONMENT,
  ENVIRONMENT_ALIASES,
  ENVIRONMENTS,
  type Environment,
  type EnvironmentAlias,
} from './generated/environments.js';
import { resolveInstrument, type InstrumentOption } from './instrument/select.js';
import { resolveAdmin, type AdminConfig, type AdminOptions } from './admin/config.js';
import { resolveExemplars } from './exemplars/config.js';
import { resolveShutdownOnExit } from './exit-hooks.js';
import { displayUrl } from './redact.js';
import { superLinear } from './redos.js';
import { servicePackage, type ServicePackage } from './service-package.js';
import type { SloDefinition } from './slo/definition.js';
import {
  checkHeaders,
  ConfigError,
  first,
  nonEmpty,
  option,
  parseAttributes,
  parseBool,
  parseHeaders,
  parsePort,
  parseRatio,
  readTlsFile,
  refuseControl,
  variable,
  type Env,
  type Layer,
  type Resolved,
} from './settings.js';

export { ConfigError, parseHeaders } from './settings.js';
/** Deployment environments (the members of the spec's deployment.environment) and the aliases it accepts for them. */
export type { Environment, EnvironmentAlias };
export type SamplerName = 'parent' | 'traceidratio' | 'always_on' | 'always_off';
/** Minimum level of log lines. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal';
/** A signal's exporter: OTLP (true), off (false), or the console, for local debugging. */
export type ExportChoice = boolean | 'console';

/** What a service may pass to init() (mirrors the ampy-config `observability:` keys; README, "Configuration"). */
export interface InitOptions {
  readonly serviceName?: string;
  readonly serviceVersion?: string;
  /** dev, paper or prod; development, staging and production are accepted for them (the spec's aliases). */
  readonly environment?: Environment | EnvironmentAlias;
  readonly region?: string;
  readonly instanceId?: string;
  readonly busCluster?: string;
  readonly schemaVersion?: string;
  /**
   * More resource attributes for every signal (team, deployment.mode…), over OTEL_RESOURCE_ATTRIBUTES;
   * the options above win for their own attributes.
   */
  readonly resourceAttributes?: Readonly<Record<string, string | number | boolean>>;
  readonly otlp?: {
    readonly endpoint?: string;
    readonly insecure?: boolean;
    readonly headers?: Readonly<Record<string, string>>;
    readonly tls?: { readonly caFile?: string; readonly certFile?: string; readonly keyFile?: string };
    /** Per-export deadline, retries included. */
    readonly timeoutMillis?: number;
  };
  readonly sampler?: { readonly type?: SamplerName; readonly ratio?: number };
  /** Each signal's export: OTLP (true), off (false), or `'console'` (traces and metrics printed to stdout; log lines go to stdout anyway). */
  readonly export?: { readonly traces?: ExportChoice; readonly metrics?: ExportChoice; readonly logs?: ExportChoice };
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
  readonly logLevel?: LogLevel;
  /**
   * Libraries to instrument (README, "Auto-instrumentation"): names, `'all'` or `'none'`. Default: every
   * one when the process started with `node --import ampyobs/register`, none otherwise.
   */
  readonly instrument?: InstrumentOption;
  /** The observability surface: bind address, token, trace ring (README, "The observability surface"). */
  readonly admin?: AdminOptions;
  /** Keep exemplars on counters and histograms of the fast path (OBS_EXEMPLARS; default on). */
  readonly exemplars?: boolean;
  /**
   * Shut down by itself when the event loop empties, and on SIGTERM or SIGINT when the application does
   * not handle them (OBS_SHUTDOWN_ON_EXIT; default on). runtime/exit-hooks.ts.
   */
  readonly shutdownOnExit?: boolean;
}

/** Defaults the generated init() passes from the spec (sampling and redaction sections). */
export interface SpecDefaults {
  readonly sampling?: {
    readonly sampler: SamplerName;
    readonly ratio: number;
    readonly perEnv: Readonly<Record<string, number>>;
  };
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
  /** Whether each signal is exported (over OTLP, or to the console when `console` says so). */
  readonly export: { readonly traces: boolean; readonly metrics: boolean; readonly logs: boolean };
  /** Signals printed to stdout instead of sent over OTLP (OTEL_TRACES_EXPORTER=console…). */
  readonly console: { readonly traces: boolean; readonly metrics: boolean; readonly logs: boolean };
  readonly prometheus?: { readonly port: number; readonly host: string };
  readonly redaction: {
    readonly keyPatterns: readonly string[];
    readonly valuePatterns: readonly RegExp[];
    readonly replacement: string;
  };
  readonly queue: { readonly maxSize: number; readonly maxBatch: number; readonly flushIntervalMillis: number };
  readonly metricIntervalMillis: number;
  readonly logLevel: LogLevel;
  /** OTEL_LOG_LEVEL: the OpenTelemetry SDK's own diagnostics on stderr at this level, when set. */
  readonly diagLevel?: 'error' | 'warn' | 'info' | 'debug' | 'verbose';
  /** Libraries to instrument, and the setting that chose them. */
  readonly instrument: { readonly names: readonly InstrumentationName[]; readonly setting: string };
  readonly admin: AdminConfig;
  readonly exemplars: boolean;
  readonly shutdownOnExit: boolean;
}

const SAMPLERS: readonly string[] = [
  'parent',
  'traceidratio',
  'always_on',
  'always_off',
] satisfies readonly SamplerName[];

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
  const exports = resolveExports(options, env);
  const admin = resolveAdmin(options.admin, options.prometheus?.host, env);
  const prometheus = resolvePrometheus(options, env, admin.bind);
  const redaction = resolveRedaction(options, env, spec);
  const queue = resolveQueue(options);
  const { logLevel, diagLevel } = resolveLogLevel(options, env, environment);
  return {
    resource,
    otlp,
    sampler,
    ...exports,
    ...(prometheus && { prometheus }),
    redaction,
    queue,
    metricIntervalMillis: options.metricIntervalMillis ?? 15_000,
    logLevel,
    ...(diagLevel && { diagLevel }),
    instrument: resolveInstrument(options.instrument, env),
    admin,
    exemplars: resolveExemplars(options.exemplars, env),
    shutdownOnExit: resolveShutdownOnExit(options.shutdownOnExit, env),
  };
}

/** The resource: init() options and OBS_* variables over OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME. */
function resolveResource(
  options: InitOptions,
  env: Env,
): { environment: Environment; resource: ObsConfig['resource'] } {
  const otel = parseAttributes(nonEmpty(env, 'OTEL_RESOURCE_ATTRIBUTES') ?? '', 'OTEL_RESOURCE_ATTRIBUTES');
  const attribute = (key: string): Layer<string> => ['OTEL_RESOURCE_ATTRIBUTES', () => otel[key]];
  const orNone = { value: undefined, setting: 'default' };

  const environment = first(
    [
      variable(env, 'OBS_ENV'),
      option<string>('environment', options.environment),
      attribute('deployment.environment'),
      attribute('deployment.environment.name'),
    ],
    { value: DEFAULT_ENVIRONMENT, setting: 'default' },
  );
  const environmentValue = environmentOf(environment);
  const extra = customAttributes(options.resourceAttributes);
  // The options' own attributes win over the same key in OTEL_RESOURCE_ATTRIBUTES.
  const given = { ...otel, ...extra };
  const custom = (key: string): Layer<string> =>
    Object.hasOwn(extra, key) ? ['resourceAttributes', () => extra[key]] : attribute(key);
  // Read when a default needs it, once.
  let found: ServicePackage | undefined;
  const pkg = (): ServicePackage => (found ??= servicePackage());
  const resource: Record<string, string> = {
    ...given,
    'service.name': identity(
      first(
        [
          variable(env, 'OBS_SERVICE_NAME'),
          option('serviceName', options.serviceName),
          variable(env, 'OTEL_SERVICE_NAME'),
          custom('service.name'),
        ],
        {
          value: inferServiceName(env, pkg()),
          setting: 'default',
        },
      ),
    ),
    'service.version': identity(
      first(
        [
          variable(env, 'OBS_SERVICE_VERSION'),
          option('serviceVersion', options.serviceVersion),
          variable(env, 'OTEL_SERVICE_VERSION'),
          custom('service.version'),
          variable(env, 'npm_package_version'),
          ['package.json', () => pkg().version],
        ],
        {
          value: '0.0.0',
          setting: 'default',
        },
      ),
    ),
    'deployment.environment': environmentValue,
    'service.instance.id': identity(
      first([option('instanceId', options.instanceId), custom('service.instance.id')], {
        value: `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
        setting: 'default',
      }),
    ),
  };
  const optional: [string, Resolved<string | undefined>][] = [
    [
      'cloud.region',
      first<string | undefined>(
        [variable(env, 'OBS_REGION'), option('region', options.region), custom('cloud.region')],
        orNone,
      ),
    ],
    [
      'ampy.bus.cluster',
      first<string | undefined>([option('busCluster', options.busCluster), custom('ampy.bus.cluster')], orNone),
    ],
    [
      'ampy.schema_version',
      first<string | undefined>(
        [option('schemaVersion', options.schemaVersion), custom('ampy.schema_version')],
        orNone,
      ),
    ],
  ];
  for (const [key, resolved] of optional) if (resolved.value) resource[key] = identity(resolved);
  // The semantic conventions' newer name, when given, says the same as the attribute it aliases.
  if (Object.hasOwn(resource, 'deployment.environment.name'))
    resource['deployment.environment.name'] = environmentValue;
  return { environment: environmentValue, resource: resource as ObsConfig['resource'] };
}

/**
 * A resource value as resolved, checked: a string (untyped code may pass anything) without control
 * characters, since it lands in every log line, label and exported resource.
 */
function identity({ value, setting }: Resolved<unknown>): string {
  if (typeof value !== 'string')
    throw new ConfigError(setting, `is ${value === null ? 'null' : typeof value}, not a string`);
  return refuseControl(value, setting);
}

/** An environment by its name or one of the spec's aliases, or a ConfigError listing both. */
function environmentOf({ value, setting }: Resolved<string>): Environment {
  const name = value;
  if ((ENVIRONMENTS as readonly string[]).includes(name)) return name as Environment;
  if (Object.hasOwn(ENVIRONMENT_ALIASES, name)) return ENVIRONMENT_ALIASES[name as EnvironmentAlias];
  const aliases = Object.entries(ENVIRONMENT_ALIASES).map(([alias, to]) => `${alias} for ${to}`);
  throw new ConfigError(
    setting,
    `'${value}' is not one of ${ENVIRONMENTS.join(', ')}${aliases.length ? ` (also accepted: ${aliases.join(', ')})` : ''}`,
  );
}

/** resourceAttributes as resource values: non-empty keys, strings, finite numbers and booleans. */
function customAttributes(given: InitOptions['resourceAttributes']): Record<string, string> {
  const out: Record<string, string> = {};
  if (given === undefined) return out;
  if (typeof given !== 'object' || given === null)
    throw new ConfigError('resourceAttributes', 'is not an object of attribute names and values');
  for (const [key, value] of Object.entries(given)) {
    if (key.trim() === '') throw new ConfigError('resourceAttributes', 'has an empty attribute name');
    if (
      typeof value === 'string' ||
      typeof value === 'boolean' ||
      (typeof value === 'number' && Number.isFinite(value))
    )
      out[refuseControl(key, 'resourceAttributes', 'an attribute name ')] = refuseControl(
        String(value),
        `resourceAttributes.${key}`,
      );
    else
      throw new ConfigError(
        `resourceAttributes.${key}`,
        `is ${value === null ? 'null' : typeof value}; a resource attribute is a string, a finite number or a boolean`,
      );
  }
  return out;
}

/**
 * service.name when nothing sets it: the package name npm runs, else the service's package.json (see
 * runtime/service-package.ts), else unknown_service:<process>.
 */
function inferServiceName(env: Env, p: ServicePackage): string {
  return nonEmpty(env, 'npm_package_name') ?? p.name ?? `unknown_service:${process.title || 'node'}`;
}

/** Where and how to export: endpoint and protocol, transport security, headers, TLS files, deadline. */
function resolveOtlp(options: InitOptions, env: Env, environment: Environment): ObsConfig['otlp'] {
  const endpoint = first(
    [
      variable(env, 'OBS_OTLP_ENDPOINT'),
      option('otlp.endpoint', options.otlp?.endpoint),
      variable(env, 'OTEL_EXPORTER_OTLP_ENDPOINT'),
    ],
    {
      value: DEFAULT_OTLP_ENDPOINT,
      setting: 'default endpoint',
    },
  );
  const protocolHint = nonEmpty(env, 'OTEL_EXPORTER_OTLP_PROTOCOL');
  if (protocolHint && !['grpc', 'http/protobuf', 'http/json'].includes(protocolHint))
    throw new ConfigError('OTEL_EXPORTER_OTLP_PROTOCOL', `'${protocolHint}' is not grpc or http/protobuf`);
  // OTEL_EXPORTER_OTLP_PROTOCOL qualifies OTEL_EXPORTER_OTLP_ENDPOINT only.
  // Messages show the endpoint without its credentials (README, "Configuration").
  const shown = displayUrl(endpoint.value);
  const ep = parseEndpoint(
    endpoint.value,
    endpoint.setting,
    endpoint.setting === 'OTEL_EXPORTER_OTLP_ENDPOINT' ? protocolHint : undefined,
  );

  const explicitInsecure = first([
    variable(env, 'OBS_OTLP_INSECURE', parseBool),
    option('otlp.insecure', options.otlp?.insecure),
    variable(env, 'OTEL_EXPORTER_OTLP_INSECURE', parseBool),
  ]);
  // Plaintext is the dev default (README, "Configuration": OBS_OTLP_INSECURE); elsewhere it must be asked for.
  const insecure = explicitInsecure?.value ?? (ep.tls ? false : environment === 'dev');
  if (ep.tls && explicitInsecure?.value === true && ep.protocol !== 'file')
    throw new ConfigError(
      explicitInsecure.setting,
      `is true but ${endpoint.setting} '${shown}' asks for TLS; drop one of them`,
    );
  if (!insecure && !ep.tls)
    throw new ConfigError(
      explicitInsecure?.value === false ? explicitInsecure.setting : endpoint.setting,
      `'${shown}' is plaintext ${ep.protocol === 'grpc' ? 'gRPC' : 'http'} but insecure transport is not allowed${explicitInsecure?.value === false ? '' : ` in ${environment}`}: use ${ep.protocol === 'grpc' ? 'grpcs://' : 'https://'} or set OBS_OTLP_INSECURE=true`,
    );

  const headers = first<Record<string, string>>(
    [
      variable(env, 'OBS_HEADERS', parseHeaders),
      ['otlp.headers', () => options.otlp?.headers && checkHeaders(options.otlp.headers, 'otlp.headers')],
      variable(env, 'OTEL_EXPORTER_OTLP_HEADERS', parseHeaders),
    ],
    { value: {}, setting: 'default' },
  );
  // The OpenTelemetry exporters read these themselves and send them under ours, whatever is set above.
  for (const name of SDK_HEADER_VARIABLES) first([variable(env, name, parseHeaders)]);
  // gRPC metadata keys are narrower than HTTP header names.
  if (ep.protocol === 'grpc')
    for (const name of Object.keys(headers.value).map((n) => n.toLowerCase()))
      if (!/^[0-9a-z_.-]+$/.test(name) || name.endsWith('-bin'))
        throw new ConfigError(
          headers.setting,
          `'${name}' cannot be a gRPC metadata key (lower-case letters, digits, '-', '_' and '.'; no -bin suffix)`,
        );

  // An empty path in code means none, as an empty variable does.
  const tls = options.otlp?.tls;
  const tlsFile = (obs: string, name: keyof NonNullable<typeof tls>, otel: string): Resolved<string> | undefined =>
    first([variable(env, obs), option(`otlp.tls.${name}`, tls?.[name] || undefined), variable(env, otel)]);
  const caFile = tlsFile('OBS_TLS_CA_FILE', 'caFile', 'OTEL_EXPORTER_OTLP_CERTIFICATE');
  const certFile = tlsFile('OBS_TLS_CERT_FILE', 'certFile', 'OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE');
  const keyFile = tlsFile('OBS_TLS_KEY_FILE', 'keyFile', 'OTEL_EXPORTER_OTLP_CLIENT_KEY');
  if ((certFile === undefined) !== (keyFile === undefined))
    throw new ConfigError(
      certFile?.setting ?? keyFile!.setting,
      `is set without its ${certFile ? 'key (OBS_TLS_KEY_FILE)' : 'certificate (OBS_TLS_CERT_FILE)'}: mTLS needs both`,
    );
  const ca = caFile && readTlsFile(caFile.value, caFile.setting);
  const cert = certFile && readTlsFile(certFile.value, certFile.setting);
  const key = keyFile && readTlsFile(keyFile.value, keyFile.setting);
  if (insecure && (ca || cert))
    throw new ConfigError(
      (ca ? caFile : certFile)!.setting,
      `TLS files are set but the connection to '${shown}' is insecure; use https:// (or grpcs://) or drop the files`,
    );

  const timeoutMillis = options.otlp?.timeoutMillis ?? 10_000;
  if (!Number.isInteger(timeoutMillis) || timeoutMillis <= 0)
    throw new ConfigError('otlp.timeoutMillis', `'${timeoutMillis}' is not a positive number of milliseconds`);
  return {
    protocol: ep.protocol,
    endpoint: ep.endpoint,
    insecure,
    headers: headers.value,
    ...(ca && { ca }),
    ...(cert && { cert }),
    ...(key && { key }),
    timeoutMillis,
  };
}

/** Header variables the OpenTelemetry exporters read from the environment on their own. */
const SDK_HEADER_VARIABLES = [
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
  'OTEL_EXPORTER_OTLP_METRICS_HEADERS',
  'OTEL_EXPORTER_OTLP_LOGS_HEADERS',
];

/** Endpoint and protocol from a URL-ish string: http(s)://… is OTLP/HTTP, grpc(s)://… is OTLP/gRPC. */
function parseEndpoint(
  raw: string,
  setting: string,
  protocolHint: string | undefined,
): { protocol: 'http/protobuf' | 'grpc' | 'file'; endpoint: string; tls: boolean } {
  // host:port without a scheme (OTEL_EXPORTER_OTLP_ENDPOINT=localhost:4317): the OTLP port says the protocol.
  const bare = HOST_PORT.exec(raw);
  if (bare) {
    const [, host = '', port = ''] = bare;
    if (Number(port) === OTLP_PORTS.grpc) return { protocol: 'grpc', endpoint: `${host}:${port}`, tls: false };
    if (Number(port) === OTLP_PORTS.http)
      return { protocol: 'http/protobuf', endpoint: `http://${host}:${port}`, tls: false };
    throw new ConfigError(
      setting,
      `'${raw}' has no scheme, and only the OTLP ports say which protocol it means (${OTLP_PORTS.grpc} gRPC, ${OTLP_PORTS.http} HTTP): write grpc://${host}:${port} or http://${host}:${port} (grpcs:// or https:// for TLS)`,
    );
  }
  const shown = displayUrl(raw);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(
      setting,
      `'${shown}' is not a URL (expected http://host:${OTLP_PORTS.http}, https://host:${OTLP_PORTS.http} or grpc://host:${OTLP_PORTS.grpc})`,
    );
  }
  const scheme = url.protocol.replace(/:$/, '');
  // The signal path (/v1/traces) is appended to an OTLP/HTTP endpoint, OTLP/gRPC sends neither a query
  // nor userinfo, and a file path has neither: credentials there would be mangled or silently left out.
  if (/[?#]/.test(raw))
    throw new ConfigError(
      setting,
      `'${shown}' has a query or fragment, which an OTLP endpoint cannot carry; send credentials as headers (OBS_HEADERS)`,
    );
  // Local files need no transport security: nothing leaves the machine.
  if (scheme === 'file') return { protocol: 'file', endpoint: fileDirectory(raw, url, setting, shown), tls: true };
  if (!url.hostname) throw new ConfigError(setting, `'${shown}' has no host`);
  const web = scheme === 'http' || scheme === 'https';
  if (!web && scheme !== 'grpc' && scheme !== 'grpcs')
    throw new ConfigError(setting, `scheme '${scheme}:' is not supported (use http, https, grpc, grpcs or file)`);
  // grpc:// is plaintext like http://, grpcs:// is TLS like https://.
  const tls = scheme === 'https' || scheme === 'grpcs';
  if (web && protocolHint !== 'grpc') return { protocol: 'http/protobuf', endpoint: raw.replace(/\/+$/, ''), tls };
  if (url.username || url.password)
    throw new ConfigError(
      setting,
      `'${shown}' has credentials, which OTLP/gRPC does not send; send them as headers (OBS_HEADERS)`,
    );
  return { protocol: 'grpc', endpoint: `${url.hostname}:${url.port || OTLP_PORTS.grpc}`, tls };
}

/**
 * The directory of a `file:///absolute/path` (or `file://localhost/…`) endpoint. A relative path has no
 * file URL (`file://dir/x` names the host `dir`, `file:dir` means `/dir`): refused with the form to write,
 * rather than telemetry written at the root of the filesystem.
 */
function fileDirectory(raw: string, url: URL, setting: string, shown: string): string {
  const write = 'write file:///absolute/path (file://$PWD/dir for a directory under the current one)';
  if (!/^file:\/\//i.test(raw)) throw new ConfigError(setting, `'${shown}' is not an absolute file URL; ${write}`);
  if (url.hostname !== '' && url.hostname !== 'localhost')
    throw new ConfigError(
      setting,
      `'${shown}' names the host '${url.hostname}' (a relative path reads as one), and files are written on this one; ${write}`,
    );
  let dir: string;
  try {
    dir = fileURLToPath(url);
  } catch (e) {
    throw new ConfigError(setting, `'${shown}' is not a directory path: ${(e as Error).message}`);
  }
  if (dir === '/') throw new ConfigError(setting, `'${shown}' names no directory (expected file:///path/to/dir)`);
  if (/\p{Cc}/u.test(dir)) throw new ConfigError(setting, `'${shown}' holds a control character`);
  return dir;
}

/** `host:port` or `[v6]:port`, nothing else: what OpenTelemetry SDKs of other languages accept without a scheme. */
const HOST_PORT = /^([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/;

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
function resolveSampler(
  options: InitOptions,
  env: Env,
  spec: SpecDefaults,
  environment: Environment,
): ObsConfig['sampler'] {
  const type = first<string>(
    [
      variable(env, 'OBS_SAMPLER'),
      option('sampler.type', options.sampler?.type),
      variable(env, 'OTEL_TRACES_SAMPLER'),
      ['sampling.sampler of the spec', () => spec.sampling?.sampler],
    ],
    { value: 'parent', setting: 'default sampler' },
  );
  // Our names and OpenTelemetry's are accepted wherever a sampler is named.
  const known = SAMPLERS.includes(type.value)
    ? { type: type.value as SamplerName }
    : Object.hasOwn(OTEL_SAMPLERS, type.value)
      ? OTEL_SAMPLERS[type.value]
      : undefined;
  if (!known)
    throw new ConfigError(
      type.setting,
      `'${type.value}' is not a sampler; accepted: ${SAMPLERS.join(', ')}, or OpenTelemetry's ${Object.keys(
        OTEL_SAMPLERS,
      )
        .filter((k) => !SAMPLERS.includes(k))
        .join(', ')}`,
    );
  const ratio = first<string | number>([
    variable(env, 'OBS_SAMPLER_RATIO'),
    option('sampler.ratio', options.sampler?.ratio),
    variable(env, 'OTEL_TRACES_SAMPLER_ARG'),
  ]);
  return {
    type: known.type,
    // A parent-based fixed sampler (parentbased_always_on) implies its root ratio, unless a ratio is set.
    ratio: ratio
      ? parseRatio(ratio.value, ratio.setting)
      : (known.ratio ??
        spec.sampling?.perEnv[environment] ??
        spec.sampling?.ratio ??
        (environment === 'dev' ? 1 : 0.25)),
  };
}

/**
 * Which signals are exported, and which to the console: OBS_EXPORT_<SIGNAL> (true, false or console),
 * export.<signal>, OTEL_<SIGNAL>S_EXPORTER (otlp, console or none). OTEL_SDK_DISABLED=true switches every
 * one off.
 */
function resolveExports(options: InitOptions, env: Env): Pick<ObsConfig, 'export' | 'console'> {
  const disabled = first([variable(env, 'OTEL_SDK_DISABLED', parseBool)])?.value === true;
  const choice = (obs: string, name: keyof NonNullable<InitOptions['export']>, otel: string): ExportChoice => {
    if (disabled) return false;
    const chosen = first<ExportChoice>(
      [
        variable(env, obs, parseExportChoice),
        option(`export.${name}`, options.export?.[name]),
        variable(env, otel, parseOtelExporter),
      ],
      {
        value: true,
        setting: 'default',
      },
    );
    if (chosen.value !== true && chosen.value !== false && chosen.value !== 'console')
      throw new ConfigError(chosen.setting, `'${String(chosen.value)}' is not true, false or 'console'`);
    return chosen.value;
  };
  const traces = choice('OBS_EXPORT_TRACES', 'traces', 'OTEL_TRACES_EXPORTER');
  const metrics = choice('OBS_EXPORT_METRICS', 'metrics', 'OTEL_METRICS_EXPORTER');
  // Log lines go to stdout (or the log destination) whatever is chosen: console means no OTLP records.
  const logs = choice('OBS_EXPORT_LOGS', 'logs', 'OTEL_LOGS_EXPORTER');
  return {
    export: { traces: traces !== false, metrics: metrics !== false, logs: logs === true },
    console: { traces: traces === 'console', metrics: metrics === 'console', logs: logs === 'console' },
  };
}

/** OBS_EXPORT_<SIGNAL>: a boolean, or console. */
function parseExportChoice(text: string, setting: string): ExportChoice {
  if (text.toLowerCase() === 'console') return 'console';
  try {
    return parseBool(text, setting);
  } catch {
    throw new ConfigError(setting, `'${text}' is not true, false or console`);
  }
}

/** OTEL_<SIGNAL>S_EXPORTER: otlp, console or none (one exporter per signal). */
function parseOtelExporter(text: string, setting: string): ExportChoice {
  const v = text.toLowerCase();
  if (v === 'otlp') return true;
  if (v === 'none') return false;
  if (v === 'console') return 'console';
  throw new ConfigError(
    setting,
    v.includes(',')
      ? `'${text}' names several exporters; ampyobs sends a signal to one: otlp, console or none`
      : `'${text}' is not an exporter ampyobs has; accepted: otlp, console, none`,
  );
}

/** OTEL_LOG_LEVEL's levels, as the log lines' minimum level and as the SDK diagnostics level. */
const OTEL_LOG_LEVELS: Readonly<
  Record<string, { lines: LogLevel; diag: NonNullable<ObsConfig['diagLevel']> | undefined }>
> = {
  none: { lines: 'fatal', diag: undefined },
  error: { lines: 'error', diag: 'error' },
  warn: { lines: 'warn', diag: 'warn' },
  info: { lines: 'info', diag: 'info' },
  debug: { lines: 'debug', diag: 'debug' },
  verbose: { lines: 'debug', diag: 'verbose' },
  all: { lines: 'debug', diag: 'verbose' },
};
const LOG_LEVELS: readonly string[] = ['debug', 'info', 'warn', 'error', 'fatal'] satisfies readonly LogLevel[];

/**
 * The minimum level of log lines: OBS_LOG_LEVEL, logLevel, OTEL_LOG_LEVEL, then debug in dev and info
 * elsewhere. OTEL_LOG_LEVEL also turns on the OpenTelemetry SDK's own diagnostics (on stderr).
 */
function resolveLogLevel(
  options: InitOptions,
  env: Env,
  environment: Environment,
): { logLevel: LogLevel; diagLevel?: ObsConfig['diagLevel'] } {
  const otel = nonEmpty(env, 'OTEL_LOG_LEVEL')?.toLowerCase();
  if (otel !== undefined && !Object.hasOwn(OTEL_LOG_LEVELS, otel))
    throw new ConfigError(
      'OTEL_LOG_LEVEL',
      `'${nonEmpty(env, 'OTEL_LOG_LEVEL')}' is not one of ${Object.keys(OTEL_LOG_LEVELS).join(', ')} (any case)`,
    );
  const level = first<string>(
    [
      variable(env, 'OBS_LOG_LEVEL', (t) => t.toLowerCase()),
      option('logLevel', options.logLevel),
      ['OTEL_LOG_LEVEL', () => (otel === undefined ? undefined : OTEL_LOG_LEVELS[otel]?.lines)],
    ],
    {
      value: environment === 'dev' ? 'debug' : 'info',
      setting: 'default',
    },
  );
  const value = level.value === 'warning' ? 'warn' : level.value;
  if (!LOG_LEVELS.includes(value))
    throw new ConfigError(level.setting, `'${level.value}' is not one of ${LOG_LEVELS.join(', ')}`);
  const diag = otel === undefined ? undefined : OTEL_LOG_LEVELS[otel]?.diag;
  return { logLevel: value as LogLevel, ...(diag && { diagLevel: diag }) };
}

/** The port of the observability surface (/metrics and the rest), when one is set (null in code means none), and its bind address. */
function resolvePrometheus(options: InitOptions, env: Env, host: string): ObsConfig['prometheus'] {
  const port = first<string | number>([
    variable(env, 'OBS_PROM_PORT'),
    option('prometheus.port', options.prometheus?.port ?? undefined),
  ]);
  return port && { port: parsePort(port.value, port.setting), host };
}

/** Redaction: the built-in key patterns, the spec's and the operator's, all of them (never fewer). */
function resolveRedaction(options: InitOptions, env: Env, spec: SpecDefaults): ObsConfig['redaction'] {
  const rules = first<readonly string[]>(
    [variable(env, 'OBS_REDACTION_RULES', splitRules), option('redaction.patterns', options.redaction?.patterns)],
    {
      value: [],
      setting: 'redaction.patterns',
    },
  );
  const extra = [...rules.value];
  if (extra.some((p) => p.trim() === ''))
    throw new ConfigError(rules.setting, 'has an empty pattern, which would redact every key');
  const extraKeys = extra.filter((p) => !isValueRule(p)).map((p) => p.trim());
  const keyPatterns = [
    ...new Set(
      [...DEFAULT_REDACTION_KEY_PATTERNS, ...(spec.redaction?.keyPatterns ?? []), ...extraKeys].map((p) =>
        p.toLowerCase(),
      ),
    ),
  ];
  // Spec patterns generate already showed linear are trusted; the rest are checked here, once.
  const specChecked = spec.redaction?.linearChecked === LINEAR_CHECK;
  const valuePatterns = [
    ...(spec.redaction?.valuePatterns ?? []).map((p) =>
      valuePattern(p.regex, `redaction pattern ${p.id}`, '', !specChecked),
    ),
    ...extra
      .filter(isValueRule)
      .map((p) => valuePattern(p.trim().slice(1, -1), rules.setting, `value pattern ${p.trim()} `, true)),
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
  for (const [k, v] of Object.entries(queue))
    if (!Number.isInteger(v) || v <= 0) throw new ConfigError(`queue.${k}`, `'${v}' is not a positive integer`);
  if (queue.maxBatch > queue.maxSize)
    throw new ConfigError('queue.maxBatch', `${queue.maxBatch} exceeds queue.maxSize ${queue.maxSize}`);
  return queue;
}
