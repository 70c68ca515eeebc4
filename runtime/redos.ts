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
 * Most times a pattern may repeat one piece, counts of nested repetitions multiplied: RE2's own limit on
 * one count (Go's regexp, in the collector, refuses more). On `a{99999}` recheck's native build ran for
 * minutes past its time limit (generate never finished) and its JavaScript build used up the whole limit
 * (init waited 10 s): a count this size is refused before either runs.
 */
export const MAX_REPEAT = 1000;

/** A counted repetition `{n}`, `{n,}` or `{n,m}` where its lastIndex is set. */
const COUNT = /\{(\d+)(?:,(\d*))?\}/y;

/**
 * The most times `source` repeats one piece: each counted repetition's largest count (its lower one when
 * open-ended), times those of the groups around it. `*`, `+` and `?` count once: they add no states.
 */
export function largestRepeat(source: string): number {
  const frames: number[] = [1];
  let worst = 1;
  // The weight of the piece a following count would repeat: an atom's is 1, a group's its largest inside.
  let last = 1;
  let m: RegExpExecArray | null;
  const seen = (w: number): void => {
    last = w;
    frames[frames.length - 1] = Math.max(frames[frames.length - 1]!, w);
    worst = Math.max(worst, w);
  };
  for (let i = 0; i < source.length;) {
    const c = source[i]!;
    if (c === '\\') {
      i += 2;
      seen(1);
    } else if (c === '[') {
      // A class is one atom: a brace or a parenthesis inside it is a character.
      for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
      i++;
      seen(1);
    } else if (c === '(') {
      frames.push(1);
      i++;
    } else if (c === ')') {
      const inner = frames.length > 1 ? frames.pop()! : 1;
      i++;
      seen(inner);
    } else if (c === '{' && ((COUNT.lastIndex = i), (m = COUNT.exec(source)))) {
      i += m[0].length;
      seen(last * Number(m[2] || m[1]));
    } else {
      i++;
      seen(1);
    }
  }
  return worst;
}

/**
 * Why `source` can take super-linear time on some input, or undefined when it is shown linear.
 * `backend`: `pure` runs recheck's JavaScript build in this thread (init: no child process in a
 * service); `auto` lets recheck use its native build when installed (generate: about 6× faster).
 */
export function superLinear(source: string, backend: 'pure' | 'auto', timeoutMillis = 10_000): string | undefined {
  const known = verdicts.get(source);
  if (known !== undefined) return known ?? undefined;
  const repeats = largestRepeat(source);
  if (repeats > MAX_REPEAT) {
    const why = `repeats a piece ${repeats} times (nested counts multiplied), more than ${MAX_REPEAT}: too large to show it runs in linear time, and RE2 (the collector's regular expressions) refuses it; shorten the count`;
    verdicts.set(source, why);
    return why;
  }
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
