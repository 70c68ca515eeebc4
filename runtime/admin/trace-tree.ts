// A trace as an indented tree with timings: what `ampyobs inspect`, the demo's report and GET /traces/{id}
// print. It lives in the runtime, which the tools may import (never the other way round).

/** What the tree needs of a span (the tools' local spans and the trace ring's spans both have it). */
export interface TreeSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  readonly service: string;
  /** Milliseconds since the epoch. */
  readonly startMs: number;
  readonly durationMs: number;
  readonly status: { readonly code: number };
}

/** The spans of one trace as indented lines (children under parents, in start order), with timings. */
export function traceTree<S extends TreeSpan>(
  spans: readonly S[],
  traceId: string,
  highlight: (s: S) => string = () => '',
): string[] {
  const mine = spans.filter((s) => s.traceId === traceId).sort((a, b) => a.startMs - b.startMs);
  const ids = new Set(mine.map((s) => s.spanId));
  const children = new Map<string, S[]>();
  for (const s of mine) {
    const parent = ids.has(s.parentSpanId) ? s.parentSpanId : '';
    children.set(parent, [...(children.get(parent) ?? []), s]);
  }
  const t0 = mine[0]?.startMs ?? 0;
  const width = Math.max(0, ...mine.map((s) => s.service.length));
  const lines: string[] = [];
  const walk = (parent: string, depth: number): void => {
    for (const s of children.get(parent) ?? []) {
      const mark = s.status.code === 2 ? ' ✗' : '';
      const extra = highlight(s);
      lines.push(
        `${`+${(s.startMs - t0).toFixed(1)}ms`.padStart(10)}  ${s.service.padEnd(width)}  ${'  '.repeat(depth)}${s.name} ${s.durationMs.toFixed(1)}ms${mark}${extra ? `  ${extra}` : ''}`,
      );
      walk(s.spanId, depth + 1);
    }
  };
  walk('', 0);
  return lines;
}

/** Services a trace crosses, in order of first appearance. */
export function traceServices(spans: readonly TreeSpan[], traceId: string): string[] {
  return [
    ...new Set(
      spans
        .filter((s) => s.traceId === traceId)
        .sort((a, b) => a.startMs - b.startMs)
        .map((s) => s.service),
    ),
  ];
}
