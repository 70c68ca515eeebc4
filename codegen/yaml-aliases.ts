import { isAlias, isCollection, isPair, type Alias, type Document, type Node, type Pair } from 'yaml';

/** An alias that stands for no finite value, and why. */
export interface AliasProblem {
  readonly alias: Alias;
  readonly message: string;
}

/**
 * The aliases of a document that stand for no finite value: one inside the node its anchor names (the
 * yaml library reads `&a [*a]` as an array that contains itself, which every later walk would follow
 * forever) and one with no anchor of its name before it. An alias names the last node anchored so before
 * it, which is either a node already closed or one it sits inside: only the second makes a cycle, so
 * checking each alias against the nodes open around it finds every cycle. Walks without recursion, so a
 * document nested as deep as the parser accepts is no risk.
 */
export function aliasProblems(doc: Document.Parsed): AliasProblem[] {
  const problems: AliasProblem[] = [];
  const anchors = new Map<string, Node>();
  const open = new Set<Node>();
  // A node to enter, or (closing) a node whose children are all done.
  const todo: { node: Node | Pair | null | undefined; closing?: true }[] = [{ node: doc.contents }];
  for (let step = todo.pop(); step; step = todo.pop()) {
    const { node } = step;
    if (node === null || node === undefined) continue;
    if (isPair(node)) {
      todo.push({ node: node.value as Node | null }, { node: node.key as Node | null });
      continue;
    }
    if (step.closing) {
      open.delete(node);
      continue;
    }
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target === undefined)
        problems.push({
          alias: node,
          message: `alias *${node.source} has no anchor &${node.source} before it; define the anchor first`,
        });
      else if (open.has(target))
        problems.push({
          alias: node,
          message: `alias *${node.source} refers to the node anchored &${node.source}, which contains it: a value that contains itself has no end; write the value out`,
        });
      continue;
    }
    if (node.anchor) anchors.set(node.anchor, node);
    if (isCollection(node)) {
      open.add(node);
      todo.push({ node, closing: true });
      for (let i = node.items.length - 1; i >= 0; i--) todo.push({ node: node.items[i] as Node | Pair });
    }
  }
  return problems;
}
