// Spec text inside PromQL (rule expressions, promtool series notation): string literals and regex matchers.

const hex = (c: string, width: number): string => c.charCodeAt(0).toString(16).padStart(width, '0');

/** A double-quoted PromQL string literal (Go escaping) that evaluates to exactly `s`. */
export function promString(s: string): string {
  const body = s.replace(/[\\"\u0000-\u001f\u007f-\u009f]/g, (c) => {
    if (c === '\\' || c === '"') return `\\${c}`;
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\x${hex(c, 2)}`;
  });
  return `"${body}"`;
}

/** `s` as an RE2 pattern matching exactly `s` (Go's regexp.QuoteMeta). */
export function regexQuote(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** A label matcher: `label="v"` for one value, `label=~"a|b"` (each value quoted for RE2) for several. */
export function labelMatcher(label: string, values: readonly string[]): string {
  return values.length === 1
    ? `${label}=${promString(values[0]!)}`
    : `${label}=~${promString(values.map(regexQuote).join('|'))}`;
}
