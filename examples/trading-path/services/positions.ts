// Fills and positions: applies fills and snapshots positions.
import { log, metrics, spans } from '../../../generated/index.js';
import { runInScope } from '../../../runtime/index.js';
import type { Envelope } from '../bus.js';
import type { Fill } from './broker.js';
import { consume } from './common.js';

const positions = new Map<string, { qty: number; cost: number }>();

/** Applies a fill and snapshots the position it changes. */
export async function onFill(e: Envelope): Promise<void> {
  const fill = e.payload as Fill & { sent_at: number };
  await consume(e, { consumer: 'ampy-positions', producer: 'broker-alpaca', domain: 'fills' }, async () => {
    await runInScope({ client_order_id: fill.client_order_id, symbol: fill.symbol }, async () => {
      spans.fills.update(
        {
          fill_qty: fill.fill_qty,
          price: fill.price,
          account_id: fill.account_id,
          client_order_id: fill.client_order_id,
        },
        () => {
          log.fillsUpdate(
            {
              account_id: fill.account_id,
              fill_qty: fill.fill_qty,
              price: fill.price,
              client_order_id: fill.client_order_id,
              symbol: fill.symbol,
            },
            'Fill applied',
          );
          metrics.oms.fills.add(1, { broker: 'alpaca', side: fill.side });
        },
      );
      const p = positions.get(fill.symbol) ?? { qty: 0, cost: 0 };
      const qty = fill.fill_qty.scaled / 10 ** fill.fill_qty.scale;
      const px = fill.price.scaled / 10 ** fill.price.scale;
      const signed = fill.side === 'buy' ? qty : -qty;
      positions.set(fill.symbol, { qty: p.qty + signed, cost: p.cost + signed * px });
      const now = positions.get(fill.symbol)!;
      const pnl = { scaled: Math.round((now.qty * px - now.cost) * 100), scale: 2 };
      spans.positions.snapshot({ account_id: fill.account_id, symbol: fill.symbol, pnl_unrealized: pnl }, () => {
        log.positionsSnapshot(
          {
            account_id: fill.account_id,
            symbol: fill.symbol,
            quantity: { scaled: Math.round(now.qty * 100), scale: 2 },
            pnl_unrealized: pnl,
          },
          `Position ${fill.symbol}`,
        );
        metrics.positions.snapshots.add(1);
        metrics.positions.snapshotLagMs.set(Math.max(0, Date.now() - fill.sent_at));
      });
    });
  });
}
