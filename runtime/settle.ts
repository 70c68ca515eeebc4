// Wrapping an application's callback without changing what it does: span helpers end their span, and
// the escape hatch's logOperation writes its end line, when the callback (or its promise) settles.
// runInSpan (spans.ts) spells whenSettled out, so that a span helper call allocates no closures.

/** Whether a callback's result is a thenable; a `then` getter that throws makes it a plain value. */
export function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  if ((typeof v !== 'object' && typeof v !== 'function') || v === null) return false;
  try {
    return typeof (v as { then?: unknown }).then === 'function';
  } catch {
    // A result whose `then` getter throws is returned as it is: it is the application's value.
    return false;
  }
}

/**
 * Runs `run` exactly once and calls `ok` or `failed` when it settles: at once for a value or a throw,
 * when the promise settles for a thenable (then a promise of the same outcome is returned). The result
 * or error passes through unchanged; `ok` and `failed` must not throw.
 */
export function whenSettled<T>(run: () => T, ok: () => void, failed: (err: unknown) => void): T {
  let result: T;
  try {
    result = run();
  } catch (err) {
    failed(err);
    throw err;
  }
  if (isPromiseLike(result)) {
    return Promise.resolve(result).then(
      (v) => {
        ok();
        return v;
      },
      (err: unknown) => {
        failed(err);
        throw err;
      },
    ) as T;
  }
  ok();
  return result;
}
