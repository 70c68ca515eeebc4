// Reading plain objects keyed by spec text: names such as 'constructor' or 'toString' are names like
// any other, never a way into Object.prototype.

/** The value `record` holds under `key` itself, or undefined: never one inherited from Object.prototype. */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
