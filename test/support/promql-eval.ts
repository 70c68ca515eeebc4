// A small evaluator for the PromQL the codegen writes, over simulated series. It reads the expression
// text, so it checks what an alert kind's simulation cannot check about itself: that the expression
// picks the same series, windows, aggregations and comparisons. The engine's primitives (rate
// extrapolation, histogram_quantile, changes) come from codegen/prometheus/rule-sim.ts, which
// test/codegen/prometheus/rule-sim.test.ts checks against Prometheus' own figures, and promtool checks
// the whole against the real engine in the slow tests.
import {
  changes,
  extrapolatedRate,
  histogramQuantile,
  instant,
  type SimSeries,
} from '../../codegen/prometheus/rule-sim.js';

type Labels = Readonly<Record<string, string>>;
interface Sample {
  readonly labels: Labels;
  readonly value: number;
}
interface LabelMatcher {
  readonly label: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}
type Node =
  | { readonly type: 'number'; readonly value: number }
  | {
      readonly type: 'selector';
      readonly name: string;
      readonly matchers: readonly LabelMatcher[];
      readonly rangeMs?: number;
    }
  | { readonly type: 'call'; readonly fn: string; readonly args: readonly Node[] }
  | { readonly type: 'aggregate'; readonly op: string; readonly by: readonly string[] | undefined; readonly expr: Node }
  | {
      readonly type: 'binary';
      readonly op: string;
      readonly lhs: Node;
      readonly rhs: Node;
      readonly on: readonly string[] | undefined;
    };
type Value =
  | number
  | Sample[]
  | { readonly series: SimSeries[]; readonly rangeMs: number; readonly selector: Node & { type: 'selector' } };

const DURATION = { ms: 1, s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3, y: 365 * 86400e3 } as const;
const AGGREGATIONS = new Set(['sum', 'max', 'min', 'avg', 'count']);
const COMPARISONS = new Set(['==', '!=', '>', '>=', '<', '<=']);

function tokenize(src: string): string[] {
  const tokens: string[] = [];
  const re =
    /\s*(?:(\[[0-9a-z]+\])|("(?:[^"\\]|\\.)*")|([0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?)|([A-Za-z_:][A-Za-z0-9_:]*)|(=~|!~|==|!=|>=|<=|[-+*/%(){},=<>]))/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < src.length && (m = re.exec(src))) tokens.push(m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5]!);
  if (src.slice(re.lastIndex).trim()) throw new Error(`cannot read PromQL at '${src.slice(re.lastIndex)}'`);
  return tokens;
}

/** The value of a Go-quoted PromQL string literal. */
function unquote(s: string): string {
  return JSON.parse(s.replace(/\\x([0-9a-f]{2})/g, '\\u00$1')) as string;
}

function durationMs(d: string): number {
  let total = 0;
  for (const m of d.matchAll(/([0-9]+)(ms|s|m|h|d|w|y)/g))
    total += Number(m[1]) * DURATION[m[2] as keyof typeof DURATION];
  return total;
}

/** Parses the subset of PromQL the codegen writes (with the usual precedence: or < and < comparison < + - < * / %). */
export function parsePromql(src: string): Node {
  const t = tokenize(src);
  let i = 0;
  const peek = (): string | undefined => t[i];
  const take = (want?: string): string => {
    const tok = t[i++];
    if (tok === undefined || (want !== undefined && tok !== want))
      throw new Error(`expected ${want ?? 'a token'} at token ${i} of ${src}, got ${tok}`);
    return tok;
  };
  const labelList = (): string[] => {
    take('(');
    const out: string[] = [];
    while (peek() !== ')') {
      out.push(take());
      if (peek() === ',') take(',');
    }
    take(')');
    return out;
  };
  const level =
    (ops: readonly string[], next: () => Node): (() => Node) =>
    () => {
      let lhs = next();
      while (peek() !== undefined && ops.includes(peek()!)) {
        const op = take();
        const on = peek() === 'on' ? (take(), labelList()) : undefined;
        lhs = { type: 'binary', op, lhs, rhs: next(), on };
      }
      return lhs;
    };
  const primary = (): Node => {
    const tok = take();
    if (tok === '(') {
      const e = orExpr();
      take(')');
      return e;
    }
    if (tok === '-') {
      const n = take();
      return { type: 'number', value: -Number(n) };
    }
    if (/^[0-9]/.test(tok)) return { type: 'number', value: Number(tok) };
    if (AGGREGATIONS.has(tok) && (peek() === 'by' || peek() === '(')) {
      const by = peek() === 'by' ? (take(), labelList()) : undefined;
      take('(');
      const expr = orExpr();
      take(')');
      return { type: 'aggregate', op: tok, by, expr };
    }
    if (peek() === '(') {
      take('(');
      const args: Node[] = [];
      while (peek() !== ')') {
        args.push(orExpr());
        if (peek() === ',') take(',');
      }
      take(')');
      return { type: 'call', fn: tok, args };
    }
    const matchers: LabelMatcher[] = [];
    if (peek() === '{') {
      take('{');
      while (peek() !== '}') {
        const label = take();
        const op = take() as LabelMatcher['op'];
        matchers.push({ label, op, value: unquote(take()) });
        if (peek() === ',') take(',');
      }
      take('}');
    }
    const range = peek()?.startsWith('[') ? durationMs(take()) : undefined;
    return { type: 'selector', name: tok, matchers, ...(range !== undefined && { rangeMs: range }) };
  };
  const mul = level(['*', '/', '%'], primary);
  const add = level(['+', '-'], mul);
  const cmp = level([...COMPARISONS], add);
  const and = level(['and', 'unless'], cmp);
  const orExpr = level(['or'], and);
  const root = orExpr();
  if (i !== t.length) throw new Error(`unexpected '${t[i]}' in ${src}`);
  return root;
}

const withoutName = (l: Labels): Labels => Object.fromEntries(Object.entries(l).filter(([k]) => k !== '__name__'));
const signature = (l: Labels, on: readonly string[] | undefined): string =>
  JSON.stringify(
    Object.entries(withoutName(l))
      .filter(([k]) => on === undefined || on.includes(k))
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );

function selects(m: LabelMatcher, labels: Labels): boolean {
  const v = labels[m.label] ?? '';
  switch (m.op) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return new RegExp(`^(?:${m.value})$`).test(v);
    case '!~':
      return !new RegExp(`^(?:${m.value})$`).test(v);
  }
}

function arithmetic(op: string, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
  }
  throw new Error(`not an arithmetic operator: ${op}`);
}

function holds(op: string, a: number, b: number): boolean {
  return { '==': a === b, '!=': a !== b, '>': a > b, '>=': a >= b, '<': a < b, '<=': a <= b }[op] ?? false;
}

/** Evaluates an expression at time tMs over series sampled every stepMs, as Prometheus 2.x would. */
export function evaluate(node: Node, series: readonly SimSeries[], stepMs: number, tMs: number): Value {
  const vec = (n: Node): Sample[] => {
    const v = evaluate(n, series, stepMs, tMs);
    if (!Array.isArray(v)) throw new Error('expected an instant vector');
    return v;
  };
  switch (node.type) {
    case 'number':
      return node.value;
    case 'selector': {
      const picked = series.filter((s) => s.name === node.name && node.matchers.every((m) => selects(m, s.labels)));
      if (node.rangeMs !== undefined) return { series: picked, rangeMs: node.rangeMs, selector: node };
      return picked.flatMap((s) => {
        const v = instant(s, stepMs, tMs);
        return v === undefined ? [] : [{ labels: { __name__: s.name, ...s.labels }, value: v }];
      });
    }
    case 'call': {
      const d = new Date(tMs);
      const clock: Record<string, number> = {
        day_of_week: d.getUTCDay(),
        hour: d.getUTCHours(),
        minute: d.getUTCMinutes(),
      };
      if (node.fn in clock && node.args.length === 0) return [{ labels: {}, value: clock[node.fn]! }];
      if (node.fn === 'histogram_quantile') {
        const q = evaluate(node.args[0]!, series, stepMs, tMs) as number;
        const groups = new Map<string, { labels: Labels; buckets: Map<number, number> }>();
        for (const s of vec(node.args[1]!)) {
          const { le, ...rest } = withoutName(s.labels);
          const key = signature(rest, undefined);
          const g = groups.get(key) ?? { labels: rest, buckets: new Map<number, number>() };
          g.buckets.set(le === '+Inf' ? Infinity : Number(le), s.value);
          groups.set(key, g);
        }
        return [...groups.values()].flatMap((g) => {
          const v = histogramQuantile(q, g.buckets);
          return v === undefined ? [] : [{ labels: g.labels, value: v }];
        });
      }
      if (node.fn === 'absent') {
        const arg = node.args[0]!;
        if (arg.type !== 'selector') throw new Error('absent() of a selector only');
        return vec(arg).length
          ? []
          : [
              {
                labels: Object.fromEntries(arg.matchers.filter((m) => m.op === '=').map((m) => [m.label, m.value])),
                value: 1,
              },
            ];
      }
      const range = evaluate(node.args[0]!, series, stepMs, tMs);
      if (Array.isArray(range) || typeof range === 'number') throw new Error(`${node.fn}() needs a range vector`);
      const per = (f: (s: SimSeries) => number | undefined): Sample[] =>
        range.series.flatMap((s) => {
          const v = f(s);
          return v === undefined ? [] : [{ labels: s.labels, value: v }];
        });
      switch (node.fn) {
        case 'rate':
          return per((s) => extrapolatedRate(s, stepMs, tMs, range.rangeMs, true));
        case 'increase':
          return per((s) => extrapolatedRate(s, stepMs, tMs, range.rangeMs, false));
        case 'changes':
          return per((s) => changes(s, stepMs, tMs, range.rangeMs));
        case 'absent_over_time': {
          const present = range.series.some((s) => changes(s, stepMs, tMs, range.rangeMs) !== undefined);
          return present
            ? []
            : [
                {
                  labels: Object.fromEntries(
                    range.selector.matchers.filter((m) => m.op === '=').map((m) => [m.label, m.value]),
                  ),
                  value: 1,
                },
              ];
        }
      }
      throw new Error(`function ${node.fn}() is not supported`);
    }
    case 'aggregate': {
      const groups = new Map<string, { labels: Labels; values: number[] }>();
      for (const s of vec(node.expr)) {
        const labels = Object.fromEntries(Object.entries(s.labels).filter(([k]) => node.by?.includes(k)));
        const key = signature(labels, undefined);
        const g = groups.get(key) ?? { labels, values: [] };
        g.values.push(s.value);
        groups.set(key, g);
      }
      const reduce: Record<string, (v: number[]) => number> = {
        sum: (v) => v.reduce((a, b) => a + b, 0),
        max: (v) => Math.max(...v),
        min: (v) => Math.min(...v),
        avg: (v) => v.reduce((a, b) => a + b, 0) / v.length,
        count: (v) => v.length,
      };
      return [...groups.values()].map((g) => ({ labels: g.labels, value: reduce[node.op]!(g.values) }));
    }
    case 'binary': {
      const lhs = evaluate(node.lhs, series, stepMs, tMs);
      const rhs = evaluate(node.rhs, series, stepMs, tMs);
      if (node.op === 'and' || node.op === 'or' || node.op === 'unless') {
        if (!Array.isArray(lhs) || !Array.isArray(rhs)) throw new Error(`${node.op} needs two vectors`);
        const right = new Set(rhs.map((s) => signature(s.labels, node.on)));
        if (node.op === 'and') return lhs.filter((s) => right.has(signature(s.labels, node.on)));
        if (node.op === 'unless') return lhs.filter((s) => !right.has(signature(s.labels, node.on)));
        const left = new Set(lhs.map((s) => signature(s.labels, node.on)));
        return [...lhs, ...rhs.filter((s) => !left.has(signature(s.labels, node.on)))];
      }
      const comparison = COMPARISONS.has(node.op);
      if (typeof lhs === 'number' && typeof rhs === 'number') {
        if (comparison) throw new Error('a comparison of two scalars needs bool');
        return arithmetic(node.op, lhs, rhs);
      }
      if (!Array.isArray(lhs) && typeof lhs !== 'number') throw new Error('a range vector in a binary operation');
      if (!Array.isArray(rhs) && typeof rhs !== 'number') throw new Error('a range vector in a binary operation');
      if (typeof rhs === 'number' || typeof lhs === 'number') {
        const [v, scalar, vectorLeft] =
          typeof rhs === 'number' ? [lhs as Sample[], rhs, true] : [rhs, lhs as number, false];
        return v.flatMap((s) => {
          const [a, b] = vectorLeft ? [s.value, scalar] : [scalar, s.value];
          if (comparison) return holds(node.op, a, b) ? [s] : [];
          return [{ labels: withoutName(s.labels), value: arithmetic(node.op, a, b) }];
        });
      }
      const right = new Map(rhs.map((s) => [signature(s.labels, node.on), s]));
      return lhs.flatMap((s) => {
        const r = right.get(signature(s.labels, node.on));
        if (!r) return [];
        if (comparison) return holds(node.op, s.value, r.value) ? [s] : [];
        return [{ labels: withoutName(s.labels), value: arithmetic(node.op, s.value, r.value) }];
      });
    }
  }
}

/** The value of an alert expression at a time: undefined when it returns nothing, else its one sample. */
export function alertValueOf(
  node: Node,
  series: readonly SimSeries[],
  stepMs: number,
  tMs: number,
): number | undefined {
  const v = evaluate(node, series, stepMs, tMs);
  if (!Array.isArray(v)) throw new Error('an alert expression returns an instant vector');
  if (v.length > 1) throw new Error(`expected at most one sample, got ${JSON.stringify(v)}`);
  return v[0]?.value;
}
