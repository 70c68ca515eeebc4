import { injectBusHeaders, log, metrics, spans } from '../../../generated/index.js';
void injectBusHeaders; void log; void metrics; void spans;
// expect-error TS2322: Type 'number' is not assignable to type 'Decimal'
log.orderSubmit({ client_order_id: 'co_1', broker: 'alpaca', limit_price: 191.99 }, 'Placed');
