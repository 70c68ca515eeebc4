import { injectBusHeaders, log, metrics, spans } from '../../../generated/index.js';
void injectBusHeaders; void log; void metrics; void spans;
// expect-error TS2322: symbol is high-cardinality: record it on a span or log event, never as a metric label
metrics.oms.rejections.add(1, { broker: 'alpaca', reason: 'risk_check', symbol: 'AAPL' });
