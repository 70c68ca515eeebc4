import { injectBusHeaders, log, metrics, spans } from '../../../generated/index.js';
void injectBusHeaders; void log; void metrics; void spans;
// expect-error TS2741: Property 'client_order_id' is missing
spans.oms.submit.start({ broker: 'alpaca', side: 'buy' });
