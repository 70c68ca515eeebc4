// A spec file means the same whatever line endings its editor saved: LF, CR LF (Windows) or a lone CR
// (old Mac), which YAML 1.2 counts as a line break too. A first-line comment must not swallow the file.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderFiles } from '../../codegen/generate.js';
import { readSpec } from '../../codegen/pipeline.js';

const MINI = path.resolve(import.meta.dirname, '../fixtures/mini-spec');
const root = mkdtempSync(path.join(tmpdir(), 'ampyobs-line-breaks-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fragment as the README shows them: the schema comment first, a block scalar whose lines must survive. */
const FRAGMENT = [
  '# yaml-language-server: $schema=../node_modules/ampyobs/codegen/spec.schema.json',
  'metrics:',
  '  - name: ampy.strategy.rebalances',
  '    instrument: counter',
  '    unit: "{rebalance}"',
  '    brief: Portfolio rebalances.',
  '    note: |',
  '      First line.',
  '      Second line.',
  '    stability: development',
  '',
].join('\n');

/** The mini spec plus the fragment, every file (manifest included) saved with `eol` line endings. */
function specWith(name: string, eol: string): string {
  const spec = path.join(root, name);
  cpSync(MINI, spec, { recursive: true });
  writeFileSync(path.join(spec, 'rebalance.yaml'), FRAGMENT);
  for (const name of readdirSync(spec)) {
    const file = path.join(spec, name);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, `# yaml-language-server: $schema=x\n${text}`.replace(/\n/g, eol));
  }
  return spec;
}

describe('line endings of spec files', () => {
  const lf = readSpec(specWith('lf', '\n'));
  let reference: ReturnType<typeof renderFiles> | undefined;

  it('LF, the reference, reads without diagnostics', () => {
    expect(lf.diagnostics).toEqual([]);
  });

  it.each([
    ['crlf', '\r\n'],
    ['cr', '\r'],
  ])('%s reads as LF: the same spec, nothing dropped, the same files generated', async (name, eol) => {
    const got = readSpec(specWith(name, eol));
    expect(got.diagnostics).toEqual([]);
    const metric = got.model?.metrics.find((m) => m.name === 'ampy.strategy.rebalances');
    expect(metric?.note).toBe('First line.\nSecond line.\n');
    expect(await renderFiles(got.model!)).toEqual(await (reference ??= renderFiles(lf.model!)));
  });
});
