import { injectBusHeaders, log, metrics, spans } from '../../../generated/index.js';
void injectBusHeaders; void log; void metrics; void spans;
// expect-error TS2820: Did you mean '"risk_check"'?
metrics.oms.rejections.add(1, { broker: 'alpaca', reason: 'riskcheck' });
