// OMS: turns signals into orders, sends them to the broker, and tracks acknowledgements.
import { randomUUID } from 'node:crypto';
import { injectBusHeaders, log, metrics, spans, type RejectReason } from '../../../generated/index.js';
import { runInScope } from '../../../runtime/index.js';
import type { Envelope } from '../bus.js';
import type { Signal } from './model-server.js';
import { consume, TOPICS } from './common.js';

export interface OrderRequest {
  readonly client_order_id: string;
  readonly account_id: string;
  readonly symbol: string;
  readonly mic: string;
  readonly side: 'buy' | 'sell';
  readonly limit_price: { scaled: number; scale: number };
  readonly quantity: { scaled: number; scale: number };
  /** Broker credentials ride along in the request; they must never reach telemetry. */
  readonly auth: string;
}
export interface OrderAck {
  readonly client_order_id: string;
  readonly broker_order_id: string;
  readonly status: 'accepted' | 'rejected';
  readonly reject_reason?: RejectReason;
  readonly http_status?: number;
}

const submitted = new Map<string, number>();
let sequence = 0;

/** Places an order for a signal. */
export async function onSignal(
  e: Envelope,
  publish: (e: Envelope) => void,
  accountId = 'ALPACA-PAPER-01',
): Promise<void> {
  const signal = e.payload as Signal;
  await consume(e, { consumer: 'ampy-oms', producer: 'ampy-model-server', domain: 'signals' }, async (envelope) => {
    const client_order_id = `co_20250905_${String(++sequence).padStart(3, '0')}`;
    const order: OrderRequest = {
      client_order_id,
      account_id: accountId,
      symbol: signal.symbol,
      mic: signal.mic,
      side: signal.side,
      limit_price: signal.price,
      quantity: { scaled: 1000, scale: 2 },
      auth: 'Bearer pk_live_Zt9sQ2example4Demo7Secret',
    };
    const notional = {
      scaled: Math.round((order.limit_price.scaled * order.quantity.scaled) / 10 ** order.quantity.scale),
      scale: order.limit_price.scale,
    };
    await runInScope({ client_order_id, symbol: signal.symbol, mic: signal.mic }, async () => {
      await spans.oms.submit(
        { broker: 'alpaca', client_order_id, side: order.side, notional_usd: notional, symbol: signal.symbol },
        async (span) => {
          // A careless debug attribute: the redactor scrubs the bearer token out of it.
          span.setAttribute('order.debug', JSON.stringify(order));
          log.orderSubmit(
            {
              client_order_id,
              broker: 'alpaca',
              account_id: accountId,
              symbol: order.symbol,
              mic: order.mic,
              side: order.side,
              limit_price: order.limit_price,
              quantity: order.quantity,
              tif: 'DAY',
              notional_usd: notional,
            },
            'Placed limit order',
          );
          submitted.set(client_order_id, performance.now());
          const out = {
            message_id: randomUUID(),
            schema_fqdn: 'ampy.orders.v1.OrderRequest',
            topic: TOPICS.orders,
            partition_key: client_order_id,
            run_id: envelope.run_id ?? '',
          };
          spans.bus.publish(out, () => {
            publish({ topic: out.topic, headers: injectBusHeaders(out), payload: { ...order, sent_at: Date.now() } });
            metrics.bus.produced.add(1, { topic: out.topic });
          });
        },
      );
    });
  });
}

/** Records the broker's acknowledgement: latency, outcome, and rejects (always traced). */
export async function onAck(e: Envelope): Promise<void> {
  const ack = e.payload as OrderAck;
  await consume(e, { consumer: 'ampy-oms', producer: 'broker-alpaca', domain: 'orders' }, async () => {
    const started = submitted.get(ack.client_order_id);
    if (started !== undefined) metrics.oms.orderLatencyMs.record(performance.now() - started, { broker: 'alpaca' });
    await runInScope({ client_order_id: ack.client_order_id }, async () => {
      if (ack.status === 'rejected') {
        await spans.oms.reject(
          {
            broker: 'alpaca',
            client_order_id: ack.client_order_id,
            reject_reason: ack.reject_reason ?? 'broker_error',
            ...(ack.http_status !== undefined && { http_status: ack.http_status }),
          },
          async () => {
            metrics.oms.rejections.add(1, { broker: 'alpaca', reason: ack.reject_reason ?? 'broker_error' });
            metrics.oms.orderSubmit.add(1, { broker: 'alpaca', outcome: 'reject' });
          },
        );
      } else metrics.oms.orderSubmit.add(1, { broker: 'alpaca', outcome: 'ok' });
    });
  });
}
