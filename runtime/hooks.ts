// Breaks the import cycle between metric helpers and the SDK's self-metrics, which are metric helpers too.

type InvalidInputHook = (reason: 'invalid_label' | 'invalid_value') => void;

let hook: InvalidInputHook = () => {};

/** Reports bad input from an untyped caller (the self-metrics module installs the counter). */
export function invalidInput(reason: 'invalid_label' | 'invalid_value'): void {
  hook(reason);
}

/** Installs the counter of bad input. */
export function setInvalidInputHook(f: InvalidInputHook): void {
  hook = f;
}
