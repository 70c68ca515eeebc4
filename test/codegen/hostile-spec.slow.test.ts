// A spec whose every text field holds comment terminators, quotes, template and PromQL syntax still
// generates: the TypeScript compiles and only defines helpers on import, promtool accepts the rules and
// their tests, and the text comes back unchanged wherever a target can carry it.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Project, ts } from 'ts-morph';
import { parse, stringify } from 'yaml';
import { runCli } from '../../codegen/cli.js';
import { expectRulesPass, tscErrors } from '../support/generated-checks.js';
import { requireTool } from '../support/tools.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const promtool = requireTool('promtool');
const jsonnet = requireTool('jsonnet');

// Inside node_modules so the generated code resolves @opentelemetry/api like a real service would.
mkdirSync(path.join(ROOT, 'node_modules', '.cache'), { recursive: true });
const dir = mkdtempSync(path.join(ROOT, 'node_modules', '.cache', 'ampyobs-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SPEC = path.join(dir, 'spec');
const OUT = path.join(dir, 'src', 'telemetry');
const CANARY = path.join(dir, 'canary');

/** What an attacker would put in a brief: break out of every target, then do something visible. */
const INJECT = [
  `*/ globalThis.PWNED = 1; process.getBuiltinModule('fs').writeFileSync(${JSON.stringify(CANARY)}, 'x'); /*`,
  `' " \` \${globalThis.PWNED = 2} \\ \\' \\u0041 \\`,
  '@deprecated injected {@link PWNED} @example',
  '{{ .Foo }} {{ "x" }} }} {{ $value }}',
  '<script>alert(1)</script> <!-- --> &amp; | a | b |',
  '# heading',
  '- item [link](javascript:alert(1)) ![img](x) **bold** _it_ ~~s~~',
  '"} or vector(1) # key: value &anchor *alias --- ... %YAML [a, {b: c}]',
  `\u2028line separator\u2029paragraph separator\ttab\r\ncrlf end `,
].join('\n');
/** Summaries are static and end in a period: the same without template braces. */
const STATIC = `${INJECT.replace(/\{\{/g, '{ {')}.`;
/** Descriptions may template: an unclosed brace pair is literal text. */
const DESCRIBED = `{{ $labels.topic }} at {{ $value | humanize }}; ${INJECT.replace(/\{\{[^}]*\}\}/g, '').replace(/\}\}/g, '')} {{ unclosed`;
/** URLs can hold quotes, stars and slashes, but no braces, backticks or spaces. */
const URL = "https://example.invalid/run*/book'$(x)/*?q=a&b=*/#anchor";
/** A bounded string label value that is also PromQL and regex syntax. */
const TOPICS = ['a"} or vector(1) #\\', 'x.y|z(*)+?[^$]{2}'];

function spec(): Record<string, string> {
  const y = (v: unknown) => stringify(v, { lineWidth: 0 });
  const deprecated = { note: INJECT };
  const attrs = [
    {
      id: 'broker',
      type: 'enum',
      brief: INJECT,
      note: INJECT,
      stability: 'stable',
      examples: [INJECT],
      members: [
        { value: 'alpaca', brief: INJECT },
        { value: 'v1.0', brief: INJECT, deprecated: { note: INJECT } },
        { value: 'x/y:z', brief: INJECT },
      ],
    },
    { id: 'topic', type: 'string', brief: INJECT, note: INJECT, examples: [INJECT, ...TOPICS], max_cardinality: 10 },
    { id: 'order_note', type: 'string', brief: INJECT, examples: [INJECT], high_cardinality: true },
    { id: 'old_thing', type: 'string', brief: INJECT, high_cardinality: true, deprecated },
    { id: 'service.name', type: 'string', brief: INJECT },
    { id: 'service.tier', type: 'string', brief: INJECT },
    {
      id: 'deployment.environment',
      type: 'enum',
      brief: INJECT,
      members: [
        { value: 'dev', brief: INJECT },
        { value: 'prod', brief: INJECT },
      ],
    },
    { id: 'trace_id', type: 'string', brief: INJECT, high_cardinality: true },
    { id: 'run_id', type: 'string', brief: INJECT, high_cardinality: true },
  ];
  return {
    'ampyobs.yaml': y({
      registry: { name: 'hostile', version: '0.1.0', brief: INJECT },
      codegen: {
        runtime_import: path
          .relative(OUT, path.join(ROOT, 'runtime', 'index.js'))
          .split(path.sep)
          .join('/'),
      },
    }),
    'attributes.yaml': y({
      attributes: attrs,
      resource: [
        { ref: 'service.name', requirement: 'required', env: 'SVC_NAME' },
        { ref: 'service.tier', default: INJECT },
        { ref: 'deployment.environment', requirement: 'required', default: 'dev', metric_label: 'env' },
      ],
      context: [
        { ref: 'trace_id', source: 'trace', brief: INJECT },
        { ref: 'run_id', source: 'scope', brief: INJECT, on_spans: true },
      ],
      log_base: [
        { field: 'ts', from: 'time', always: true, brief: INJECT },
        { field: 'message', from: 'message', always: true, brief: INJECT },
        { field: 'trace_id', from: 'context', ref: 'trace_id', brief: INJECT },
      ],
    }),
    'signals.yaml': y({
      bucket_sets: [{ id: 'latency_ms', unit: 'ms', brief: INJECT, boundaries: [1, 10, 100] }],
      metrics: [
        {
          name: 'ampy.hostile.requests',
          instrument: 'counter',
          unit: '{request}',
          brief: INJECT,
          note: INJECT,
          labels: [
            { ref: 'broker', brief: INJECT },
            { ref: 'topic', requirement: 'conditionally_required', condition: INJECT, brief: INJECT },
          ],
        },
        {
          name: 'ampy.hostile.latency_ms',
          instrument: 'histogram',
          unit: 'ms',
          brief: INJECT,
          buckets: 'latency_ms',
          labels: [{ ref: 'topic' }],
          deprecated,
        },
      ],
      spans: [
        {
          name: 'hostile.work',
          kind: 'internal',
          brief: INJECT,
          note: INJECT,
          links: { brief: INJECT },
          always_sample_when: { broker: ['v1.0'] },
          attributes: [
            { ref: 'broker', requirement: 'required', brief: INJECT },
            { ref: 'order_note', brief: INJECT },
            { ref: 'old_thing' },
          ],
          deprecated,
        },
      ],
      events: [
        {
          name: 'hostile.happened',
          level: 'warn',
          brief: INJECT,
          note: INJECT,
          fields: [
            { ref: 'order_note', requirement: 'required', brief: INJECT },
            { ref: 'topic', requirement: 'conditionally_required', condition: INJECT },
          ],
          deprecated,
        },
      ],
    }),
    'ops.yaml': y({
      schedules: [
        { id: 'night', brief: INJECT, days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '22:00', end: '02:00' },
      ],
      alerts: [
        {
          name: 'AmpyHostileRate',
          kind: 'rate',
          metric: 'ampy.hostile.requests',
          matchers: { broker: ['v1.0', 'x/y:z'], topic: TOPICS },
          by: ['topic'],
          threshold: 0.5,
          window: '5m',
          for: '5m',
          severity: 'warning',
          summary: STATIC,
          description: DESCRIBED,
          runbook: URL,
          labels: { team: INJECT },
        },
        {
          name: 'AmpyHostileAtNight',
          kind: 'rate',
          metric: 'ampy.hostile.requests',
          matchers: { topic: [TOPICS[0]!] },
          threshold: 0.5,
          window: '5m',
          for: '10m',
          during: 'night',
          severity: 'info',
          summary: STATIC,
          description: DESCRIBED.replace('{{ $labels.topic }}', 'it'),
          runbook: URL,
        },
      ],
      slos: [
        {
          name: 'hostile-latency',
          brief: INJECT,
          objective: 0.99,
          period: '30d',
          runbook: URL,
          sli: { kind: 'latency', metric: 'ampy.hostile.latency_ms', matchers: { topic: [TOPICS[1]!] }, threshold: 10 },
        },
      ],
      sampling: { sampler: 'parent', ratio: 0.5, per_env: { dev: 1 } },
      redaction: {
        replacement: INJECT,
        key_patterns: [INJECT, 'pass"word'],
        value_patterns: [{ id: 'quoted', regex: `\\*/x'"\`\\$\\{\\{[a-z]+\\}\\}`, brief: INJECT }],
      },
    }),
  };
}

let generateErrors: string[] = [];
let generateCode: number | 'watching' = 1;
beforeAll(async () => {
  // A service package is ESM, like this repository.
  writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  for (const [rel, text] of Object.entries(spec())) {
    mkdirSync(path.dirname(path.join(SPEC, rel)), { recursive: true });
    writeFileSync(path.join(SPEC, rel), text);
  }
  generateErrors = [];
  generateCode = await runCli(['generate', '--spec', SPEC, '--out', OUT], {
    out: () => {},
    err: (s) => generateErrors.push(s),
  });
}, 120_000);

const read = (rel: string): string => readFileSync(path.join(OUT, rel), 'utf8');

describe('a spec with hostile text in every field', () => {
  it('generates, with nothing but deprecation warnings', () => {
    expect(generateErrors.filter((e) => !e.includes(' warning deprecated-ref: '))).toEqual([]);
    expect(generateCode).toBe(0);
  });

  it('compiles under strict TypeScript', () => {
    writeFileSync(
      path.join(dir, 'tsconfig.json'),
      JSON.stringify({
        extends: path.join(ROOT, 'tsconfig.json'),
        compilerOptions: { noEmit: true, rootDir: '/' },
        include: ['src/**/*.ts'],
        exclude: [],
      }),
    );
    expect(tscErrors(path.join(dir, 'tsconfig.json'))).toBe('');
  });

  it('only defines helpers when imported, and carries the text unchanged', async () => {
    rmSync(CANARY, { force: true });
    const probe = `
      const m = await import(${JSON.stringify(path.join(OUT, 'index.ts'))});
      const r = m.registry;
      const alert = r.alerts.find((a) => a.name === 'AmpyHostileRate');
      console.log(JSON.stringify({
        pwned: globalThis.PWNED ?? null,
        exports: Object.keys(m).sort(),
        metricBrief: r.metrics.find((x) => x.name === 'ampy.hostile.requests').brief,
        summary: alert.summary,
        description: alert.description,
        runbook: alert.runbook,
        team: alert.labels.team,
        matchers: alert.matchers.topic,
        sloBrief: r.slos[0].brief,
        replacement: r.redaction.replacement,
        keyPatterns: r.redaction.keyPatterns,
        regex: r.redaction.valuePatterns[0].regex,
        logSchema: JSON.stringify(m.logSchema),
      }));`;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', probe], {
      cwd: ROOT,
    });
    const got = JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(got['pwned']).toBeNull();
    expect(existsSync(CANARY)).toBe(false);
    expect(got['exports']).toEqual([
      'brokerValues',
      'deploymentEnvironmentValues',
      'init',
      'instrumentedMetrics',
      'log',
      'logSchema',
      'metrics',
      'registry',
      'spans',
    ]);
    expect(got['metricBrief']).toBe(INJECT);
    expect(got['summary']).toBe(STATIC);
    expect(got['description']).toBe(DESCRIBED);
    expect(got['runbook']).toBe(URL);
    expect(got['team']).toBe(INJECT);
    expect(got['matchers']).toEqual(TOPICS);
    expect(got['sloBrief']).toBe(INJECT);
    // The log schema carries spec text as JSON string values, unchanged.
    expect(got['logSchema']).toContain(JSON.stringify(INJECT).slice(1, -1));
    expect(got['replacement']).toBe(INJECT);
    expect(got['keyPatterns']).toEqual([INJECT, 'pass"word']);
  });

  it('keeps spec text inside comments and strings: only declarations, no injected tag or link', () => {
    const project = new Project({ useInMemoryFileSystem: true });
    const declarations = new Set([
      ts.SyntaxKind.ImportDeclaration,
      ts.SyntaxKind.ExportDeclaration,
      ts.SyntaxKind.InterfaceDeclaration,
      ts.SyntaxKind.TypeAliasDeclaration,
      ts.SyntaxKind.VariableStatement,
      ts.SyntaxKind.FunctionDeclaration,
    ]);
    for (const f of readdirSync(OUT).filter((x) => x.endsWith('.ts'))) {
      const sf = project.createSourceFile(f, read(f)).compilerNode;
      for (const st of sf.statements)
        expect(declarations.has(st.kind), `${f}: ${ts.SyntaxKind[st.kind]} ${st.getText(sf).slice(0, 80)}`).toBe(true);
      const visit = (node: ts.Node): void => {
        for (const tag of ts.getJSDocTags(node)) {
          const comment = ts.getTextOfJSDocComment(tag.comment) ?? '';
          expect(comment, `${f}: @${tag.tagName.text}`).not.toMatch(/^injected/);
          expect(tag.tagName.text, f).not.toBe('link');
        }
        for (const doc of (node as { jsDoc?: ts.JSDoc[] }).jsDoc ?? [])
          for (const part of Array.isArray(doc.comment) ? (doc.comment as ts.JSDocComment[]) : [])
            if (ts.isJSDocLink(part)) expect(part.name?.getText(sf), f).not.toBe('PWNED');
        ts.forEachChild(node, visit);
      };
      visit(sf);
    }
    // Present, escaped: the terminator cannot close the comment and the tag is text.
    expect(read('metrics.ts')).toContain('* *\\/ globalThis.PWNED = 1;');
    expect(read('metrics.ts')).toContain('\\@deprecated injected');
  });

  it.skipIf(!promtool)(
    'rules pass promtool check rules, and their generated tests pass',
    async () => {
      await expectRulesPass(promtool!, path.join(OUT, 'prometheus'));
      // The rule tests compare annotations with the spec text itself: templates left nothing unescaped.
      const tests = parse(read('prometheus/ampyobs.rules.test.yaml')) as {
        tests: {
          alert_rule_test?: {
            exp_alerts: { exp_annotations: Record<string, string>; exp_labels: Record<string, string> }[];
          }[];
        }[];
      };
      const firing = tests.tests.flatMap((t) => t.alert_rule_test ?? []).flatMap((a) => a.exp_alerts);
      expect(
        firing.some(
          (a) =>
            a.exp_annotations['summary'] === STATIC &&
            a.exp_annotations['runbook_url'] === URL &&
            a.exp_labels['team'] === INJECT,
        ),
      ).toBe(true);
    },
    300_000,
  );

  it('writes Markdown tables whose rows keep their columns, with no raw HTML', () => {
    const md = read('docs/TELEMETRY.md');
    // Code spans show HTML as text; outside them there must be none.
    const outsideCode = md.replace(/(?<![`\\])(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '');
    expect(outsideCode).not.toContain('<script>');
    expect(outsideCode).toContain('&lt;script>');
    expect(md).not.toMatch(/^# heading/m);
    expect(md).not.toMatch(/^- item/m);
    let columns = 0;
    for (const line of md.split('\n')) {
      if (!line.startsWith('|')) {
        columns = 0;
        continue;
      }
      const cells = line.replace(/\\\\/g, '').split(/(?<!\\)\|/).length;
      if (columns === 0) columns = cells;
      expect(cells, line).toBe(columns);
    }
  });

  it.skipIf(!jsonnet)('writes a registry.libsonnet that jsonnet evaluates to the same text', async () => {
    const { stdout } = await run(jsonnet!, [path.join(OUT, 'dashboards', 'registry.libsonnet')]);
    const data = JSON.parse(stdout) as { metrics: { hostile: { requests: { brief: string } } } };
    expect(data.metrics.hostile.requests.brief).toBe(INJECT);
  });

  it('writes YAML that reads back to the same text', () => {
    const collector = parse(read('collector/otel-collector.yaml')) as { processors: Record<string, unknown> };
    expect(collector.processors).toBeDefined();
    const json = JSON.parse(read('registry.json')) as { alerts: { name: string; labels: Record<string, string> }[] };
    expect(json.alerts.find((a) => a.name === 'AmpyHostileRate')!.labels['team']).toBe(INJECT);
  });
});
