import { injectBusHeaders, log, metrics, spans } from '../../../generated/index.js';
void injectBusHeaders; void log; void metrics; void spans;
// expect-error TS2741: Property 'reject_reason' is missing
log.orderReject({ client_order_id: 'co_1' }, 'Order rejected');
