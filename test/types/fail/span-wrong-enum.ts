import { injectBusHeaders, log, metrics, spans } from '../../../generated/index.js';
void injectBusHeaders; void log; void metrics; void spans;
// expect-error TS2322: Type '"long"' is not assignable to type 'Side'
spans.oms.submit.start({ broker: 'alpaca', client_order_id: 'co_1', side: 'long' });
