import { injectBusHeaders, log, metrics, spans } from '../../../generated/index.js';
void injectBusHeaders; void log; void metrics; void spans;
// expect-error TS2345: Property 'reason' is missing
metrics.oms.rejections.add(1, { broker: 'alpaca' });
