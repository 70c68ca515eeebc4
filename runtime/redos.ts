// Redaction value patterns run over every string that leaves the process: one that backtracks
// super-linearly (the old `jwt` pattern took seconds on 90 KB of `eyJ…`) stalls the service. recheck
// (an automata-theory and fuzzing ReDoS analyser) decides, once per pattern, at generate time and at init.
import { createRequire } from 'node:module';

interface Diagnostics {
  readonly status: 'safe' | 'vulnerable' | 'unknown';
  readonly complexity?: { readonly summary: string };
  readonly attack?: { readonly pattern: string };
  readonly error?: { readonly kind: string; readonly message?: string };
}
interface Params {
  readonly timeout: number | null;
  readonly attackTimeout: null;
  readonly incubationTimeout: null;
  readonly seedingTimeout: null;
  readonly randomSeed: number;
}
type CheckSync = (source: string, flags: string, params?: Params) => Diagnostics;

let checkSync: CheckSync | undefined;
const verdicts = new Map<string, string | null>();

/**
 * Why `source` can take super-linear time on some input, or undefined when it is shown linear.
 * `backend`: `pure` runs recheck's JavaScript build in this thread (init: no child process in a
 * service); `auto` lets recheck use its native build when installed (generate: about 6× faster).
 */
export function superLinear(source: string, backend: 'pure' | 'auto', timeoutMillis = 10_000): string | undefined {
  const known = verdicts.get(source);
  if (known !== undefined) return known ?? undefined;
  checkSync ??= (createRequire(import.meta.url)('recheck') as { checkSync: CheckSync }).checkSync;
  // recheck reads its backend from the environment on each call; set it for this call only.
  const saved = process.env['RECHECK_SYNC_BACKEND'];
  if (backend === 'pure') process.env['RECHECK_SYNC_BACKEND'] = 'pure';
  let d: Diagnostics;
  try {
    // The fuzzer's per-attempt time limits make the verdict depend on machine load (a starved attempt
    // counts as an attack that worked); without them its step limits alone decide, with a fixed seed,
    // so a pattern gets the same verdict on every machine. Only the whole check stays bounded in time.
    d = checkSync(source, '', {
      timeout: timeoutMillis,
      attackTimeout: null,
      incubationTimeout: null,
      seedingTimeout: null,
      randomSeed: 0,
    });
  } finally {
    if (saved === undefined) delete process.env['RECHECK_SYNC_BACKEND'];
    else process.env['RECHECK_SYNC_BACKEND'] = saved;
  }
  const why =
    d.status === 'safe'
      ? null
      : d.status === 'vulnerable'
        ? `backtracks super-linearly (${d.complexity?.summary ?? 'vulnerable'}) on input like ${d.attack?.pattern ?? 'a crafted string'}; anchor its repetitions or bound them`
        : `cannot be shown to run in linear time (${d.error?.kind ?? 'unknown'}${d.error?.message ? `: ${d.error.message}` : ''}); simplify it`;
  verdicts.set(source, why);
  return why ?? undefined;
}
