// What tests of untyped callers share: a value no reflective operation works on, and how much a drop
// counter grew while a call ran.
import { dropTotals } from '../../runtime/index.js';

/** A revoked Proxy: `instanceof`, listing its keys and reading them all throw. */
export function revoked(): object {
  const r = Proxy.revocable({}, {});
  r.revoke();
  return r.proxy;
}

/** What `f` returned, and how much the drop counter `signal:reason` (e.g. `logs:invalid_field`) grew while it ran. */
export function dropGrowth<T>(key: string, f: () => T): [T, number] {
  const before = dropTotals().get(key) ?? 0;
  const out = f();
  return [out, (dropTotals().get(key) ?? 0) - before];
}
