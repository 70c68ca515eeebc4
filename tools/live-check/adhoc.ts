// The marker of ad-hoc signals (the escape hatch's spans, metrics and log lines outside the spec), as the
// project defines it: live-check lists them as candidates for promotion into the spec, not as errors.
// Kept here until the runtime has a conventions module to hold them; the escape hatch marks its signals
// with the same values.

/** Instrumentation scope of ad-hoc spans, metrics and OTLP log records. */
export const ADHOC_SCOPE = 'ampyobs.adhoc';
/** Attribute every ad-hoc span also carries (value true). */
export const ADHOC_SPAN_ATTRIBUTE = 'ampy.adhoc';
/** Key a free-form JSON log line carries (value true). */
export const ADHOC_LINE_KEY = 'adhoc';
