// The escape hatch: free-form loggers, ad-hoc spans and ad-hoc metrics for what the spec does not list
// yet. Every one is marked (conventions/: ADHOC_SCOPE, ADHOC_SPAN_ATTRIBUTE, ADHOC_LINE_KEY) and counted
// in ampy.obs.adhoc_signals by kind, so `ampyobs live-check` can list it for promotion into the spec.
import { gauge, counter, histogram } from './metrics.js';
import { logger, logOperation } from './logger.js';
import { trace } from './trace.js';

export {
  AdhocMetricError,
  counter,
  gauge,
  histogram,
  type AdhocCounter,
  type AdhocGauge,
  type AdhocHistogram,
  type AdhocLabels,
  type AdhocMetricOptions,
} from './metrics.js';
export { logger, logOperation, type LogFields, type Logger } from './logger.js';
export { trace, type AdhocAttributes } from './trace.js';

/** The escape hatch as init()'s result carries it (`obs.logger('component')`): the same functions as the runtime exports. */
export interface AdhocApi {
  /** A free-form structured logger for a component; see {@link logger}. */
  readonly logger: typeof logger;
  /** Times an operation with a start and an end line; see {@link logOperation}. */
  readonly logOperation: typeof logOperation;
  /** Runs a function in an ad-hoc span; see {@link trace}. */
  readonly trace: typeof trace;
  /** Registers an ad-hoc counter; see {@link counter}. */
  readonly counter: typeof counter;
  /** Registers an ad-hoc histogram; see {@link histogram}. */
  readonly histogram: typeof histogram;
  /** Registers an ad-hoc gauge; see {@link gauge}. */
  readonly gauge: typeof gauge;
}

export const adhocApi: AdhocApi = { logger, logOperation, trace, counter, histogram, gauge };
