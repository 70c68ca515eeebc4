// The ampyobs runtime: the narrow seam generated helpers call, and the context and bus APIs.
export type {
  AttributeValue,
  Decimal,
  EventDescriptor,
  FieldDescriptor,
  MetricDescriptor,
  SpanDescriptor,
  Timestamp,
} from './types.js';
export {
  defineCounter,
  defineGauge,
  defineHistogram,
  defineUpDownCounter,
  type CounterHelper,
  type GaugeHelper,
  type HistogramHelper,
  type UpDownCounterHelper,
} from './metrics.js';
export { defineSpan, type SpanHelper, type SpanOptions } from './spans.js';
export {
  configureLogs,
  defineEvent,
  EventLine,
  flushLogs,
  type BusCorrelation,
  type EventHelper,
  type EventSerializer,
  type LogDestination,
  type LogResource,
} from './logs.js';
export { activeTraceIds, runInScope, scopeValues, withScopeValues, type ScopeValues } from './context.js';
export {
  extractEnvelope,
  extractTraceContext,
  injectEnvelope,
  injectTraceHeaders,
  pickEnvelope,
  type BusHeaders,
} from './bus.js';
export { providerEpoch, useProviders } from './providers.js';
export { fingerprint } from './redact.js';
export { decimalToString } from './values.js';
export { init, observability, type Observability, type ObsStatus } from './init.js';
export {
  ConfigError,
  resolveConfig,
  parseHeaders,
  type Environment,
  type EnvironmentAlias,
  type ExportChoice,
  type InitOptions,
  type LogLevel,
  type ObsConfig,
  type SamplerName,
  type SpecDefaults,
} from './config.js';
export {
  AdhocMetricError,
  counter,
  gauge,
  histogram,
  logger,
  logOperation,
  trace,
  type AdhocAttributes,
  type AdhocCounter,
  type AdhocGauge,
  type AdhocHistogram,
  type AdhocLabels,
  type AdhocMetricOptions,
  type LogFields,
  type Logger,
} from './adhoc/index.js';
export { INSTRUMENTATION_NAMES, type InstrumentOption } from './instrument/select.js';
export type { InstrumentationName } from '../conventions/index.js';
export { Redactor, redactor } from './redact.js';
export {
  ADHOC_LINE_KEY,
  ADHOC_SCOPE,
  ADHOC_SPAN_ATTRIBUTE,
  ALWAYS_SAMPLE_ATTRIBUTE,
  OVERFLOW_VALUE,
  REDACTED,
} from '../conventions/index.js';
export { countDropped, dropTotals, type DropReason, type Signal } from './self-metrics.js';
export { createSampler, SafetyCriticalSampler } from './sampler.js';
export { createTracing, spanLimits, type ResolvedSpanLimits, type SpanPipeline } from './span-records.js';
export type { QueueStats } from './export-queue.js';
export type { SurfaceHandler } from './admin/handler.js';
export type { FastifySurfacePlugin } from './admin/fastify.js';
export type { HealthCheck, HealthReport } from './admin/health.js';
export type { AdminOptions } from './admin/config.js';
export type { SloDefinition } from './slo/definition.js';
export type { GroupFigures, SloFigures, TierFigures, WindowFigures } from './slo/evaluate.js';
