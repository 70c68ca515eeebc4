// Auto-instrumentation for init() and the register entry: enables the instrumentations the settings
// select (reusing those `ampyobs/register` enabled before the application loaded), hands them init()'s
// providers, and says when a library was loaded too late to be patched.
import { metrics, trace, type MeterProvider, type TracerProvider } from '@opentelemetry/api';
import type { InstrumentationName } from '../../conventions/index.js';
import { createInstrumentation } from './catalogue.js';
import { reportLate } from './late.js';
import { instrumentationState } from './state.js';

export { instrumentationViews } from './guardrails.js';
export { setOwnPorts } from './http.js';

/** Enables these instrumentations in this process (the ones already enabled stay as they are). */
export function enableInstrumentations(names: readonly InstrumentationName[], registered = false): void {
  const state = instrumentationState(registered);
  for (const name of names) {
    if (state.enabled.has(name)) continue;
    const e = createInstrumentation(name);
    if (e) state.enabled.set(name, e);
  }
}

/** What init() holds of the instrumentation: its providers go in at start and out at shutdown. */
export interface RunningInstrumentation {
  readonly names: readonly InstrumentationName[];
  /** The late-check timer, cleared at shutdown. */
  stop(): void;
}

/** How long after init() modules are checked once more: dynamic imports of an ESM application come later. */
const LATE_CHECK_MS = 5000;

/**
 * Makes the enabled instrumentations exactly `names`, pointed at these providers (metrics need it:
 * instruments created before init() belong to the API's no-op provider), and reports modules that were
 * loaded before they could be patched, now and once more a little later.
 */
export function startInstrumentation(
  names: readonly InstrumentationName[],
  tracerProvider: TracerProvider | undefined,
  meterProvider: MeterProvider | undefined,
): RunningInstrumentation {
  const state = instrumentationState();
  for (const [name, e] of state.enabled)
    if (!names.includes(name)) {
      e.disable();
      state.enabled.delete(name);
    }
  enableInstrumentations(names);
  const tp = tracerProvider ?? trace.getTracerProvider();
  const mp = meterProvider ?? metrics.getMeterProvider();
  for (const e of state.enabled.values()) e.setProviders(tp, mp);
  const check = (): void => {
    const late = [...state.enabled.values()].flatMap((e) => {
      const module = e.late();
      return module ? [{ name: e.name, module }] : [];
    });
    reportLate(late, state.registered);
  };
  check();
  const timer = names.length ? setTimeout(check, LATE_CHECK_MS).unref() : undefined;
  return {
    names: [...state.enabled.keys()],
    stop() {
      clearTimeout(timer);
      // The providers are shut down: point the instrumentations back at the API's (no-op once disabled).
      for (const e of state.enabled.values()) e.setProviders(trace.getTracerProvider(), metrics.getMeterProvider());
    },
  };
}
