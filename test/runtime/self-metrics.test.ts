// The runtime's own metrics come from the base spec: every ampy.obs.* and ampy.runtime.* metric, with its
// name, instrument, unit, description, buckets, label values and requirements, and the drop reasons and
// signals the runtime counts under. The runtime cannot import a service's generated code, so it carries
// them in runtime/generated/, which must be what the spec generates today.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SELF_METRIC_PREFIXES } from '../../conventions/index.js';
import { baseSpecDir } from '../../codegen/load.js';
import { readSpec } from '../../codegen/pipeline.js';
import { renderRuntimeFiles, RUNTIME_GENERATED_DIR } from '../../codegen/runtime-files.js';
import { diffOutput } from '../../codegen/write.js';
import { dropReasonValues, telemetrySignalValues } from '../../runtime/generated/self-metrics.js';
import * as self from '../../runtime/self-metrics.js';
import type { MetricDescriptor } from '../../runtime/types.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const { model } = readSpec(baseSpecDir());
if (!model) throw new Error('the base spec does not validate');

const helpers: MetricDescriptor[] = Object.values(self as Record<string, unknown>).flatMap((v) =>
  typeof v === 'object' && v !== null && 'descriptor' in v ? [(v as { descriptor: MetricDescriptor }).descriptor] : [],
);
const members = (id: string): string[] => model.attributes.find((a) => a.id === id)!.members.map((m) => m.value);

describe('self-metrics of the runtime', () => {
  it('are every ampy.obs.* and ampy.runtime.* metric of the spec, exactly as the spec defines it', () => {
    const spec = model.metrics.filter((m) => SELF_METRIC_PREFIXES.some((p) => m.name.startsWith(p)));
    expect(spec.length).toBeGreaterThanOrEqual(6);
    expect(helpers.map((d) => d.name).sort()).toEqual(spec.map((m) => m.name).sort());
    for (const m of spec) {
      const d = helpers.find((x) => x.name === m.name)!;
      expect(
        { instrument: d.instrument, unit: d.unit, description: d.description, buckets: d.buckets, labels: d.labels },
        m.name,
      ).toEqual({
        instrument: m.instrument,
        unit: m.unit,
        description: m.brief,
        buckets: m.buckets?.boundaries,
        labels: m.labels.map((l) => ({
          name: l.name,
          ...(l.attr.type === 'enum' && { values: l.attr.members.map((x) => x.value) }),
          ...(l.requirement === 'required' && { required: true }),
        })),
      });
    }
  });

  it('count drops under the spec’s drop reasons and signals', () => {
    expect(dropReasonValues).toEqual(members('drop_reason'));
    expect(telemetrySignalValues).toEqual(members('telemetry_signal'));
    const dropped = helpers.find((d) => d.name === 'ampy.obs.dropped')!;
    expect(dropped.labels.map((l) => [l.name, l.values])).toEqual([
      ['signal', members('telemetry_signal')],
      ['reason', members('drop_reason')],
    ]);
  });

  it('are generated from today’s spec (runtime/generated/ is not stale)', async () => {
    expect(diffOutput(path.join(ROOT, RUNTIME_GENERATED_DIR), await renderRuntimeFiles(model))).toEqual([]);
  });
});
