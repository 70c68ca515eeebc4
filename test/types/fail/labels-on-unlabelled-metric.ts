import { injectBusHeaders, log, metrics, spans } from '../../../generated/index.js';
void injectBusHeaders; void log; void metrics; void spans;
// expect-error TS2345: is not assignable to parameter of type 'void'
metrics.positions.snapshots.add(1, { broker: 'alpaca' });
