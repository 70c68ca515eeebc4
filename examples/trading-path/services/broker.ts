// broker-alpaca: acknowledges orders (one is rejected by risk checks, one is slow) and reports fills.
import { randomUUID } from 'node:crypto';
import { injectBusHeaders, log, metrics, spans } from '../../../generated/index.js';
import { runInScope } from '../../../runtime/index.js';
import type { Envelope } from '../bus.js';
import type { OrderAck, OrderRequest } from './oms.js';
import { consume, sleep, TOPICS } from './common.js';

/** Which orders the simulated broker treats specially, by client order id suffix. */
export const SCENARIO = { rejectSuffix: '_003', slowSuffix: '_005', slowMs: 650 } as const;

export interface Fill {
  readonly client_order_id: string;
  readonly account_id: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly fill_qty: { scaled: number; scale: number };
  readonly price: { scaled: number; scale: number };
}

/** Handles an order request: ack (or reject) after the broker's latency, then a fill. */
export async function onOrder(e: Envelope, publish: (e: Envelope) => void): Promise<void> {
  const order = e.payload as OrderRequest;
  await consume(e, { consumer: 'broker-alpaca', producer: 'ampy-oms', domain: 'orders' }, async (envelope) => {
    const rejected = order.client_order_id.endsWith(SCENARIO.rejectSuffix);
    await sleep(
      order.client_order_id.endsWith(SCENARIO.slowSuffix) ? SCENARIO.slowMs : 15 + (order.symbol.length % 4) * 5,
    );
    const broker_order_id = randomUUID();
    const status = rejected ? 'rejected' : 'accepted';
    await runInScope({ client_order_id: order.client_order_id, symbol: order.symbol, mic: order.mic }, async () => {
      spans.broker.ack({ broker_order_id, status, broker: 'alpaca', client_order_id: order.client_order_id }, () => {
        if (rejected) {
          log.orderReject(
            {
              client_order_id: order.client_order_id,
              reject_reason: 'risk_check',
              broker: 'alpaca',
              http_status: 429,
              retry_in: '250ms',
              secret_ref: 'aws-sm://ALPACA_SECRET#value',
              broker_payload: `{"code":42210000,"message":"insufficient buying power","key":"AKIAIOSFODNN7EXAMPLE"}`,
            },
            `Order rejected by broker: 429 from https://paper-api.alpaca.markets (auth ${order.auth})`,
          );
        } else
          log.brokerAck(
            { client_order_id: order.client_order_id, broker_order_id, status, broker: 'alpaca' },
            'Order accepted',
          );
        const ack: OrderAck = rejected
          ? {
              client_order_id: order.client_order_id,
              broker_order_id,
              status,
              reject_reason: 'risk_check',
              http_status: 429,
            }
          : { client_order_id: order.client_order_id, broker_order_id, status };
        const out = {
          message_id: randomUUID(),
          schema_fqdn: 'ampy.orders.v1.OrderAck',
          topic: TOPICS.acks,
          partition_key: order.client_order_id,
          run_id: envelope.run_id ?? '',
        };
        spans.bus.publish(out, () =>
          publish({ topic: out.topic, headers: injectBusHeaders(out), payload: { ...ack, sent_at: Date.now() } }),
        );
        metrics.bus.produced.add(1, { topic: out.topic });
        if (rejected) return;
        const fill: Fill = {
          client_order_id: order.client_order_id,
          account_id: order.account_id,
          symbol: order.symbol,
          side: order.side,
          fill_qty: order.quantity,
          price: order.limit_price,
        };
        const fillOut = {
          message_id: randomUUID(),
          schema_fqdn: 'ampy.fills.v1.Fill',
          topic: TOPICS.fills,
          partition_key: order.client_order_id,
          run_id: envelope.run_id ?? '',
        };
        spans.bus.publish(fillOut, () =>
          publish({
            topic: fillOut.topic,
            headers: injectBusHeaders(fillOut),
            payload: { ...fill, sent_at: Date.now() },
          }),
        );
        metrics.bus.produced.add(1, { topic: fillOut.topic });
      });
    });
  });
}
