// htmlComment against the HTML standard's rules for comment text: whatever the spec says, the comment
// cannot end early or open another, and text those rules allow is kept as written.
import { describe, expect, it } from 'vitest';
import { htmlComment } from '../../../codegen/escape/markdown.js';

/** Where text breaks the standard's rules for a comment's text ("must not start with `>` ..."). */
function breaksComment(text: string): string | undefined {
  if (/[\r\n]/.test(text)) return 'line break';
  if (text.startsWith('>') || text.startsWith('->')) return 'starts with > or ->';
  for (const bad of ['<!--', '-->', '--!>']) if (text.includes(bad)) return `contains ${bad}`;
  if (text.endsWith('<!-')) return 'ends with <!-';
  return undefined;
}

describe('htmlComment', () => {
  it('keeps a command line as written', () => {
    const header = 'Change the spec, then run `npx ampyobs generate --spec <spec dir> --out <this dir>`.';
    expect(htmlComment(header)).toBe(header);
  });

  it('breaks whatever could end the comment or open another, and nothing else', () => {
    const hostile = [
      'a --> b',
      'a --!> b',
      '--->',
      '---->',
      '> leading',
      '-> leading',
      'nested <!-- comment',
      'trailing <!-',
      '<!---->',
      '<!--->',
      'x <!-->',
      'line\nbreak\r\nand\u2028more',
      '--',
      '-',
      '',
    ];
    for (const s of hostile) {
      const out = htmlComment(s);
      expect(breaksComment(out), JSON.stringify(s)).toBeUndefined();
      // Only spaces are added: removing them gives the input back, line breaks aside.
      expect(out.replace(/ /g, ''), JSON.stringify(s)).toBe(s.replace(/[\r\n\u2028]+/g, '').replace(/ /g, ''));
    }
  });
});
