import { JsonMetricsSerializer } from '@opentelemetry/otlp-transformer';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { exemplarsOf } from './exemplar.js';

type Json = Record<string, unknown>;
const list = (v: unknown): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

/**
 * The OTLP/JSON ExportMetricsServiceRequest of a collection, exemplars included: upstream's JSON
 * serializer writes the rest, in the collection's order, and each data point that has exemplars gets
 * them in OTLP/JSON form (ids in hex, nanoseconds as a string).
 */
export function encodeMetricsJson(rm: ResourceMetrics): string {
  const text = Buffer.from(JsonMetricsSerializer.serializeRequest(rm) ?? new Uint8Array()).toString('utf8');
  if (!rm.scopeMetrics.some((sm) => sm.metrics.some((m) => m.dataPoints.some((dp) => exemplarsOf(dp).length > 0))))
    return text;
  const req = JSON.parse(text) as Json;
  const scopes = list(list(req['resourceMetrics'])[0]?.['scopeMetrics']);
  rm.scopeMetrics.forEach((sm, i) =>
    sm.metrics.forEach((m, j) => {
      const jm = list(scopes[i]?.['metrics'])[j];
      const data = (jm?.['sum'] ?? jm?.['histogram'] ?? jm?.['gauge']) as Json | undefined;
      const points = list(data?.['dataPoints']);
      m.dataPoints.forEach((dp, k) => {
        const ex = exemplarsOf(dp);
        if (ex.length && points[k])
          points[k]['exemplars'] = ex.map((e) => ({
            timeUnixNano: String(BigInt(Math.round(e.timeMs * 1000)) * 1000n),
            asDouble: e.value,
            spanId: e.spanId,
            traceId: e.traceId,
          }));
      });
    }),
  );
  return JSON.stringify(req);
}
