// A renamed metric in the generated files: the old helper is the new one (deprecated), the catalogue lists
// the rename, and the rules record the old series with promtool tests that pass.
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../codegen/cli.js';
import { renderFiles } from '../../codegen/generate.js';
import { readSpec } from '../../codegen/pipeline.js';
import { requireTool } from '../support/tools.js';

const run = promisify(execFile);
const promtool = requireTool('promtool');
const SPEC = path.resolve(import.meta.dirname, '../fixtures/renamed-spec');
const tmp = mkdtempSync(path.join(tmpdir(), 'ampyobs-renames-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('renamed metrics in the generated files', () => {
  const result = readSpec(SPEC);

  it('leave the emitted metrics for renamedMetrics', () => {
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const model = result.model!;
    expect(model.metrics.map((m) => m.name)).toEqual(['ampy.oms.rejections', 'ampy.oms.order_latency_ms']);
    expect(model.renamedMetrics.map((r) => [r.from.name, r.to.name, r.until])).toEqual([
      ['ampy.oms.rejects', 'ampy.oms.rejections', '2100-01-01'],
      ['ampy.oms.submit_latency_ms', 'ampy.oms.order_latency_ms', '2100-01-01'],
      ['ampy.oms.ack_latency_ms', 'ampy.oms.order_latency_ms', '2001-01-01'],
    ]);
  });

  it('give the old name the new helper, deprecated, and list the rename in the catalogue', async () => {
    const files = await renderFiles(result.model!);
    const ts = files.get('metrics.ts')!;
    expect(ts).toContain('const omsRejectionsHelper = defineCounter<OmsRejectionsLabels & ForbiddenMetricLabels>({');
    expect(ts).toMatch(/\n {4}rejections: omsRejectionsHelper,\n/);
    expect(ts).toMatch(
      /Recording rules keep `ampy_oms_rejects_total` until 2100-01-01\.\n {5}\*\n {5}\* @deprecated Renamed to ampy\.oms\.rejections; the label cause is now reason\.\n {5}\*\/\n {4}rejects: omsRejectionsHelper,\n/,
    );
    expect(ts).not.toContain("name: 'ampy.oms.rejects'");
    expect(files.get('docs/TELEMETRY.md')).toContain(
      '| `ampy.oms.rejects` | `ampy_oms_rejects_total` | `ampy.oms.rejections` | 2100-01-01 |',
    );
    expect(files.get('prometheus/ampyobs.rules.yaml')).toContain(
      'expr: label_replace(ampy_oms_rejections_total and on() (vector(time()) < 4102444800), "cause", "$1", "reason", "(.*)")',
    );
  });

  it.skipIf(!promtool)('produce rules promtool accepts and recording tests that pass', async () => {
    const files = await renderFiles(result.model!);
    for (const f of ['ampyobs.rules.yaml', 'ampyobs.rules.test.yaml'])
      writeFileSync(path.join(tmp, f), files.get(`prometheus/${f}`)!);
    await run(promtool!, ['check', 'rules', 'ampyobs.rules.yaml'], { cwd: tmp });
    const { stdout } = await run(promtool!, ['test', 'rules', 'ampyobs.rules.test.yaml'], { cwd: tmp });
    expect(stdout).toContain('SUCCESS');
    expect(files.get('prometheus/ampyobs.rules.test.yaml')).toContain(
      'name: ampy.oms.rejects is recorded from ampy.oms.rejections during its transition',
    );
  });

  it('compile: the old name takes the new labels, and the old label name is a compile error', async () => {
    const ROOT = path.resolve(import.meta.dirname, '../..');
    // Inside node_modules so the generated code resolves @opentelemetry/api like a real service would.
    mkdirSync(path.join(ROOT, 'node_modules', '.cache'), { recursive: true });
    const svc = mkdtempSync(path.join(ROOT, 'node_modules', '.cache', 'ampyobs-renamed-'));
    try {
      const runtime = path
        .relative(path.join(svc, 'src', 'telemetry'), path.join(ROOT, 'runtime', 'index.js'))
        .split(path.sep)
        .join('/');
      mkdirSync(path.join(svc, 'telemetry'), { recursive: true });
      writeFileSync(
        path.join(svc, 'telemetry', 'ampyobs.yaml'),
        `registry: { name: svc, version: 1.0.0 }\nimports: [${JSON.stringify(SPEC)}]\ncodegen: { runtime_import: ${runtime} }\n`,
      );
      const errors: string[] = [];
      expect(
        await runCli(['generate', '--spec', path.join(svc, 'telemetry'), '--out', path.join(svc, 'src', 'telemetry')], {
          out: () => {},
          err: (e) => errors.push(e),
        }),
        errors.join('\n'),
      ).toBe(0);
      mkdirSync(path.join(svc, 'src'), { recursive: true });
      writeFileSync(
        path.join(svc, 'src', 'app.ts'),
        [
          "import { metrics } from './telemetry/index.js';",
          "metrics.oms.rejects.add(1, { broker: 'alpaca', reason: 'risk_check' });",
          'const same: typeof metrics.oms.rejections = metrics.oms.rejects;',
          "metrics.oms.rejects.add(1, { broker: 'alpaca', cause: 'risk_check' });",
          'void same;',
          '',
        ].join('\n'),
      );
      writeFileSync(
        path.join(svc, 'tsconfig.json'),
        JSON.stringify({
          extends: path.join(ROOT, 'tsconfig.json'),
          compilerOptions: { noEmit: true, rootDir: '/' },
          include: ['src/**/*.ts'],
          exclude: [],
        }),
      );
      const tsc = spawnSync(
        path.join(ROOT, 'node_modules', '.bin', 'tsc'),
        ['-p', path.join(svc, 'tsconfig.json'), '--pretty', 'false'],
        { encoding: 'utf8' },
      );
      const lines = tsc.stdout.split('\n').filter((l) => / error TS\d+:/.test(l));
      expect(lines, tsc.stdout).toHaveLength(1);
      expect(lines[0]).toMatch(
        /src\/app\.ts\(4,\d+\): error TS2353: Object literal may only specify known properties, and 'cause' does not exist/,
      );
    } finally {
      rmSync(svc, { recursive: true, force: true });
    }
  }, 120_000);
});
