import { injectBusHeaders, log, metrics, spans } from '../../../generated/index.js';
void injectBusHeaders; void log; void metrics; void spans;
// expect-error TS2353: 'venue' does not exist in type
metrics.oms.rejections.add(1, { broker: 'alpaca', reason: 'risk_check', venue: 'XNAS' });
