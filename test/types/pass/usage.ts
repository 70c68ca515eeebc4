// Everyday use of the generated helpers: all of this must compile under strict settings.
import {
  busCorrelation,
  extractBusContext,
  injectBusHeaders,
  log,
  metrics,
  spans,
  type ContextCore,
  type OmsRejectionsLabels,
  type RejectReason,
} from '../../../generated/index.js';
import { runInScope } from '../../../runtime/index.js';

export async function submit(client_order_id: string, reason: RejectReason): Promise<void> {
  metrics.oms.orderSubmit.add(1, { broker: 'alpaca', outcome: 'ok' });
  metrics.oms.rejections.add(1, { broker: 'alpaca', reason: 'risk_check' });
  metrics.oms.rejections.add(1, { broker: 'ibkr', reason });
  metrics.oms.orderLatencyMs.record(12.5, { broker: 'paper' });
  metrics.bus.consumed.add(1, { topic: 'ampy/prod/orders/v1/requests' }); // optional producer omitted
  metrics.bus.consumerLag.set(42, { topic: 'ampy/prod/bars/v1/1m', consumer: 'ampy-features' });
  metrics.positions.snapshots.add(1); // no labels: the argument is omitted
  metrics.runtime.openFds.set(17);
  const labels: OmsRejectionsLabels = { broker: 'alpaca', reason: 'insufficient_funds' };
  metrics.oms.rejections.add(1, labels);

  await spans.oms.submit(
    { broker: 'alpaca', client_order_id, side: 'buy', notional_usd: { scaled: 1919900, scale: 2 } },
    async (span) => {
      span.addEvent('risk checks passed');
    },
  );
  const ack = spans.broker.ack.start({ broker_order_id: 'b-1', status: 'rejected', broker: 'alpaca' });
  ack.end();

  log.orderReject(
    { client_order_id, reject_reason: 'risk_check', http_status: 429, retry_in: '250ms' },
    'Order rejected by broker',
  );
  log.orderSubmit(
    {
      client_order_id,
      broker: 'alpaca',
      symbol: 'AAPL',
      mic: 'XNAS',
      limit_price: { scaled: 1919900n, scale: 4 },
      quantity: { scaled: 1000000, scale: 2 },
      tif: 'DAY',
    },
    'Placed limit order',
  );

  const envelope = {
    message_id: 'm-1',
    schema_fqdn: 'ampy.orders.v1.OrderRequest',
    topic: 'ampy/prod/orders/v1/requests',
    partition_key: client_order_id,
  };
  const headers = spans.bus.publish({ ...envelope }, () => injectBusHeaders(envelope));
  const { context, envelope: received } = extractBusContext(headers);
  spans.bus.consume(
    { topic: received.topic ?? '', message_id: received.message_id ?? '', schema_fqdn: 'x', partition_key: 'p' },
    () => {
      log.busDlq(
        { topic: 't', message_id: 'm-1', reason: 'max_retries', ampy_bus: busCorrelation(received) },
        'Dead-lettered',
      );
    },
    { parent: context, links: [] },
  );

  const scope: ContextCore = { run_id: 'live_trading_44', client_order_id, as_of: new Date() };
  runInScope({ run_id: scope.run_id, client_order_id }, () =>
    log.fillsUpdate(
      { account_id: 'A-1', fill_qty: { scaled: 5, scale: 0 }, price: { scaled: 19198, scale: 2 } },
      'Fill',
    ),
  );
}
