// Features and model: consumes bars, computes features, infers, emits a signal and publishes it.
import { randomUUID } from 'node:crypto';
import type { SpanContext } from '@opentelemetry/api';
import { busCorrelation, injectBusHeaders, log, metrics, spans } from '../../../generated/index.js';
import { runInScope } from '../../../runtime/index.js';
import type { Envelope } from '../bus.js';
import type { BarBatch } from './ingest.js';
import { consume, sleep, TOPICS } from './common.js';

const MODEL = 'hyper@2025-09-01';

export interface Signal {
  readonly symbol: string;
  readonly mic: string;
  readonly score: number;
  readonly side: 'buy' | 'sell';
  readonly price: { scaled: number; scale: number };
}

/** Handles one bar batch from the bus: continues the producer's trace, dead-letters what cannot be decoded. */
export async function onBars(e: Envelope, publish: (e: Envelope) => void): Promise<void> {
  await consume(e, { consumer: 'ampy-model-server', producer: 'ampy-ingest', domain: 'bars' }, async (envelope) => {
    if (typeof e.payload !== 'object' || e.payload === null) {
      const error_message = 'cannot decode ampy.bars.v1.BarBatch: invalid wire type at offset 0';
      const message_id = envelope.message_id ?? '';
      spans.bus.dlq.start({ topic: e.topic, message_id, reason: 'decode_error', error_message }).end();
      log.busDlq(
        { topic: e.topic, message_id, reason: 'decode_error', error_message, ampy_bus: busCorrelation(envelope) },
        'Dead-lettered an undecodable bar batch',
      );
      metrics.bus.dlq.add(1, { topic: e.topic, reason: 'decode_error' });
      return;
    }
    const batch = e.payload as BarBatch;
    const last = batch.bars[batch.bars.length - 1]!;
    await runInScope(
      { universe_id: 'us_equities_demo', symbol: batch.symbol, mic: batch.mic, as_of: last.ts },
      async () => {
        await spans.features.compute({ window: '5m', universe_id: 'us_equities_demo', as_of: last.ts }, async () => {
          await sleep(4);
          log.featuresCompute(
            { window: '5m', universe_id: 'us_equities_demo' },
            `Computed features for ${batch.symbol}`,
          );
        });
        const score = Number(
          (((last.close.scaled - batch.bars[0]!.open.scaled) / batch.bars[0]!.open.scaled) * 50).toFixed(3),
        );
        await spans.model.infer({ model_id: MODEL, batch: batch.bars.length, horizon: '1d' }, async (span) => {
          const started = performance.now();
          await sleep(8 + batch.bars.length);
          const ms = performance.now() - started;
          span.setAttribute('latency_ms', ms);
          metrics.ml.inferenceLatencyMs.record(ms, { model_id: MODEL });
        });
        let emitted: SpanContext | undefined;
        spans.signals.emit({ model_id: MODEL, symbol: batch.symbol, score }, (span) => {
          emitted = span.spanContext();
          log.signalsEmit(
            { model_id: MODEL, symbol: batch.symbol, score },
            `Signal ${score >= 0 ? 'long' : 'short'} ${batch.symbol}`,
          );
          metrics.ml.signalsEmitted.add(1, { model_id: MODEL, domain: 'signals' });
        });
        const signal: Signal = {
          symbol: batch.symbol,
          mic: batch.mic,
          score,
          side: score >= 0 ? 'buy' : 'sell',
          price: last.close,
        };
        const out = {
          message_id: randomUUID(),
          schema_fqdn: 'ampy.signals.v1.Signal',
          topic: TOPICS.signals,
          partition_key: `${batch.mic}.${batch.symbol}`,
          run_id: envelope.run_id ?? '',
        };
        // Fan-out: the publish links to the signal it carries.
        spans.bus.publish(
          out,
          () => {
            publish({ topic: out.topic, headers: injectBusHeaders(out), payload: { ...signal, sent_at: Date.now() } });
            metrics.bus.produced.add(1, { topic: out.topic });
          },
          { links: emitted ? [emitted] : [] },
        );
      },
    );
  });
}
