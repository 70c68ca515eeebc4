import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { JsonLogsSerializer, JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { encodeMetricsJson } from './exemplars/otlp-json.js';
import { makeDirectory } from './make-directory.js';

/**
 * Where one process writes a signal: `<dir>/<signal>-<service>-<pid>.jsonl`, one OTLP-JSON export request
 * per line. A file per process, so processes sharing a directory never interleave partial lines.
 */
export function telemetryFile(dir: string, signal: 'traces' | 'metrics' | 'logs', service: string): string {
  return path.join(dir, `${signal}-${service.replace(/[^A-Za-z0-9_.-]/g, '_')}-${process.pid}.jsonl`);
}

/** Appends one line, creating the directory when it is missing (first export, or removed since). */
function append(file: string, bytes: Uint8Array | string | undefined): ExportResult {
  const line = `${typeof bytes === 'string' ? bytes : Buffer.from(bytes ?? new Uint8Array()).toString('utf8')}\n`;
  try {
    try {
      appendFileSync(file, line);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      makeDirectory(path.dirname(file));
      appendFileSync(file, line);
    }
    return { code: ExportResultCode.SUCCESS };
  } catch (error) {
    // A directory that cannot be made or written fails this export: counted as export_failed, reported on stderr.
    return { code: ExportResultCode.FAILED, error: error as Error };
  }
}

/** Writes spans as OTLP-JSON lines: for local runs without a collector (OBS_OTLP_ENDPOINT=file:///dir). */
export class FileSpanExporter implements SpanExporter {
  constructor(private readonly file: string) {}
  export(spans: ReadableSpan[], cb: (r: ExportResult) => void): void {
    cb(append(this.file, JsonTraceSerializer.serializeRequest(spans)));
  }
  async shutdown(): Promise<void> {}
}

/** Writes metric collections as OTLP-JSON lines (cumulative, like the OTLP exporters), exemplars included. */
export class FileMetricExporter implements PushMetricExporter {
  constructor(private readonly file: string) {}
  export(metrics: ResourceMetrics, cb: (r: ExportResult) => void): void {
    let text: string;
    try {
      text = encodeMetricsJson(metrics);
    } catch (error) {
      cb({ code: ExportResultCode.FAILED, error: error as Error });
      return;
    }
    cb(append(this.file, text));
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.CUMULATIVE;
  }
}

/** Writes log records as OTLP-JSON lines. */
export class FileLogExporter implements LogRecordExporter {
  constructor(private readonly file: string) {}
  export(logs: ReadableLogRecord[], cb: (r: ExportResult) => void): void {
    cb(append(this.file, JsonLogsSerializer.serializeRequest(logs)));
  }
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}
