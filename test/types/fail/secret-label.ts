import { injectBusHeaders, log, metrics, spans } from '../../../generated/index.js';
void injectBusHeaders; void log; void metrics; void spans;
// expect-error TS2322: secret_ref is secret: it can never be a metric label
metrics.oms.orderSubmit.add(1, { broker: 'alpaca', outcome: 'ok', secret_ref: 'aws-sm://x' });
