import { injectBusHeaders, log, metrics, spans } from '../../../generated/index.js';
void injectBusHeaders; void log; void metrics; void spans;
// expect-error TS2339: Property 'add' does not exist
metrics.oms.orderLatencyMs.add(1, { broker: 'alpaca' });
