import { injectBusHeaders, log, metrics, spans } from '../../../generated/index.js';
void injectBusHeaders; void log; void metrics; void spans;
// expect-error TS2322: Type 'string' is not assignable to type 'number'
log.orderReject({ client_order_id: 'co_1', reject_reason: 'risk_check', http_status: '429' }, 'Order rejected');
