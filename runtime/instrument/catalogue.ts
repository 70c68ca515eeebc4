// The libraries ampyobs instruments: for each, how to create its OpenTelemetry instrumentation with the
// runtime's hooks and guardrails (API metrics and own endpoints for http, statement text without values
// for redis), and which modules it patches, to tell when one was loaded before it could be patched.
import { createRequire } from 'node:module';
import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type * as ExpressModule from '@opentelemetry/instrumentation-express';
import type * as GrpcModule from '@opentelemetry/instrumentation-grpc';
import type * as HttpModule from '@opentelemetry/instrumentation-http';
import type * as IORedisModule from '@opentelemetry/instrumentation-ioredis';
import type * as PgModule from '@opentelemetry/instrumentation-pg';
import type * as RedisModule from '@opentelemetry/instrumentation-redis';
import type * as UndiciModule from '@opentelemetry/instrumentation-undici';
import { INSTRUMENTATIONS, type InstrumentationName } from '../../conventions/index.js';
import { fastifyRoutes } from './fastify.js';
import { httpHooks } from './http.js';
import { loadedButUnpatched } from './late.js';
import { timedOperations } from './operations.js';

/** An instrumentation ampyobs enabled, whatever library it covers. */
export interface Enabled {
  readonly name: InstrumentationName;
  /** Points its spans and metrics at these providers (init's, or the API's no-op ones after shutdown). */
  setProviders(tracerProvider: TracerProvider, meterProvider: MeterProvider): void;
  /** A module it patches that was loaded before it could patch it, if any. */
  late(): string | undefined;
  disable(): void;
}

const require = createRequire(import.meta.url);

/**
 * Redis statement text without its arguments: `SET ? ?`. Keys and values often hold identifiers or
 * personal data; the command says what was done, as parameterised SQL does for pg.
 */
export function redisStatement(command: string, args: readonly unknown[]): string {
  return [command.toUpperCase(), ...args.map(() => '?')].join(' ');
}

/**
 * An OpenTelemetry instrumentation, created disabled (the constructor would patch at once) and enabled
 * here. `timed`: its command spans are also timed into db.client.operation.duration (operations.ts).
 */
function otel(name: InstrumentationName, inst: Instrumentation, timed = false): Enabled {
  inst.enable();
  return {
    name,
    setProviders(tp, mp) {
      inst.setTracerProvider(timed ? timedOperations(tp, mp, INSTRUMENTATIONS[name] ?? name) : tp);
      inst.setMeterProvider(mp);
    },
    late: () => loadedButUnpatched(inst),
    disable: () => inst.disable(),
  };
}

/** How to create each instrumentation; its package is loaded only when it is asked for. */
const CREATE: Readonly<Record<InstrumentationName, () => Enabled>> = {
  http: () => {
    const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof HttpModule;
    const enabled = otel('http', new HttpInstrumentation({ enabled: false, ...httpHooks() }));
    // Patch now: a CommonJS http loaded by the application is the same object, and servers share its prototype.
    require('node:http');
    require('node:https');
    return enabled;
  },
  undici: () => {
    const { UndiciInstrumentation } = require('@opentelemetry/instrumentation-undici') as typeof UndiciModule;
    // Its requests are recorded only while its configuration says enabled: it is created enabled
    // (subscribing to undici's diagnostics channels patches nothing).
    return otel('undici', new UndiciInstrumentation());
  },
  express: () => {
    const { ExpressInstrumentation } = require('@opentelemetry/instrumentation-express') as typeof ExpressModule;
    return otel('express', new ExpressInstrumentation({ enabled: false }));
  },
  fastify: () => fastifyRoutes(),
  pg: () => {
    const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof PgModule;
    return otel('pg', new PgInstrumentation({ enabled: false, enhancedDatabaseReporting: false }));
  },
  ioredis: () => {
    const { IORedisInstrumentation } = require('@opentelemetry/instrumentation-ioredis') as typeof IORedisModule;
    return otel('ioredis', new IORedisInstrumentation({ enabled: false, dbStatementSerializer: redisStatement }), true);
  },
  redis: () => {
    const { RedisInstrumentation } = require('@opentelemetry/instrumentation-redis') as typeof RedisModule;
    return otel(
      'redis',
      new RedisInstrumentation({ enabled: false, dbStatementSerializer: (cmd, args) => redisStatement(cmd, args) }),
      true,
    );
  },
  grpc: () => {
    const { GrpcInstrumentation } = require('@opentelemetry/instrumentation-grpc') as typeof GrpcModule;
    const enabled = otel('grpc', new GrpcInstrumentation({ enabled: false }));
    try {
      require('@grpc/grpc-js');
    } catch {
      // Not installed: nothing to patch.
    }
    return enabled;
  },
};

/**
 * Creates and enables one instrumentation. Never throws: a package that cannot be loaded (installed
 * without it, or broken) leaves that library uninstrumented, with one line on stderr saying why.
 */
export function createInstrumentation(name: InstrumentationName): Enabled | undefined {
  try {
    return CREATE[name]();
  } catch (e) {
    process.stderr.write(
      `ampyobs: cannot instrument ${name}: ${(e as Error).message.split('\n')[0]}; it goes untraced\n`,
    );
    return undefined;
  }
}
