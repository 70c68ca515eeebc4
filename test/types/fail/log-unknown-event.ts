import { injectBusHeaders, log, metrics, spans } from '../../../generated/index.js';
void injectBusHeaders; void log; void metrics; void spans;
// expect-error TS2339: Property 'orderCancel' does not exist
log.orderCancel({ client_order_id: 'co_1' }, 'Cancelled');
