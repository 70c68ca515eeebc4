import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { RuleId } from './diagnostic-rules.js';
import type { Diagnostic } from './diagnostics.js';
import { packageRoot } from './package-root.js';

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

function displayPath(abs: string): string {
  const rel = path.relative(process.cwd(), abs);
  return rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel;
}

function listYaml(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(name)) out.push(p);
    }
  };
  walk(dir);
  // Manifest first, then the rest in a stable order so merged output never depends on the filesystem.
  return out.sort((a, b) => {
    const am = path.relative(dir, a) === MANIFEST ? 0 : 1;
    const bm = path.relative(dir, b) === MANIFEST ? 0 : 1;
    return am - bm || a.localeCompare(b);
  });
}

function parseFile(abs: string, specDir: string, importDepth: number, diags: Diagnostic[]): SpecFile {
  const text = readFileSync(abs, 'utf8');
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  const display = displayPath(abs);
  for (const e of [...doc.errors, ...doc.warnings]) {
    const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
    diags.push({
      file: display,
      line: pos.line,
      col: pos.col,
      severity: 'error',
      rule: 'yaml-syntax',
      message: e.message.split('\n')[0] ?? e.message,
    });
  }
  // An empty file is an empty fragment; a file with syntax errors contributes nothing.
  const data: unknown = doc.errors.length === 0 ? ((doc.toJS() as unknown) ?? {}) : undefined;
  return {
    display,
    absPath: abs,
    specDir,
    isManifest: path.relative(specDir, abs) === MANIFEST,
    importDepth,
    doc,
    lines,
    data,
  };
}

/**
 * Reads a spec directory and, first, every registry it imports (depth-first, each once).
 * Problems (missing manifest, unreadable import, YAML syntax) become diagnostics, never throws.
 */
export function loadSpec(specDir: string, diags: Diagnostic[]): SpecFile[] {
  const files: SpecFile[] = [];
  const visiting: string[] = [];
  const done = new Set<string>();

  const visit = (dir: string, depth: number, from: SourceRef | undefined): void => {
    const abs = path.resolve(dir);
    if (done.has(abs)) return;
    if (visiting.includes(abs)) {
      const chain = [...visiting.slice(visiting.indexOf(abs)), abs].map(displayPath).join(' -> ');
      if (from) diags.push(at(from, 'error', 'import-cycle', `import cycle: ${chain}; remove one of these imports`));
      return;
    }
    if (!existsSync(abs) || !statSync(abs).isDirectory()) {
      const msg = `spec directory ${displayPath(abs)} does not exist`;
      if (from) diags.push(at(from, 'error', 'import-not-found', msg));
      else diags.push({ file: displayPath(abs), line: 1, col: 1, severity: 'error', rule: 'import-not-found', message: msg });
      return;
    }
    const manifestPath = path.join(abs, MANIFEST);
    if (!existsSync(manifestPath)) {
      const msg = `no ${MANIFEST} manifest in ${displayPath(abs)}: create one with registry: {name, version}`;
      if (from) diags.push(at(from, 'error', 'manifest-missing', msg));
      else diags.push({ file: displayPath(manifestPath), line: 1, col: 1, severity: 'error', rule: 'manifest-missing', message: msg });
      return;
    }
    visiting.push(abs);
    const own = listYaml(abs).map((p) => parseFile(p, abs, depth, diags));
    const manifest = own[0];
    const imports = manifest && isRecord(manifest.data) ? manifest.data['imports'] : undefined;
    if (manifest && Array.isArray(imports)) {
      imports.forEach((entry, i) => {
        if (typeof entry !== 'string') return; // the schema check reports it
        const target = entry === 'ampyobs' ? baseSpecDir() : path.resolve(abs, entry);
        visit(target, depth + 1, { file: manifest, path: ['imports', i] });
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
        node = undefined;
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

/** Builds a diagnostic located at a source reference. */
export function at(ref: SourceRef, severity: Diagnostic['severity'], rule: RuleId, message: string, key = false): Diagnostic {
  const { line, col } = position(ref.file, ref.path, key);
  return { file: ref.file.display, line, col, severity, rule, message };
}
