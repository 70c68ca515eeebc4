// Spec text inside generated Markdown (docs/TELEMETRY.md, rendered by handlebars with escaping off: the
// view passed to the template holds text already escaped by these functions, and handlebars never
// re-reads a value it inserts).

const LINE_BREAK = /\r\n|[\r\n\u0085\u2028\u2029]/g;
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Prose for a Markdown paragraph or table cell, shown as written: one line (table rows cannot break),
 * no HTML (`<` and entities escaped), and every character that could start emphasis, a link, code, a
 * heading, a quote, a list, a table cell or a template (`{{ }}` for site generators) backslash-escaped.
 */
export function mdText(s: string): string {
  return (
    s
      .replace(LINE_BREAK, ' ')
      .replace(CONTROL, ' ')
      .replace(/[\\`*[\]{}|~#!]/g, '\\$&')
      // Inside a word an underscore is never emphasis (GFM), so identifiers stay readable.
      .replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\_')
      // With every `<` an entity no tag can open; `&` only where it would start an entity.
      .replace(/&(?=#?\w+;)/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/^(\s*)([-+=>])/, '$1\\$2')
      .replace(/^(\s*\d{1,9})([.)])(?=\s|$)/, '$1\\$2')
  );
}

/**
 * A code span showing `s` verbatim: delimited by more backticks than it contains in a row, on one line;
 * in a table cell a pipe is escaped, since GFM splits cells before it reads code spans.
 */
export function mdCode(s: string, inTable = true): string {
  let text = s.replace(LINE_BREAK, ' ').replace(CONTROL, ' ');
  if (inTable) text = text.replace(/\|/g, '\\|');
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad =
    text.startsWith('`') || text.endsWith('`') || (text.startsWith(' ') && text.endsWith(' ') && text.trim() !== '')
      ? ' '
      : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * Text for an HTML comment, kept as written where the HTML standard allows it: one line, and a space
 * breaks only what could end or nest the comment (`-->`, `--!>`, `<!--`, a leading `>` or `->`, a
 * trailing `<!-`). A command such as `--spec <dir>` reads as typed; entities are not decoded in a
 * comment, so none are written.
 */
export function htmlComment(s: string): string {
  return s
    .replace(LINE_BREAK, ' ')
    .replace(/<!--/g, '<!- -')
    .replace(/--(?=!?>)/g, '- -')
    .replace(/^-?>/, ' $&')
    .replace(/<!-$/, '<! -');
}
