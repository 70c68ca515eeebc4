// A renamed metric in the generated files: the old helper is the new one (deprecated), the catalogue lists
// the rename, and the rules record the old series with promtool tests that pass.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
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
    expect(ts).toMatch(/Recording rules keep `ampy_oms_rejects_total` until 2100-01-01\.\n {5}\*\n {5}\* @deprecated Renamed to ampy\.oms\.rejections; the label cause is now reason\.\n {5}\*\/\n {4}rejects: omsRejectionsHelper,\n/);
    expect(ts).not.toContain("name: 'ampy.oms.rejects'");
    expect(files.get('docs/TELEMETRY.md')).toContain('| `ampy.oms.rejects` | `ampy_oms_rejects_total` | `ampy.oms.rejections` | 2100-01-01 |');
    expect(files.get('prometheus/ampyobs.rules.yaml')).toContain(
      'expr: label_replace(ampy_oms_rejections_total and on() (vector(time()) < 4102444800), "cause", "$1", "reason", "(.*)")',
    );
  });

  it.skipIf(!promtool)('produce rules promtool accepts and recording tests that pass', async () => {
    const files = await renderFiles(result.model!);
    for (const f of ['ampyobs.rules.yaml', 'ampyobs.rules.test.yaml']) writeFileSync(path.join(tmp, f), files.get(`prometheus/${f}`)!);
    await run(promtool!, ['check', 'rules', 'ampyobs.rules.yaml'], { cwd: tmp });
    const { stdout } = await run(promtool!, ['test', 'rules', 'ampyobs.rules.test.yaml'], { cwd: tmp });
    expect(stdout).toContain('SUCCESS');
    expect(files.get('prometheus/ampyobs.rules.test.yaml')).toContain('name: ampy.oms.rejects is recorded from ampy.oms.rejections during its transition');
  });
});
