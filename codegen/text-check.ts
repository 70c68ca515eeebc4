import type { Diagnostic } from './diagnostics.js';
import { locator, type SpecFile } from './load.js';

const at = locator('codegen/text-check.ts');

/**
 * Characters no spec text may hold: controls other than tab and line breaks, unpaired surrogates (no
 * UTF-8 encoding exists for them) and the non-characters U+FFFE/U+FFFF. YAML escapes can produce all
 * of them; none belongs in a name, a brief or a pattern, and several targets cannot carry them.
 */
const FORBIDDEN =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const codePoint = (c: string): string => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Reports every key and string value of a file holding a forbidden character. Returns what must be
 * left out of the merge, the way checkSchema does: the section, or 'section/index' for one entry.
 */
export function checkText(file: SpecFile, diags: Diagnostic[]): Set<string> {
  const poisoned = new Set<string>();
  const report = (p: (string | number)[], where: string, bad: string): void => {
    diags.push(
      at(
        { file, path: p },
        'invalid-text',
        `${where} holds ${codePoint(bad)}, a control or non-character; spec text may hold printable characters, tabs and line breaks`,
        typeof p.at(-1) === 'string',
      ),
    );
    const [section, index] = p;
    poisoned.add(section === undefined ? '*' : typeof index === 'number' ? `${section}/${index}` : String(section));
  };
  const visit = (v: unknown, p: (string | number)[]): void => {
    if (typeof v === 'string') {
      const bad = FORBIDDEN.exec(v)?.[0];
      if (bad !== undefined) report(p, p.length ? p.join('.') : 'the document', bad);
    } else if (Array.isArray(v)) v.forEach((x, i) => visit(x, [...p, i]));
    else if (typeof v === 'object' && v !== null)
      for (const [k, x] of Object.entries(v)) {
        const bad = FORBIDDEN.exec(k)?.[0];
        if (bad !== undefined) report([...p, k], `key ${JSON.stringify(k)}`, bad);
        visit(x, [...p, k]);
      }
  };
  visit(file.data, []);
  return poisoned;
}
