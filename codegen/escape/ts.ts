// Spec text inside generated TypeScript: string literals, TSDoc comments, line comments and literal data.

/** Characters a string literal cannot hold raw: its quote, backslash, line terminators, controls, lone surrogates. */
const UNSAFE_IN_STRING =
  /['\\\u0000-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const SHORT: Readonly<Record<string, string>> = { "'": "\\'", '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const hex4 = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** A single-quoted string literal that evaluates to exactly `s`. */
export function tsString(s: string): string {
  return `'${s.replace(UNSAFE_IN_STRING, (c) => SHORT[c] ?? hex4(c))}'`;
}

/** Line breaks of every kind a reader or a lexer may honour. */
const LINE_BREAK = /\r\n|[\r\n\u0085\u2028\u2029]/g;
/** Control characters, which have no business in a comment. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Text for a TSDoc comment: it can neither close the comment (`*\/`) nor start a tag or an inline tag
 * (an `@` at the start of a word or after `{` becomes `\@`, the TSDoc escape), and every line break
 * becomes a plain newline that the comment writer prefixes.
 */
export function tsDoc(s: string): string {
  return s
    .replace(LINE_BREAK, '\n')
    .replace(CONTROL, (c) => hex4(c).replace('\\', '\\\\'))
    .replace(/\*\//g, '*\\/')
    .replace(/(^|[\s{])@/g, '$1\\@');
}

/** Text for a `//` line comment: one line, whatever it held. */
export function tsLineComment(s: string): string {
  return s.replace(LINE_BREAK, ' ').replace(CONTROL, ' ');
}

/** A double-quoted literal: JSON's escaping, plus the two line terminators JSON leaves raw. */
function jsonString(s: string): string {
  return JSON.stringify(s)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A property key: bare when it is an identifier, quoted otherwise; `__proto__` computed so it stays an own property. */
export function tsKey(k: string, quote: (s: string) => string = tsString): string {
  if (k === '__proto__') return `[${quote(k)}]`;
  return /^[A-Za-z_$][\w$]*$/.test(k) ? k : quote(k);
}

function num(n: number): string {
  if (Object.is(n, -0)) return '-0';
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  return String(n);
}

/**
 * Plain data (objects, arrays, strings, numbers, booleans, null) as a TypeScript expression, laid out
 * like `JSON.stringify(v, null, 2)`. Undefined properties are left out, as JSON does.
 */
export function tsLiteral(value: unknown, indent = ''): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return jsonString(value);
    case 'number':
      return num(value);
    case 'boolean':
      return String(value);
    case 'object':
      break;
    default:
      throw new TypeError(`tsLiteral: cannot write a ${typeof value}`);
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => `${inner}${tsLiteral(v ?? null, inner)}`).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${tsKey(k, jsonString)}: ${tsLiteral(v, inner)}`).join(',\n')}\n${indent}}`;
}
