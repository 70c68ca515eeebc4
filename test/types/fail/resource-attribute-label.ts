import { injectBusHeaders, log, metrics, spans } from '../../../generated/index.js';
void injectBusHeaders; void log; void metrics; void spans;
// expect-error TS2322: env is the resource attribute deployment.environment: it is set once at init, never per call
metrics.oms.orderSubmit.add(1, { broker: 'alpaca', outcome: 'ok', env: 'prod' });
