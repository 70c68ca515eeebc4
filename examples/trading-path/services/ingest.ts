// yfinance-style ingester: fetches 1-minute bars and publishes them to ampy-bus.
import { randomUUID } from 'node:crypto';
import { injectBusHeaders, log, metrics, spans } from '../../../generated/index.js';
import type { Envelope } from '../bus.js';
import { sleep, TOPICS } from './common.js';

export interface Bar {
  readonly ts: string;
  readonly open: { scaled: number; scale: number };
  readonly close: { scaled: number; scale: number };
  readonly volume: number;
}
export interface BarBatch {
  readonly symbol: string;
  readonly mic: string;
  readonly bars: readonly Bar[];
  /** Corrupt on purpose: the consumer cannot decode it and dead-letters it. */
  readonly corrupt?: boolean;
}

/** Fetches one batch and publishes it; the publish continues the fetch's trace. */
export async function ingestBatch(batch: BarBatch, runId: string, publish: (e: Envelope) => void): Promise<void> {
  const count = batch.bars.length;
  await spans.ingest.fetch(
    { source: 'yfinance', dataset: 'bars_1m', symbol: batch.symbol, mic: batch.mic, count },
    async () => {
      await sleep(3);
      const bytes = Buffer.byteLength(JSON.stringify(batch));
      log.barsIngest(
        { source: 'yfinance', dataset: 'bars_1m', symbol: batch.symbol, mic: batch.mic, count },
        `Ingested ${count} bars for ${batch.mic}.${batch.symbol}`,
      );
      metrics.ingest.batchRecords.record(count, { source: 'yfinance', domain: 'bars' });
      metrics.ingest.batchSizeBytes.record(bytes, { source: 'yfinance', domain: 'bars' });
      metrics.ingest.throughputMsgsPerS.set(count * 60, { source: 'yfinance', domain: 'bars' });
      metrics.ingest.freshnessMs.set(1200, { source: 'yfinance', domain: 'bars' });
      metrics.ingest.freshnessMs.set(45_000, { source: 'benzinga', domain: 'news' });

      const envelope = {
        message_id: randomUUID(),
        schema_fqdn: 'ampy.bars.v1.BarBatch',
        topic: TOPICS.bars,
        partition_key: `${batch.mic}.${batch.symbol}`,
        run_id: runId,
      };
      await spans.ingest.publish(
        { topic: envelope.topic, message_id: envelope.message_id, schema_fqdn: envelope.schema_fqdn, records: count },
        () =>
          spans.bus.publish(envelope, () => {
            const payload = batch.corrupt ? '\u0000garbled-protobuf' : { ...batch, sent_at: Date.now() };
            publish({ topic: envelope.topic, headers: injectBusHeaders(envelope), payload });
            metrics.bus.produced.add(1, { topic: envelope.topic });
          }),
      );
    },
  );
}
