// What the register entry (`node --import ampyobs/register`) leaves for init(): the instrumentations it
// enabled before the application loaded, and whether the module-loader hook that ESM needs is in place.
// Kept on globalThis, so init() finds it whichever copy of the runtime module graph it runs in.
import type { InstrumentationName } from '../../conventions/index.js';
import type { Enabled } from './catalogue.js';

/** The instrumentations enabled in this process, and how. */
export interface InstrumentationState {
  /** Enabled instrumentations by name. */
  readonly enabled: Map<InstrumentationName, Enabled>;
  /** Whether `ampyobs/register` ran: the loader hook is registered and modules imported afterwards are patched. */
  readonly registered: boolean;
}

const KEY = Symbol.for('ampyobs.instrumentation');
type Holder = { [KEY]?: InstrumentationState };

/** The state the register entry left, if it ran. */
export function preloaded(): InstrumentationState | undefined {
  const s = (globalThis as Holder)[KEY];
  return s?.registered ? s : undefined;
}

/** This process's instrumentation state, created on first use. */
export function instrumentationState(registered = false): InstrumentationState {
  const holder = globalThis as Holder;
  holder[KEY] ??= { enabled: new Map(), registered };
  if (registered && !holder[KEY].registered) holder[KEY] = { enabled: holder[KEY].enabled, registered };
  return holder[KEY];
}
