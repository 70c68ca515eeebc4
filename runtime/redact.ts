import { createHash } from 'node:crypto';

/** Replacement for a secret value that must not be correlated. */
export const REDACTED = '***';

/**
 * A non-reversible, correlatable stand-in for a secret: the same input gives the same short digest,
 * and nothing of the input can be recovered from it.
 */
export function fingerprint(value: string): string {
  return `fp:${createHash('sha256').update('ampyobs:').update(value).digest('hex').slice(0, 16)}`;
}
