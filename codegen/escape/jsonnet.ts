// Spec data inside generated jsonnet (dashboards/registry.libsonnet).

/**
 * Plain data as a jsonnet value. JSON is a subset of jsonnet and JSON.stringify escapes quotes,
 * backslashes and controls; jsonnet reads nothing else inside a double-quoted string (no `%`
 * interpolation, no `|||` blocks), so the text evaluates back to itself.
 */
export function jsonnetValue(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
