// The collector's redaction processor compiles value patterns with Go's regexp (RE2 syntax), the SDK with
// JavaScript's RegExp (no flags but g, so with the web-compatibility grammar of Annex B). A pattern in
// JavaScript syntax the Go parser refuses makes a collector that does not start; one it reads otherwise
// redacts other text there than in the SDK. This walks a pattern JavaScript already accepted the way
// Go's regexp/syntax parser does (Perl flags, as regexp.Compile uses) and names the first construct of
// either kind. Counts over RE2's 1000 are the redos rule's (largestRepeat in runtime/redos.ts, which the
// SDK needs too). Not modelled: Go's limits on the size of a compiled program (about 3.3 million
// instructions) and on the height of its parse tree, which groups nested past 1000 levels stand for here.

/** What the collector's RE2 does with a construct: refuses it, or reads it otherwise than JavaScript. */
export interface Re2Problem {
  /** The construct as written, e.g. `(?=` or `\1`. */
  readonly construct: string;
  /** Its offset in the pattern. */
  readonly index: number;
  /** Why, in a phrase: what RE2 does with it and what to write instead. */
  readonly reason: string;
}

/** Group nesting deeper than this stands for Go's parse-tree height limit (maxHeight). */
const MAX_DEPTH = 1000;

const COUNT = /\{(\d+)(,(\d*))?\}/y;
const DIGITS = /\d+/y;
const OCTAL = /[0-7]{1,3}/y;

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isOctal = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '7';
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9A-Fa-f]$/.test(c);
const isAlnum = (c: string): boolean => /^[0-9A-Za-z]$/.test(c);
const PERL_CLASS = 'dDsSwW';
/** Escaped letters both engines read alike (outside classes, \b and \B are word boundaries in both). */
const SAME_LETTERS = 'fnrtv';

class Found extends Error {
  constructor(readonly problem: Re2Problem) {
    super(problem.reason);
  }
}

class Scanner {
  private i = 0;
  /** Where the last `:]` is: Go reads `[:` in a class as a POSIX class when a `:]` follows anywhere. */
  private readonly lastPosixEnd: number;

  constructor(
    private readonly s: string,
    /** Capturing groups of the whole pattern: JavaScript reads `\N` as a backreference up to this. */
    private readonly groups: number,
  ) {
    this.lastPosixEnd = s.lastIndexOf(':]');
  }

  run(): void {
    this.alternation(0);
    if (this.i < this.s.length) this.fail(this.i, 1, 'an unmatched ) that RE2 refuses');
  }

  private fail(index: number, length: number, reason: string): never {
    throw new Found({ construct: this.s.slice(index, index + length), index, reason });
  }

  /** Alternatives up to a `)` or the end. */
  private alternation(depth: number): void {
    for (;;) {
      this.sequence(depth);
      if (this.s[this.i] !== '|') return;
      this.i++;
    }
  }

  /** Atoms and their repetitions up to a `|`, a `)` or the end. */
  private sequence(depth: number): void {
    let atoms = 0;
    let repeated = false;
    while (this.i < this.s.length) {
      const c = this.s[this.i]!;
      if (c === '|' || c === ')') break;
      if (c === '*' || c === '+' || c === '?' || (c === '{' && this.count() !== undefined)) {
        this.repetition(atoms, repeated);
        repeated = true;
        continue;
      }
      repeated = false;
      atoms++;
      this.atom(depth);
    }
  }

  /** What `sticky` matches at `index`: a sticky regex, so that no scan copies or rereads the rest. */
  private matchAt(sticky: RegExp, index: number): RegExpExecArray | null {
    sticky.lastIndex = index;
    return sticky.exec(this.s);
  }

  /** `{n}`, `{n,}` or `{n,m}` at the cursor as JavaScript reads it (leading zeros allowed), or undefined. */
  private count(): { text: string; min: string; max: string | undefined } | undefined {
    const m = this.matchAt(COUNT, this.i);
    return m ? { text: m[0], min: m[1]!, max: m[2] === undefined ? m[1]! : m[3] } : undefined;
  }

  /**
   * A repetition of the atom before it. How many times counts may repeat a piece (RE2 takes 1000, nested
   * counts multiplied) is the redos rule's (largestRepeat in runtime/redos.ts), checked after this.
   */
  private repetition(atoms: number, repeated: boolean): void {
    const start = this.i;
    if (this.s[this.i] === '{') {
      const { text, min, max } = this.count()!;
      // Go's parseInt refuses leading zeros; the braces are then literal text.
      if ([min, max].some((n) => n !== undefined && n.length > 1 && n.startsWith('0')))
        this.fail(start, text.length, 'a count with a leading zero, which RE2 reads as literal braces; drop the zero');
      this.i += text.length;
    } else this.i++;
    if (this.s[this.i] === '?') this.i++;
    else if (this.s[this.i] === '+')
      this.fail(start, this.i - start + 1, 'a possessive repetition, which RE2 does not have');
    if (repeated) this.fail(start, this.i - start, 'a repetition of a repetition, which RE2 refuses');
    if (atoms === 0) this.fail(start, this.i - start, 'a repetition of nothing, which RE2 refuses');
  }

  private atom(depth: number): void {
    const c = this.s[this.i]!;
    if (c === '(') this.group(depth);
    else if (c === '[') this.characterClass();
    else if (c === '\\') this.escapeOutsideClass();
    else this.i++;
  }

  private group(depth: number): void {
    const start = this.i;
    if (depth >= MAX_DEPTH)
      this.fail(start, 1, `groups nested more than ${MAX_DEPTH} deep, past RE2's limit on nesting`);
    if (this.s[this.i + 1] !== '?') this.i++;
    else if (!this.groupSyntax()) return;
    this.alternation(depth + 1);
    if (this.s[this.i] !== ')') this.fail(start, 1, 'a group without its ), which RE2 refuses');
    this.i++;
  }

  /**
   * What follows `(?`, as Go's parsePerlFlags reads it; leaves the cursor after it. False for flags
   * alone, as in (?i), which open no group.
   */
  private groupSyntax(): boolean {
    const start = this.i;
    const at = (prefix: string): boolean => this.s.startsWith(prefix, start);
    if (at('(?<=') || at('(?<!'))
      this.fail(start, 4, 'a lookbehind, which RE2 does not have (only one that starts the pattern is dropped)');
    if (at('(?=') || at('(?!')) this.fail(start, 3, 'a lookahead, which RE2 does not have');
    if (at('(?P<') || at('(?<')) {
      const open = start + (at('(?P<') ? 4 : 3);
      const end = this.s.indexOf('>', open);
      if (end < 0 || !/^[A-Za-z0-9_]+$/.test(this.s.slice(open, end)))
        this.fail(
          start,
          (end < 0 ? open : end + 1) - start,
          'a group name RE2 refuses: it takes ASCII letters, digits and _',
        );
      this.i = end + 1;
      return true;
    }
    // Flags, as in (?i), (?s:…), (?-m:…): Go takes i, m, s and U, then : or ).
    let j = start + 2;
    let negated = false;
    let flag = false;
    for (; j < this.s.length; j++) {
      const c = this.s[j]!;
      if ('imsU'.includes(c)) flag = true;
      else if (c === '-' && !negated) {
        negated = true;
        flag = false;
      } else if ((c === ':' || c === ')') && (flag || !negated)) {
        this.i = j + 1;
        return c === ':';
      } else break;
    }
    this.fail(start, j + 1 - start, `${at('(?>') ? 'an atomic group' : 'group syntax'} RE2 does not have`);
  }

  private escapeOutsideClass(): void {
    const start = this.i;
    const c = this.s[this.i + 1];
    if (c !== undefined && 'bB'.includes(c)) this.i += 2;
    else if (c !== undefined && PERL_CLASS.includes(c)) this.i += 2;
    else if (c !== undefined && 'AzQ'.includes(c))
      this.fail(
        start,
        2,
        `the letter ${c} in JavaScript, which RE2 reads as ${c === 'Q' ? 'the start of a quoted run' : c === 'A' ? 'the start of the text' : 'the end of the text'}; write ${c} unescaped`,
      );
    else if (isDigit(c) && c !== '0' && this.backreference() !== undefined) {
      const n = this.backreference()!;
      this.fail(start, n.length + 1, 'a backreference, which RE2 does not have');
    } else this.escape(false);
  }

  /** The decimal digits after `\` when JavaScript reads them as a backreference (a group of that number exists). */
  private backreference(): string | undefined {
    const digits = this.matchAt(DIGITS, this.i + 1)![0];
    return Number(digits) <= this.groups ? digits : undefined;
  }

  /** A single-character escape, as Go's parseEscape reads it, where JavaScript reads the same character. */
  private escape(inClass: boolean): void {
    const start = this.i;
    const c = this.s[this.i + 1];
    if (c === undefined) this.fail(start, 1, 'a trailing backslash, which RE2 refuses');
    if (c.charCodeAt(0) >= 0x80)
      this.fail(start, 2, 'an escaped non-ASCII character, which RE2 refuses; write the character itself');
    if (!isAlnum(c)) {
      this.i += 2;
      return;
    }
    if (isOctal(c)) return this.octal();
    if (c === 'x') return this.hex();
    if (isDigit(c)) this.fail(start, 2, `the digit ${c} in JavaScript, which RE2 refuses escaped; write ${c}`);
    if (SAME_LETTERS.includes(c) || (inClass && PERL_CLASS.includes(c))) {
      this.i += 2;
      return;
    }
    if (c === 'a') this.fail(start, 2, 'the letter a in JavaScript, which RE2 reads as the bell character; write a');
    if (c === 'p' || c === 'P')
      this.fail(start, 2, `the letter ${c} in JavaScript, which RE2 reads as a Unicode class; write ${c}`);
    if (inClass && c === 'b')
      this.fail(start, 2, 'a backspace in a JavaScript class, which RE2 refuses there; write \\x08');
    if (c === 'u') this.fail(start, 2, 'a \\u escape, which RE2 does not have; write \\x{…} with the code point');
    if (c === 'c') this.fail(start, 3, 'a control escape, which RE2 does not have; write \\x with its code');
    if (c === 'k') this.fail(start, 2, 'a named backreference, which RE2 does not have');
    this.fail(start, 2, `an escaped letter, the letter ${c} in JavaScript, which RE2 refuses; write ${c} unescaped`);
  }

  /** `\0`…`\7` that JavaScript does not read as a backreference: octal in both, up to RE2's reading. */
  private octal(): void {
    const start = this.i;
    const digits = this.matchAt(OCTAL, start + 1)![0];
    if (digits.length === 1 && digits !== '0')
      this.fail(
        start,
        2,
        `an octal escape of one digit, which RE2 refuses (it reads \\${digits} as a backreference); write \\x0${digits}`,
      );
    // JavaScript reads three octal digits only up to \377; Go reads any three.
    if (digits.length === 3 && digits[0]! >= '4')
      this.fail(
        start,
        4,
        `an octal escape JavaScript reads as \\${digits.slice(0, 2)} then ${digits[2]}, RE2 as one character`,
      );
    this.i += 1 + digits.length;
  }

  private hex(): void {
    const start = this.i;
    if (this.s[start + 2] === '{')
      this.fail(start, 3, 'x{ in JavaScript (x, repeated or followed by a brace), which RE2 reads as a code point');
    if (!isHex(this.s[start + 2]) || !isHex(this.s[start + 3]))
      this.fail(start, 2, 'a \\x without two hex digits: the letter x in JavaScript, refused by RE2');
    this.i += 4;
  }

  /** A class, as Go's parseClass reads it, where JavaScript (non-v mode) reads the same characters. */
  private characterClass(): void {
    const start = this.i;
    this.i++;
    if (this.s[this.i] === '^') this.i++;
    if (this.s[this.i] === ']')
      this.fail(
        start,
        this.i - start + 1,
        'an empty class (nothing, or with ^ anything, in JavaScript), which RE2 reads as a class holding ]; write [\\s\\S] for any character',
      );
    while (this.s[this.i] !== ']') {
      if (this.i >= this.s.length) this.fail(start, 1, 'a class without its ], which RE2 refuses');
      if (this.s.startsWith('[:', this.i) && this.lastPosixEnd >= this.i + 2)
        this.fail(
          this.i,
          this.s.indexOf(':]', this.i + 2) + 2 - this.i,
          'characters JavaScript reads one by one, RE2 as a POSIX class (or refuses)',
        );
      const single = this.classAtom();
      if (single && this.s[this.i] === '-' && this.s[this.i + 1] !== ']' && this.i + 1 < this.s.length) {
        const dash = this.i;
        this.i++;
        if (!this.classAtom())
          this.fail(
            dash - 1,
            this.i - dash + 1,
            'a range ending in a class escape, which RE2 refuses; put - last in the class',
          );
      }
    }
    this.i++;
  }

  /** One class member; true when it is a single character (a range may start or end there). */
  private classAtom(): boolean {
    if (this.s[this.i] !== '\\') {
      this.i++;
      return true;
    }
    const c = this.s[this.i + 1];
    if (c !== undefined && PERL_CLASS.includes(c)) {
      this.i += 2;
      return false;
    }
    this.escape(true);
    return true;
  }
}

/** Capturing groups of a JavaScript pattern: `(` but not `(?`, and named groups. */
function capturingGroups(s: string): number {
  let n = 0;
  let inClass = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') {
      inClass = true;
      // JavaScript closes `[]` and `[^]` at once.
      if (s[i + 1] === '^') i++;
      if (s[i + 1] === ']') {
        i++;
        inClass = false;
      }
    } else if (c === '(' && (s[i + 1] !== '?' || (s[i + 2] === '<' && s[i + 3] !== '=' && s[i + 3] !== '!'))) n++;
  }
  return n;
}

/**
 * The first construct of `pattern` (a JavaScript regex source that compiles) that RE2 refuses or reads
 * otherwise than JavaScript, or undefined when RE2 reads it as JavaScript does.
 */
export function re2Problem(pattern: string): Re2Problem | undefined {
  try {
    new Scanner(pattern, capturingGroups(pattern)).run();
    return undefined;
  } catch (e) {
    if (e instanceof Found) return e.problem;
    throw e;
  }
}
