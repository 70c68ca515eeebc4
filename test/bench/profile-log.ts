// Profiles the log event helper against raw pino (node --cpu-prof): what the extra time is spent on.
import { pino } from 'pino';
import { log } from '../../generated/index.js';
import { configureLogs, runInScope } from '../../runtime/index.js';

const dest = pino.destination({ dest: '/dev/null', sync: false, minLength: 4096 });
await new Promise<void>((r) => dest.once('ready', () => r()));
configureLogs({ resource: { service: 'bench', env: 'dev', service_version: '1' }, destination: dest, level: 'info' });
const raw = pino({ base: { service: 'bench', env: 'dev', service_version: '1' }, messageKey: 'message' }, dest);
const which = process.argv[2] ?? 'helper';
const t0 = performance.now();
runInScope({ run_id: 'live_trading_44', client_order_id: 'co_20250905_001', symbol: 'AAPL' }, () => {
  for (let i = 0; i < 300_000; i++) {
    if (which === 'helper')
      log.orderSubmit(
        { client_order_id: 'co_20250905_001', broker: 'alpaca', symbol: 'AAPL', mic: 'XNAS', side: 'buy', tif: 'DAY' },
        'Placed limit order',
      );
    else
      raw.info(
        {
          run_id: 'live_trading_44',
          client_order_id: 'co_20250905_001',
          symbol: 'AAPL',
          broker: 'alpaca',
          mic: 'XNAS',
          side: 'buy',
          tif: 'DAY',
          event: 'order.submit',
        },
        'Placed limit order',
      );
  }
});
process.stdout.write(`${which}: ${(((performance.now() - t0) / 300_000) * 1e6).toFixed(0)} ns/op\n`);
