// Generated TypeScript and JSON leave the codegen formatted by prettier, so they read like the handwritten
// code and pass the repository's own `prettier --check` (npm run lint). prettier's standalone build is
// given its plugins and options here and nothing else: no configuration file, .editorconfig or plugin
// of the user's project is looked up, so the same model gives the same bytes anywhere.
import type { Options, Plugin } from 'prettier';
import { InternalError } from './diagnostics.js';
import type { FileSet } from './generate.js';

/**
 * The layout of every formatted file. `.prettierrc.json` at the repository root holds the same values
 * for the handwritten code (test/codegen/format.test.ts keeps the two equal).
 */
export const FORMAT_OPTIONS = { printWidth: 120, singleQuote: true, trailingComma: 'all' } as const satisfies Options;

/** prettier's parser for a generated file, by its extension; files of other kinds keep their text. */
function parserFor(file: string): 'typescript' | 'json' | undefined {
  if (file.endsWith('.ts')) return 'typescript';
  if (file.endsWith('.json')) return 'json';
  return undefined;
}

let loaded: Promise<{ format: (text: string, options: Options) => Promise<string>; plugins: Plugin[] }> | undefined;

/** prettier, loaded on first use: only rendering needs it, not the CLI's other commands or the API's types. */
function prettier(): NonNullable<typeof loaded> {
  loaded ??= Promise.all([
    import('prettier/standalone'),
    import('prettier/plugins/typescript'),
    import('prettier/plugins/babel'),
    import('prettier/plugins/estree'),
  ]).then(([standalone, typescript, babel, estree]) => ({
    format: standalone.format,
    plugins: [typescript, babel, estree],
  }));
  return loaded;
}

/**
 * The files with every TypeScript and JSON file formatted; the order and the other files are unchanged.
 * A file prettier cannot parse is an emitter's fault: an InternalError names it.
 */
export async function formatFiles(files: FileSet): Promise<FileSet> {
  const { format, plugins } = await prettier();
  const out = new Map<string, string>();
  for (const [file, text] of files) {
    const parser = parserFor(file);
    try {
      out.set(file, parser ? await format(text, { ...FORMAT_OPTIONS, parser, plugins }) : text);
    } catch (e) {
      throw new InternalError(`formatting ${file}`, e);
    }
  }
  return out;
}
