import { injectBusHeaders, log, metrics, spans } from '../../../generated/index.js';
void injectBusHeaders; void log; void metrics; void spans;
// expect-error TS2322: client_order_id is high-cardinality
metrics.oms.orderSubmit.add(1, { broker: 'alpaca', outcome: 'ok', client_order_id: 'co_1' });
