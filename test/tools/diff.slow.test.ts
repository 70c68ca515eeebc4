// `ampyobs diff`: every rule of the classification table has a case (the compiler holds the case list to
// the table), the version check, the three formats, and baselines from a directory, git and npm.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../codegen/cli.js';
import type { Change } from '../../tools/diff/compare.js';
import type { Verdict } from '../../tools/diff/report.js';
import { CHANGE_RULES, type ChangeId, type SubjectKind } from '../../tools/diff/rules.js';
import { requiredBump } from '../../tools/diff/version.js';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures');
const MINI = path.join(FIXTURES, 'mini-spec');
const root = mkdtempSync(path.join(tmpdir(), 'ampyobs-diff-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A text edit of one mini-spec file, or a whole extra file. */
type Edit = { file: string; from: string; to: string } | { file: string; text: string };
const edit = (file: string, from: string, to: string): Edit => ({ file, from, to });
const extra = (text: string): Edit => ({ file: 'extra.yaml', text });

let n = 0;
/** The mini spec with edits, its version set. */
function spec(edits: readonly Edit[], version = '1.0.0'): string {
  const dir = path.join(root, `spec-${n++}`);
  cpSync(MINI, dir, { recursive: true });
  for (const e of [edit('ampyobs.yaml', 'version: 0.1.0', `version: ${version}`), ...edits]) {
    const p = path.join(dir, e.file);
    if ('text' in e) writeFileSync(p, e.text);
    else {
      const text = readFileSync(p, 'utf8');
      if (!text.includes(e.from)) throw new Error(`${e.file} has no '${e.from}'`);
      writeFileSync(p, text.replace(e.from, e.to));
    }
  }
  return dir;
}

async function cli(...args: string[]): Promise<{ code: number | 'watching'; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function verdict(before: string, after: string): Promise<Verdict> {
  const r = await cli('diff', '--baseline', before, '--spec', after, '--format', 'json');
  expect(r.err.replace(/^ampyobs diff: .*bump.*$/m, ''), r.err).not.toMatch(/error/);
  return JSON.parse(r.out) as Verdict;
}

const fills = (more = '', labels = '      - ref: broker'): string => `metrics:
  - name: ampy.oms.fills
    instrument: counter
    unit: "{fill}"
    brief: Fills.
${more}    labels:
${labels}
`;
const attribute = (more: string): string => `attributes:
  - id: order_count
    type: int
    brief: Orders.
${more}`;

interface Case {
  readonly before?: readonly Edit[];
  readonly after: readonly Edit[];
  readonly kind: SubjectKind;
  readonly name: string;
}

/** A case for every rule of the table: the compiler refuses a table rule without one. */
const CASES: Record<ChangeId, Case> = {
  added: { after: [extra(fills())], kind: 'metric', name: 'ampy.oms.fills' },
  removed: { before: [extra(fills())], after: [], kind: 'metric', name: 'ampy.oms.fills' },
  renamed: {
    before: [
      extra(
        fills('', '      - ref: broker')
          .replace('ampy.oms.fills', 'ampy.oms.rejects')
          .replace('{fill}', '{order}')
          .replace('      - ref: broker', '      - ref: broker\n      - { ref: reason, as: cause }'),
      ),
    ],
    after: [
      extra(
        fills('    deprecated: { renamed_to: ampy.oms.rejections, note: Renamed., until: "2100-01-01" }\n')
          .replace('ampy.oms.fills', 'ampy.oms.rejects')
          .replace('{fill}', '{order}')
          .replace('      - ref: broker', '      - ref: broker\n      - { ref: reason, as: cause }'),
      ),
    ],
    kind: 'metric',
    name: 'ampy.oms.rejects',
  },
  deprecated: {
    before: [extra(fills())],
    after: [extra(fills('    deprecated: { note: Use ampy.oms.rejections. }\n'))],
    kind: 'metric',
    name: 'ampy.oms.fills',
  },
  'stability-raised': {
    before: [extra(fills('    stability: beta\n'))],
    after: [extra(fills('    stability: stable\n'))],
    kind: 'metric',
    name: 'ampy.oms.fills',
  },
  'stability-lowered': {
    before: [extra(fills('    stability: stable\n'))],
    after: [extra(fills('    stability: alpha\n'))],
    kind: 'metric',
    name: 'ampy.oms.fills',
  },
  doc: {
    after: [edit('signals.yaml', 'brief: Rejections.', 'brief: Orders rejected.')],
    kind: 'metric',
    name: 'ampy.oms.rejections',
  },
  instrument: {
    before: [extra(fills())],
    after: [extra(fills().replace('counter', 'updowncounter'))],
    kind: 'metric',
    name: 'ampy.oms.fills',
  },
  unit: {
    before: [extra(fills())],
    after: [extra(fills().replace('{fill}', '{execution}'))],
    kind: 'metric',
    name: 'ampy.oms.fills',
  },
  'bucket-removed': {
    after: [edit('signals.yaml', 'boundaries: [1, 10, 100]', 'boundaries: [1, 10]')],
    kind: 'metric',
    name: 'ampy.oms.order_latency_ms',
  },
  'bucket-added': {
    after: [edit('signals.yaml', 'boundaries: [1, 10, 100]', 'boundaries: [1, 10, 100, 1000]')],
    kind: 'metric',
    name: 'ampy.oms.order_latency_ms',
  },
  budget: {
    before: [extra(fills())],
    after: [extra(fills('    max_series: 50\n'))],
    kind: 'metric',
    name: 'ampy.oms.fills',
  },
  'span-kind': { after: [edit('signals.yaml', 'kind: internal', 'kind: client')], kind: 'span', name: 'oms.submit' },
  sampling: {
    after: [edit('signals.yaml', 'kind: internal', 'kind: internal\n    always_sample: true')],
    kind: 'span',
    name: 'oms.submit',
  },
  links: {
    after: [edit('signals.yaml', 'kind: internal', 'kind: internal\n    links: { brief: The orders of a batch. }')],
    kind: 'span',
    name: 'oms.submit',
  },
  'event-level': { after: [edit('signals.yaml', 'level: error', 'level: warn')], kind: 'event', name: 'order.reject' },
  'part-added-required': {
    before: [extra(fills())],
    after: [extra(fills('', '      - ref: broker\n      - ref: reason'))],
    kind: 'metric',
    name: 'ampy.oms.fills',
  },
  'part-added': {
    after: [edit('signals.yaml', '      - { ref: symbol }', '      - { ref: symbol }\n      - { ref: topic }')],
    kind: 'span',
    name: 'oms.submit',
  },
  'part-removed': { after: [edit('signals.yaml', '      - { ref: symbol }\n', '')], kind: 'span', name: 'oms.submit' },
  'part-renamed': {
    after: [
      edit(
        'signals.yaml',
        '{ ref: reason, requirement: required }',
        '{ ref: reason, as: reject_reason, requirement: required }',
      ),
    ],
    kind: 'event',
    name: 'order.reject',
  },
  'part-required': {
    after: [edit('signals.yaml', '{ ref: symbol }', '{ ref: symbol, requirement: required }')],
    kind: 'span',
    name: 'oms.submit',
  },
  'part-optional': {
    after: [
      edit('signals.yaml', '{ ref: reason, requirement: required }', '{ ref: reason, requirement: recommended }'),
    ],
    kind: 'event',
    name: 'order.reject',
  },
  'part-attribute': {
    before: [extra(fills('', '      - { ref: broker, as: venue }'))],
    after: [extra(fills('', '      - { ref: reason, as: venue }'))],
    kind: 'metric',
    name: 'ampy.oms.fills',
  },
  type: {
    before: [extra(attribute(''))],
    after: [extra(attribute('').replace('type: int', 'type: double'))],
    kind: 'attribute',
    name: 'order_count',
  },
  'member-added': {
    after: [
      edit(
        'attributes.yaml',
        '      - { value: ibkr, brief: Interactive Brokers. }',
        '      - { value: ibkr, brief: Interactive Brokers. }\n      - { value: tradier, brief: Tradier. }',
      ),
    ],
    kind: 'attribute',
    name: 'broker',
  },
  'member-removed': {
    after: [edit('attributes.yaml', '      - { value: other, brief: Anything else. }\n', '')],
    kind: 'attribute',
    name: 'reason',
  },
  'member-deprecated': {
    after: [
      edit(
        'attributes.yaml',
        '{ value: other, brief: Anything else. }',
        '{ value: other, brief: Anything else., deprecated: { note: Too vague. } }',
      ),
    ],
    kind: 'attribute',
    name: 'reason',
  },
  redacted: {
    before: [extra(attribute('').replace('type: int', 'type: string'))],
    after: [extra(attribute('    secret: true\n').replace('type: int', 'type: string'))],
    kind: 'attribute',
    name: 'order_count',
  },
  unredacted: {
    before: [extra(attribute('    secret: true\n').replace('type: int', 'type: string'))],
    after: [extra(attribute('').replace('type: int', 'type: string'))],
    kind: 'attribute',
    name: 'order_count',
  },
  'high-cardinality': {
    before: [extra(attribute(''))],
    after: [extra(attribute('    high_cardinality: true\n'))],
    kind: 'attribute',
    name: 'order_count',
  },
  'cardinality-lowered': {
    after: [edit('attributes.yaml', 'max_cardinality: 10', 'max_cardinality: 5')],
    kind: 'attribute',
    name: 'topic',
  },
  'cardinality-raised': {
    after: [edit('attributes.yaml', 'max_cardinality: 10', 'max_cardinality: 20')],
    kind: 'attribute',
    name: 'topic',
  },
  routing: {
    after: [edit('ops.yaml', 'severity: warning', 'severity: critical')],
    kind: 'alert',
    name: 'AmpyRejectsHigh',
  },
  grouping: {
    after: [edit('ops.yaml', 'by: [reason]', 'by: [reason, broker]')],
    kind: 'alert',
    name: 'AmpyRejectsHigh',
  },
  tuning: { after: [edit('ops.yaml', 'threshold: 0.1', 'threshold: 0.2')], kind: 'alert', name: 'AmpyRejectsHigh' },
};

describe('the classification table', () => {
  for (const [rule, c] of Object.entries(CASES) as [ChangeId, Case][])
    it(`${rule}: ${CHANGE_RULES[rule].level}`, async () => {
      expect(CHANGE_RULES[rule].subjects).toContain(c.kind);
      const v = await verdict(spec(c.before ?? []), spec(c.after));
      const found = v.changes.filter((x: Change) => x.rule === rule && x.kind === c.kind && x.name === c.name);
      expect(found, JSON.stringify(v.changes, null, 1)).toHaveLength(1);
      expect(found[0]!.level).toBe(CHANGE_RULES[rule].level);
      expect(found[0]!.why).toBe(CHANGE_RULES[rule].why);
    });

  it('finds nothing between a spec and itself', async () => {
    const v = await verdict(MINI, MINI);
    expect(v.changes).toEqual([]);
    expect(v.ok).toBe(true);
  });

  it('is what the README lists', () => {
    const readme = readFileSync(path.resolve(import.meta.dirname, '../../README.md'), 'utf8');
    for (const [rule, r] of Object.entries(CHANGE_RULES))
      expect(readme, rule).toContain(`| \`${rule}\` | ${r.level} |`);
  });
});

describe('the version check', () => {
  const breaking = [edit('attributes.yaml', '      - { value: other, brief: Anything else. }\n', '')];
  it('exits 1 on a breaking change without a major bump, naming the version to set', async () => {
    const r = await cli('diff', '--baseline', spec([]), '--spec', spec(breaking, '1.1.0'));
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      "breaking   attribute reason: member 'other' removed; used by metric ampy.oms.rejections (label reason), event order.reject (field reason) [member-removed]",
    );
    expect(r.out).toContain(
      'needs a major version bump, but 1.0.0 → 1.1.0 is a minor bump: set registry.version to 2.0.0 or later',
    );
    expect(r.err).toBe('');
  });
  it('exits 0 once the version is bumped enough', async () => {
    const r = await cli('diff', '--baseline', spec([]), '--spec', spec(breaking, '2.0.0'));
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(
      /1 breaking, 0 compatible, 0 cosmetic: needs a major version bump; 1\.0\.0 → 2\.0\.0 is a major bump: ok$/,
    );
  });
  it('below 1.0.0 a breaking change needs a minor bump and a compatible one a patch', async () => {
    expect(requiredBump(['breaking', 'cosmetic'], '0.3.1')).toBe('minor');
    expect(requiredBump(['compatible'], '0.3.1')).toBe('patch');
    expect(requiredBump(['cosmetic'], '1.3.1')).toBe('none');
    expect((await cli('diff', '--baseline', spec([], '0.1.0'), '--spec', spec(breaking, '0.1.1'))).code).toBe(1);
    expect((await cli('diff', '--baseline', spec([], '0.1.0'), '--spec', spec(breaking, '0.2.0'))).code).toBe(0);
  });
  it('a version that goes back fails even without changes', async () => {
    const r = await cli('diff', '--baseline', spec([], '1.2.0'), '--spec', spec([], '1.1.9'));
    expect(r.code).toBe(1);
    expect(r.out).toContain('1.2.0 → 1.1.9 goes back');
  });
});

describe('migration notes', () => {
  it('give PromQL before and after for a renamed metric and its renamed label', async () => {
    const c = CASES.renamed;
    const r = await cli(
      'diff',
      '--baseline',
      spec(c.before ?? []),
      '--spec',
      spec(c.after, '1.1.0'),
      '--format',
      'markdown',
    );
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toContain('# Migration notes: mini 1.0.0 → 1.1.0');
    expect(r.out).toContain('## Changes to act on before a transition ends');
    expect(r.out).toContain(
      [
        '  ```promql',
        '  # before',
        '  sum (rate(ampy_oms_rejects_total[5m]))',
        '  # after',
        '  sum (rate(ampy_oms_rejections_total[5m]))',
        '  # before',
        '  sum by (cause) (rate(ampy_oms_rejects_total[5m]))',
        '  # after',
        '  sum by (reason) (rate(ampy_oms_rejections_total[5m]))',
        '  ```',
      ].join('\n'),
    );
    expect(r.out).toContain(
      'Before 2100-01-01, move dashboards and alerts to `ampy_oms_rejections_total`, and calls from `metrics.oms.rejects` to `metrics.oms.rejections`.',
    );
  });

  it('a renamed metric whose entry is removed breaks: its transition ends', async () => {
    const v = await verdict(spec(CASES.renamed.after), spec([]));
    expect(v.changes.map((c) => [c.rule, c.name, c.detail])).toEqual([
      ['removed', 'ampy.oms.rejects', "renamed metric removed: its transition to 'ampy.oms.rejections' ends"],
    ]);
    expect(v.required).toBe('major');
  });
});

describe('baselines', () => {
  const git = (cwd: string, ...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, encoding: 'utf8' });

  /** A repository of one commit: the mini spec in `shared/`, imported by the manifest of `spec/`. */
  const repoImporting = (name: string, manifest: string): string => {
    const repo = path.join(root, name);
    cpSync(MINI, path.join(repo, 'shared'), { recursive: true });
    mkdirSync(path.join(repo, 'spec'));
    writeFileSync(path.join(repo, 'spec', 'ampyobs.yaml'), manifest);
    git(repo, 'init', '-q');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'one');
    return repo;
  };

  it('git:<ref> reads the spec (and the directories it imports) at that commit; a shallow clone gets a hint', async () => {
    const repo = repoImporting('repo', 'registry: { name: svc, version: 1.0.0 }\nimports: [../shared]\n');
    const text = readFileSync(path.join(repo, 'shared', 'attributes.yaml'), 'utf8');
    writeFileSync(
      path.join(repo, 'shared', 'attributes.yaml'),
      text.replace('      - { value: other, brief: Anything else. }\n', ''),
    );
    git(repo, 'commit', '-qam', 'two');
    const r = await cli('diff', '--baseline', 'git:HEAD~1', '--spec', path.join(repo, 'spec'));
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^ampyobs diff: svc 1\.0\.0 \(git:HEAD~1 \([0-9a-f]{12}\)\) → svc 1\.0\.0/);
    expect(r.out).toContain("member 'other' removed");

    const shallow = path.join(root, 'shallow');
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${repo}`, shallow]);
    const s = await cli('diff', '--baseline', 'git:HEAD~1', '--spec', path.join(shallow, 'spec'));
    expect(s.code).toBe(1);
    expect(s.err).toMatch(
      /git:HEAD~1: no such commit in .*shallow; this clone is shallow: fetch the history it needs \(git fetch --deepen=1, or --unshallow\)$/,
    );
  });

  it('git:<ref> follows the imports of a manifest saved with old Mac line endings (a lone CR)', async () => {
    const repo = repoImporting(
      'repo-cr',
      '# yaml-language-server: $schema=x\rregistry: { name: svc, version: 1.0.0 }\rimports: [../shared]\r',
    );
    const r = await cli('diff', '--baseline', 'git:HEAD', '--spec', path.join(repo, 'spec'));
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('no changes');
  });

  it('npm:<spec> reads the spec of a packed package at the same path', async () => {
    const pkg = path.join(root, 'pkg');
    cpSync(MINI, path.join(pkg, 'spec'), { recursive: true });
    writeFileSync(
      path.join(pkg, 'package.json'),
      JSON.stringify({ name: 'mini-registry', version: '1.0.0', files: ['spec'] }),
    );
    const out = path.join(root, 'packed');
    mkdirSync(out);
    execFileSync('npm', ['pack', '--pack-destination', out, '--silent'], { cwd: pkg });
    const project = path.join(root, 'project');
    cpSync(MINI, path.join(project, 'spec'), { recursive: true });
    writeFileSync(path.join(project, 'package.json'), '{}');
    const r = await cli(
      'diff',
      '--baseline',
      `npm:${path.join(out, 'mini-registry-1.0.0.tgz')}`,
      '--spec',
      path.join(project, 'spec'),
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('no changes');
    const missing = await cli(
      'diff',
      '--baseline',
      `npm:${path.join(out, 'nothing-9.9.9.tgz')}`,
      '--spec',
      path.join(project, 'spec'),
    );
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^ampyobs diff: npm:.*nothing-9\.9\.9\.tgz: npm pack failed: /);
  });

  it('refuses bad arguments with a usage error and never a stack trace', async () => {
    for (const args of [
      ['--baseline', 'nowhere'],
      ['--format', 'xml', '--baseline', MINI],
      [],
      ['--baseline', 'git:'],
      ['--bogus'],
    ]) {
      const r = await cli('diff', ...args);
      expect(r.code, args.join(' ')).toBeGreaterThan(0);
      expect(r.err).toMatch(/^ampyobs diff: /);
      expect(r.err).not.toMatch(/^\s+at /m);
    }
  });
});
