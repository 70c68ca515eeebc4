/**
 * A string as a JSON string literal. Short strings without control characters take pino's fast path
 * (escape `"` and `\` only), so log lines keep the bytes pino gave them; the rest go through
 * JSON.stringify.
 */
export function quote(s: string): string {
  const l = s.length;
  if (l > 100) return JSON.stringify(s);
  let result = '';
  let last = 0;
  let found = false;
  let point = 255;
  for (let i = 0; i < l && point >= 32; i++) {
    point = s.charCodeAt(i);
    if (point === 34 || point === 92) {
      result += s.slice(last, i) + '\\';
      last = i;
      found = true;
    }
  }
  if (point < 32) return JSON.stringify(s);
  return found ? `"${result}${s.slice(last)}"` : `"${s}"`;
}
