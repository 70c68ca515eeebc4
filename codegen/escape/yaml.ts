// Spec text inside generated YAML (Prometheus rules and rule tests, collector config).
import {
  stringify,
  type CreateNodeOptions,
  type DocumentOptions,
  type ScalarTag,
  type SchemaOptions,
  type ToStringOptions,
} from 'yaml';

/**
 * What a YAML reader may see as something other than a printable character: YAML 1.1 parsers (Go's,
 * which promtool and the collector use) break lines at U+0085, U+2028 and U+2029, and reject C0/C1
 * controls, non-characters and lone surrogates outside escapes.
 */
const NEEDS_ESCAPE = /[^\t\n\u0020-\u007e\u00a0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]|[\u2028\u2029\ufeff]/u;
const NAMED: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\u0000': '\\0',
  '\u0085': '\\N',
  '\u2028': '\\L',
  '\u2029': '\\P',
};

/** A double-quoted YAML scalar using only escapes every YAML 1.1 and 1.2 reader agrees on. */
function escapedDoubleQuoted(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const named = NAMED[ch];
    if (named) out += named;
    else if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (NEEDS_ESCAPE.test(ch))
      out += cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** The yaml library's string tag, except that a string a YAML 1.1 reader would not read back is escaped. */
type TagList = Exclude<NonNullable<SchemaOptions['customTags']>, (...args: never[]) => unknown>;

function safeStrings(tags: TagList): TagList {
  return tags.map((t) => {
    if (typeof t === 'string' || t.tag !== 'tag:yaml.org,2002:str' || !('stringify' in t) || !t.stringify) return t;
    const base = t.stringify.bind(t);
    const tag: ScalarTag = {
      ...(t as ScalarTag),
      stringify: (item, ctx, onComment, onChompKeep) =>
        typeof item.value === 'string' && NEEDS_ESCAPE.test(item.value)
          ? escapedDoubleQuoted(item.value)
          : base(item, ctx, onComment, onChompKeep),
    };
    return tag;
  });
}

/** Options for `new Document(value, …)` so that its strings are written safely. */
export const YAML_DOCUMENT_OPTIONS: DocumentOptions & SchemaOptions = { customTags: safeStrings };

/** Plain data as YAML that every reader parses back to the same strings. */
export function toYaml(value: unknown, options: ToStringOptions & CreateNodeOptions = {}): string {
  return stringify(value, null, { ...options, customTags: safeStrings });
}

/** Text for a `#` comment: one line. */
export function yamlComment(s: string): string {
  return s.replace(/\r\n|[\r\n\u0085\u2028\u2029]/g, ' ').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, ' ');
}
