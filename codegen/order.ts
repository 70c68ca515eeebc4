/**
 * Orders strings by UTF-16 code units. Generated output never uses localeCompare, whose order follows
 * the machine's locale: the same spec must give the same bytes everywhere.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
