import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { RULES, type RuleOf } from './diagnostic-rules.js';
import { assertOwner, fileReporter, type Diagnostic } from './diagnostics.js';
import { compareText } from './order.js';
import { packageRoot } from './package-root.js';
import { suggest } from './suggest.js';
import { aliasProblems } from './yaml-aliases.js';

/** A JSON path into a YAML document: map keys and sequence indexes. */
export type SpecPath = readonly (string | number)[];

/** One parsed spec file, with what is needed to point back into its text. */
export interface SpecFile {
  /** Path as printed in diagnostics: relative to the working directory when inside it. */
  readonly display: string;
  readonly absPath: string;
  /** The spec directory this file belongs to (the root of its manifest). */
  readonly specDir: string;
  readonly isManifest: boolean;
  /** Depth of import: 0 for the spec being generated, 1+ for imported registries. */
  readonly importDepth: number;
  readonly doc: Document.Parsed;
  readonly lines: LineCounter;
  /** Plain data of the document; undefined when YAML syntax errors made it unusable. */
  readonly data: unknown;
}

/** Where something came from: a file and a path inside it. */
export interface SourceRef {
  readonly file: SpecFile;
  readonly path: SpecPath;
}

export const MANIFEST = 'ampyobs.yaml';

/** Directory of the spec shipped with this package (`imports: [ampyobs]`). */
export function baseSpecDir(): string {
  return path.join(packageRoot(), 'spec');
}

/**
 * The registries shipped with this package, by the name an import gives them: the base registry, and
 * the OpenTelemetry semantic conventions the auto-instrumentation records.
 */
const PACKAGED: Readonly<Record<string, () => string>> = {
  ampyobs: baseSpecDir,
  'ampyobs/semconv': () => path.join(packageRoot(), 'semconv'),
};

/** The directory of a registry shipped with this package, by its import name. */
export function packagedSpecDir(name: string): string | undefined {
  return Object.hasOwn(PACKAGED, name) ? PACKAGED[name]!() : undefined;
}

function displayPath(abs: string): string {
  const rel = path.relative(process.cwd(), abs);
  return rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel || '.';
}

/** The largest spec file read: far above any real fragment, far below what would stall the generator. */
export const MAX_SPEC_FILE_BYTES = 1 << 20;

const at = locator('codegen/load.ts');
const report = fileReporter('codegen/load.ts');

/** A diagnostic about a file as a whole (it could not be read, so there is no position inside it). */
function fileProblem(abs: string, rule: RuleOf<'codegen/load.ts'>, message: string, line = 1, col = 1): Diagnostic {
  return report(displayPath(abs), rule, message, line, col);
}

const errorCode = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/**
 * Every *.yaml / *.yml file under a spec directory, following symbolic links once: a link back to a
 * directory being walked is a loop and is reported, a file or directory reached twice is read once.
 * Entries that are not regular files, cannot be read or are over the size limit are reported.
 */
function listYaml(dir: string, diags: Diagnostic[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const walking: string[] = [];
  const walk = (d: string, real: string): void => {
    let names: string[];
    try {
      names = readdirSync(d).sort(compareText);
    } catch (e) {
      diags.push(fileProblem(d, 'spec-file', `cannot read directory: ${errorCode(e)}`));
      return;
    }
    walking.push(real);
    for (const name of names) {
      const p = path.join(d, name);
      const isYaml = /\.ya?ml$/.test(name);
      let st;
      let r: string;
      try {
        st = statSync(p);
        r = realpathSync(p);
      } catch (e) {
        const code = errorCode(e);
        if (code === 'ELOOP')
          diags.push(fileProblem(p, 'spec-file', 'symbolic link loop: it resolves to itself; remove or fix the link'));
        else if (isYaml)
          diags.push(
            fileProblem(
              p,
              'spec-file',
              code === 'ENOENT' ? 'broken symbolic link: its target does not exist' : `cannot read: ${code}`,
            ),
          );
        continue;
      }
      if (st.isDirectory()) {
        if (walking.some((w) => w === r || w.startsWith(`${r}${path.sep}`)))
          diags.push(
            fileProblem(
              p,
              'spec-file',
              `symbolic link loop: it leads to ${displayPath(r)}, which contains it; remove the link`,
            ),
          );
        else if (!seen.has(r)) {
          seen.add(r);
          walk(p, r);
        }
        continue;
      }
      if (!isYaml || seen.has(r)) continue;
      seen.add(r);
      if (!st.isFile())
        diags.push(
          fileProblem(
            p,
            'spec-file',
            'not a regular file (a pipe, socket or device?); spec files are plain YAML files',
          ),
        );
      else if (st.size > MAX_SPEC_FILE_BYTES)
        diags.push(
          fileProblem(
            p,
            'spec-file',
            `${st.size} bytes, over the ${MAX_SPEC_FILE_BYTES}-byte limit of a spec file; split it into several files`,
          ),
        );
      else out.push(p);
    }
    walking.pop();
  };
  const real = realpathSync(dir);
  seen.add(real);
  walk(dir, real);
  // Manifest first, then the rest in a stable order so merged output never depends on the filesystem.
  const rank = (p: string): number => (path.relative(dir, p) === MANIFEST ? 0 : 1);
  return out.sort((a, b) => rank(a) - rank(b) || compareText(path.relative(dir, a), path.relative(dir, b)));
}

/**
 * YAML text with each line break as a line feed. YAML 1.2 breaks lines at CR LF, LF and a lone CR (files
 * saved with old Mac line endings); the yaml library only at the first two, so it reads a CR-only file as
 * one line, a comment on the first swallowing the rest. YAML reads every line break inside a scalar as a
 * line feed anyway, so only the breaking changes, and lines are numbered as an editor shows them.
 */
export function withLineFeeds(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** The text of a spec file, or a diagnostic saying why it has none: unreadable, grown over the limit, binary. */
function readText(abs: string, diags: Diagnostic[]): string | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(abs);
  } catch (e) {
    diags.push(fileProblem(abs, 'spec-file', `cannot read: ${errorCode(e)}`));
    return undefined;
  }
  if (bytes.length > MAX_SPEC_FILE_BYTES) {
    diags.push(
      fileProblem(
        abs,
        'spec-file',
        `${bytes.length} bytes, over the ${MAX_SPEC_FILE_BYTES}-byte limit of a spec file; split it into several files`,
      ),
    );
    return undefined;
  }
  let text: string;
  try {
    text = withLineFeeds(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    diags.push(fileProblem(abs, 'spec-file', 'not UTF-8 text (a binary file?); spec files are YAML in UTF-8'));
    return undefined;
  }
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    const before = text.slice(0, nul).split('\n');
    diags.push(
      fileProblem(
        abs,
        'spec-file',
        'holds a NUL byte (a binary file?); spec files are YAML text',
        before.length,
        (before.at(-1)?.length ?? 0) + 1,
      ),
    );
    return undefined;
  }
  return text;
}

/** What a spec file is besides its content. */
function fileBase(abs: string, specDir: string, importDepth: number): Omit<SpecFile, 'doc' | 'data'> {
  return {
    display: displayPath(abs),
    absPath: abs,
    specDir,
    isManifest: path.relative(specDir, abs) === MANIFEST,
    importDepth,
    lines: new LineCounter(),
  };
}

/** A file, or an imported registry, that contributes nothing: the merge knows the spec is incomplete. */
function unusable(base: Omit<SpecFile, 'doc' | 'data'>): SpecFile {
  return { ...base, doc: parseDocument(''), data: undefined };
}

function parseFile(abs: string, specDir: string, importDepth: number, diags: Diagnostic[]): SpecFile {
  const base = fileBase(abs, specDir, importDepth);
  const { display, lines } = base;
  const text = readText(abs, diags);
  if (text === undefined) return unusable(base);
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    diags.push(fileProblem(abs, 'yaml-syntax', `cannot parse: ${(e as Error).message.split('\n')[0]}`));
    return unusable(base);
  }
  for (const e of [...doc.errors, ...doc.warnings]) {
    const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
    // The parser ran out of stack: say what in the file did it, not how the parser failed.
    const message = e.code === 'RESOURCE_EXHAUSTION' ? NESTED_TOO_DEEPLY : (e.message.split('\n')[0] ?? e.message);
    diags.push(report(display, 'yaml-syntax', message, pos.line, pos.col));
  }
  if (doc.errors.length > 0) return { ...base, doc, data: undefined };
  const badAliases = aliasProblems(doc);
  for (const { alias, message } of badAliases) {
    const pos = lines.linePos(alias.range?.[0] ?? 0);
    diags.push(report(display, 'yaml-syntax', message, pos.line, pos.col));
  }
  if (badAliases.length > 0) return { ...base, doc, data: undefined };
  let data: unknown;
  try {
    // An empty file is an empty fragment.
    data = (doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown) ?? {};
  } catch (e) {
    const message = (e as Error).message;
    diags.push(
      fileProblem(
        abs,
        'yaml-syntax',
        /alias/i.test(message)
          ? `expands more than ${MAX_ALIAS_COUNT} aliases (a YAML "billion laughs" bomb?); write the values out or use fewer aliases`
          : e instanceof RangeError
            ? NESTED_TOO_DEEPLY
            : `cannot read its values: ${message.split('\n')[0]}`,
      ),
    );
    return { ...base, doc, data: undefined };
  }
  return { ...base, doc, data };
}

/** Aliases a file may expand: anchors are fine, exponential expansion is not. */
const MAX_ALIAS_COUNT = 100;

const NESTED_TOO_DEEPLY =
  'nested too deeply to read (a YAML nesting bomb?); spec files need a few levels of lists and maps';

/**
 * For an import that leads nowhere and reads as a name rather than a path: what an import can be, and
 * the packaged registry it may have meant.
 */
function importHint(entry: string): string {
  if (entry.startsWith('.') || path.isAbsolute(entry) || (entry.includes('/') && !entry.startsWith('ampyobs')))
    return '';
  const names = Object.keys(PACKAGED);
  return ` (an import is a folder relative to ${MANIFEST} or a registry this package ships: ${names.join(', ')}${suggest(entry, names)})`;
}

/**
 * Reads a spec directory and, first, every registry it imports (depth-first, each once).
 * Problems (missing manifest, unreadable import, YAML syntax) become diagnostics, never throws.
 */
export function loadSpec(specDir: string, diags: Diagnostic[]): SpecFile[] {
  const files: SpecFile[] = [];
  const visiting: string[] = [];
  const done = new Set<string>();

  const visit = (dir: string, depth: number, from: SourceRef | undefined, hint = ''): void => {
    const abs = path.resolve(dir);
    if (done.has(abs)) return;
    if (visiting.includes(abs)) {
      const chain = [...visiting.slice(visiting.indexOf(abs)), abs].map(displayPath).join(' -> ');
      if (from) diags.push(at(from, 'import-cycle', `import cycle: ${chain}; remove one of these imports`));
      return;
    }
    if (!existsSync(abs) || !statSync(abs).isDirectory()) {
      const msg = existsSync(abs)
        ? `${displayPath(abs)} is a file, not a spec directory`
        : `spec directory ${displayPath(abs)} does not exist${hint}`;
      diags.push(from ? at(from, 'import-not-found', msg) : fileProblem(abs, 'import-not-found', msg));
      // An import that cannot be read: references to what it defines are not reported on top.
      if (from) files.push(unusable(fileBase(abs, abs, depth)));
      return;
    }
    const manifestPath = path.join(abs, MANIFEST);
    if (!existsSync(manifestPath) || !statSync(manifestPath).isFile()) {
      const msg = `no ${MANIFEST} manifest in ${displayPath(abs)}: create one with registry: {name, version}`;
      diags.push(from ? at(from, 'manifest-missing', msg) : fileProblem(manifestPath, 'manifest-missing', msg));
      if (from) files.push(unusable(fileBase(abs, abs, depth)));
      return;
    }
    visiting.push(abs);
    const own = listYaml(abs, diags).map((p) => parseFile(p, abs, depth, diags));
    const manifest = own.find((f) => f.isManifest);
    const imports = manifest && isRecord(manifest.data) ? manifest.data['imports'] : undefined;
    if (manifest && Array.isArray(imports)) {
      imports.forEach((entry, i) => {
        if (typeof entry !== 'string') return; // the schema check reports it
        const target = packagedSpecDir(entry) ?? path.resolve(abs, entry);
        visit(target, depth + 1, { file: manifest, path: ['imports', i] }, importHint(entry));
      });
    }
    visiting.pop();
    done.add(abs);
    files.push(...own);
  };

  visit(specDir, 0, undefined);
  return files;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Line and column (1-based) of the node at `p`, or of its key when `key` is set; falls back to the nearest parent. */
export function position(file: SpecFile, p: SpecPath, key = false): { line: number; col: number } {
  let node: unknown = file.doc.contents;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  for (let i = 0; i < p.length; i++) {
    const seg = p[i];
    if (isMap(node)) {
      const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && String(it.key.value) === String(seg));
      if (!pair) break;
      const k = pair.key as Node;
      if (key && i === p.length - 1) {
        offset = k.range?.[0] ?? offset;
        break;
      }
      node = pair.value;
      offset = (node as Node | null)?.range?.[0] ?? k.range?.[0] ?? offset;
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg] !== undefined) {
      node = node.items[seg];
      offset = (node as Node).range?.[0] ?? offset;
    } else break;
  }
  return file.lines.linePos(offset);
}

/**
 * The diagnostics a module raises, located at a source reference (at the key itself when `key` is set).
 * The module names itself, so the compiler accepts only the rules the rule table gives it, and the table
 * decides their severity.
 */
export function locator<M extends string>(
  module: M,
): (ref: SourceRef, rule: RuleOf<M>, message: string, key?: boolean) => Diagnostic {
  return (ref, rule, message, key = false) => {
    assertOwner(module, rule);
    const { line, col } = position(ref.file, ref.path, key);
    return { file: ref.file.display, line, col, severity: RULES[rule].severity, rule, message };
  };
}
