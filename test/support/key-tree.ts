// Checks the keys of parsed YAML against a tree of allowed keys noted from upstream schemas (the fixtures
// under test/fixtures/collector and test/fixtures/k8s). Keys only: values are the product's own business.
//
// A node is: null (a scalar), '[]' (a list of scalars), '*' (anything), a list of names (a mapping whose
// values are scalars; `name[]` a list of scalars), or a mapping of allowed keys to nodes, where '[]' means
// a list of that node, '*' a map with any keys, '$use' a named shared node and '*keys' keys allowed with
// any value.
export type KeyNode = null | string | string[] | { [key: string]: KeyNode };

/** Appends a problem, located by a dotted path, for every key of `value` the tree does not allow. */
export function checkKeys(
  value: unknown,
  node: KeyNode,
  where: string,
  problems: string[],
  shared: Record<string, KeyNode> = {},
  skip: readonly string[] = [],
): void {
  if (value === null || typeof value !== 'object' || node === '*') return; // a scalar fits any node
  if (isMapping(node) && '$use' in node) {
    const target = shared[node['$use'] as string];
    if (target === undefined) throw new Error(`${where}: the fixture has no shared node ${String(node['$use'])}`);
    return checkKeys(value, target, where, problems, shared, skip);
  }
  if (Array.isArray(value)) {
    if (node === '[]') {
      value.forEach((v, i) => {
        if (v !== null && typeof v === 'object') problems.push(`${where}[${i}]: a list of scalars`);
      });
      return;
    }
    const item = isMapping(node) ? node['[]'] : undefined;
    if (item === undefined) return void problems.push(`${where}: not a list`);
    value.forEach((v, i) => checkKeys(v, item, `${where}[${i}]`, problems, shared));
    return;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (node === null || node === '[]')
    return void problems.push(`${where}: takes a value, not keys (${entries.map(([k]) => k).join(', ')})`);
  if (typeof node === 'string') throw new Error(`${where}: bad fixture node ${node}`);
  if (Array.isArray(node)) {
    for (const [k, v] of entries) {
      if (node.includes(k)) {
        if (v !== null && typeof v === 'object') problems.push(`${where}.${k}: takes a value, not keys`);
      } else if (node.includes(`${k}[]`)) checkKeys(v, '[]', `${where}.${k}`, problems, shared);
      else problems.push(`${where}.${k}: unknown key`);
    }
    return;
  }
  if ('[]' in node) return void problems.push(`${where}: a list, not a mapping`);
  const free = (node['*keys'] ?? []) as string[];
  for (const [k, v] of entries) {
    if (skip.includes(k) || free.includes(k)) continue;
    const child = k in node && k !== '*keys' ? node[k] : '*' in node ? node['*'] : undefined;
    if (child === undefined) problems.push(`${where}.${k}: unknown key`);
    else checkKeys(v, child!, `${where}.${k}`, problems, shared);
  }
}

function isMapping(n: KeyNode): n is { [key: string]: KeyNode } {
  return n !== null && typeof n === 'object' && !Array.isArray(n);
}
