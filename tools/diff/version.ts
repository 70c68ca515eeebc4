// The version bump a set of changes needs, and whether the manifest's registry version makes it.
import { BUMP_FOR, type Level } from './rules.js';

export type Bump = 'major' | 'minor' | 'patch' | 'none';
const RANK: Readonly<Record<Bump, number>> = { none: 0, patch: 1, minor: 2, major: 3 };

interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly pre: string;
}

/** `1.2.3` or `1.2.3-rc.1` (the spec schema allows no other form); undefined otherwise. */
export function parseVersion(v: string): Version | undefined {
  const m = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:-([0-9A-Za-z.-]+))?$/.exec(v);
  return m ? { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: m[4] ?? '' } : undefined;
}

/**
 * The bump the most severe change needs: breaking → major, compatible → minor, cosmetic → none. Below
 * 1.0.0 everything may change (SemVer item 4), and by the usual convention a breaking change there bumps
 * the minor version and a compatible one the patch.
 */
export function requiredBump(levels: readonly Level[], base: string): Bump {
  let need: Bump = 'none';
  for (const l of levels) if (RANK[BUMP_FOR[l]] > RANK[need]) need = BUMP_FOR[l];
  if (parseVersion(base)?.major === 0) return need === 'major' ? 'minor' : need === 'minor' ? 'patch' : need;
  return need;
}

/** The bump from one version to another; 'down' when it goes back, undefined when either is not a version. */
export function actualBump(from: string, to: string): Bump | 'down' | undefined {
  const a = parseVersion(from);
  const b = parseVersion(to);
  if (!a || !b) return undefined;
  for (const [bump, x, y] of [
    ['major', a.major, b.major],
    ['minor', a.minor, b.minor],
    ['patch', a.patch, b.patch],
  ] as const) {
    if (y > x) return bump;
    if (y < x) return 'down';
  }
  return 'none';
}

/** Whether a bump is at least the one needed. */
export function enough(actual: Bump | 'down' | undefined, need: Bump): boolean {
  if (actual === undefined || actual === 'down') return false;
  return RANK[actual] >= RANK[need];
}

/** The smallest version that makes the bump. */
export function nextVersion(from: string, bump: Bump): string {
  const v = parseVersion(from);
  if (!v || bump === 'none') return from;
  if (bump === 'major') return `${v.major + 1}.0.0`;
  if (bump === 'minor') return `${v.major}.${v.minor + 1}.0`;
  return `${v.major}.${v.minor}.${v.patch + 1}`;
}
