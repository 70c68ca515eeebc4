// `ampyobs emit`: its descriptors are the generated helpers', it sends every signal of the registry,
// and live-check finds no violation in what it sends, from files and over OTLP/gRPC; against a dead
// collector it reports nothing delivered and fails.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSpec } from '../../codegen/pipeline.js';
import { log, metrics, spans } from '../../generated/index.js';
import { runLiveCheck } from '../../tools/live-check/command.js';
import { fromOtlpJson } from '../../tools/live-check/observed.js';
import { INSTRUMENTED_METRICS } from '../../runtime/generated/instrumented-metrics.js';
import { eventDescriptor, metricDescriptor, spanDescriptor } from '../../tools/emit/descriptors.js';
import { bucketValues } from '../../tools/emit/values.js';
import { ampyobs, type CliResult } from '../support/cli.js';
import { freePort } from '../support/ports.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const model = readSpec(path.join(ROOT, 'spec')).model!;
const tmp = mkdtempSync(path.join(tmpdir(), 'ampyobs-emit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** `ampyobs emit` as a child process, as a user runs it; resolves with its output once it exits. */
const emit = (...args: string[]): Promise<CliResult> => ampyobs(['emit', ...args]);

describe('emit', () => {
  it('builds the descriptors the generated helpers hold', () => {
    const byPath = <T>(root: Record<string, Record<string, { descriptor: T }>>): Map<string, T> =>
      new Map(
        Object.values(root).flatMap((group) =>
          Object.values(group).map((h) => [(h.descriptor as { name: string }).name, h.descriptor]),
        ),
      );
    const generatedMetrics = byPath(metrics as never);
    const generatedSpans = byPath(spans as never);
    const generatedEvents = new Map(
      Object.values(log as Record<string, { descriptor: { name: string } }>).map((h) => [
        h.descriptor.name,
        h.descriptor,
      ]),
    );
    // Metrics recorded by instrumentation have no helper: the runtime holds their descriptors (labels under
    // their OTLP keys, each saying whether it is required, where a helper's marks only the required ones).
    const instrumented = new Map(
      INSTRUMENTED_METRICS.map(({ recordedBy: _, labels, ...d }) => [
        d.name,
        { ...d, labels: labels.map(({ required, ...l }) => ({ ...l, ...(required && { required }) })) },
      ]),
    );
    for (const m of model.metrics)
      expect(metricDescriptor(m), m.name).toEqual(
        m.recordedBy ? instrumented.get(m.name) : generatedMetrics.get(m.name),
      );
    for (const s of model.spans) expect(spanDescriptor(s), s.name).toEqual(generatedSpans.get(s.name));
    for (const e of model.events) expect(eventDescriptor(model, e), e.name).toEqual(generatedEvents.get(e.name));
  });

  it('spreads histogram observations across every bucket and above the top', () => {
    expect(bucketValues([1, 10, 100])).toEqual([0.5, 5.5, 55, 150]);
  });

  it('sends every signal of the registry, and live-check finds no violation in the files it wrote', async () => {
    const dir = path.join(tmp, 'files');
    const r = await emit('--endpoint', `file://${dir}`, '--duration', '2');
    expect(r.code, r.stderr).toBe(0);
    const n = { metrics: model.metrics.length, spans: model.spans.length * 2, events: model.events.length * 2 };
    expect(r.stdout).toMatch(
      new RegExp(
        `^ampyobs emit: \\d+\\.\\d s of telemetry to file://${dir}, then \\d+\\.\\d s delivering it:\n` +
          `  metrics  \\d+ observations of ${n.metrics} metrics: delivered by the last export\n` +
          `  spans    ${n.spans} of ${n.spans} delivered \\(${model.spans.length} kinds\\)\n` +
          `  logs     ${n.events} of ${n.events} delivered \\(${model.events.length} kinds\\)\n$`,
      ),
    );
    const seen = { metric: new Set<string>(), span: new Set<string>(), log: new Set<string>() };
    for (const f of readdirSync(dir))
      for (const line of readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean))
        for (const o of fromOtlpJson(JSON.parse(line), f))
          if (o.signal in seen && o.name) seen[o.signal as keyof typeof seen].add(o.name);
    for (const m of model.metrics) expect(seen.metric.has(m.name), m.name).toBe(true);
    for (const s of model.spans) expect(seen.span.has(s.name), s.name).toBe(true);
    for (const e of model.events) expect(seen.log.has(e.name), e.name).toBe(true);

    const out: string[] = [];
    const code = await runLiveCheck(['--dir', dir, '--format', 'json'], {
      out: (s) => out.push(s),
      err: (s) => out.push(s),
    });
    const report = JSON.parse(out.join('\n')) as { findings: unknown[]; candidates: unknown[] };
    expect(report.findings).toEqual([]);
    expect(report.candidates).toEqual([]);
    expect(code).toBe(0);
  }, 60_000);

  it('live-check listening over OTLP/gRPC finds no violation in what emit sends', async () => {
    const stop = new AbortController();
    const out: string[] = [];
    let sent: Promise<{ code: number | null; stderr: string }> | undefined;
    const code = await runLiveCheck(
      ['--otlp-port', '0', '--duration', '600', '--format', 'json'],
      { out: (s) => out.push(s), err: () => {} },
      {
        ready: ([port]) => {
          sent = emit('--endpoint', `grpc://127.0.0.1:${port}`, '--duration', '2');
          void sent.then(() => stop.abort());
        },
        stop: stop.signal,
      },
    );
    expect((await sent!).code, (await sent!).stderr).toBe(0);
    const report = JSON.parse(out.join('\n')) as { findings: unknown[]; seen: Record<string, number> };
    expect(report.findings).toEqual([]);
    expect(report.seen['span']).toBe(model.spans.length * 2);
    expect(code).toBe(0);
  }, 60_000);

  it('prints the endpoint without its credentials, its own lines and the export errors alike', async () => {
    const port = await freePort();
    const r = await emit('--endpoint', `http://user:s3cretpass@127.0.0.1:${port}`, '--duration', '1');
    expect(r.stderr).toContain(`to http://***@127.0.0.1:${port} for 1 s`);
    expect(r.stderr).toMatch(new RegExp(`export to http://\\*\\*\\*@127\\.0\\.0\\.1:${port}/v1/\\w+ failed`));
    expect(r.stdout + r.stderr).not.toContain('s3cretpass');
  }, 60_000);

  it('fails against a collector that is not there, saying what was not delivered and why', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const r = await emit('--endpoint', endpoint, '--duration', '1', '--timeout', '1');
    expect(r.code).toBe(1);
    expect(r.stdout).not.toMatch(/\bsent\b/);
    // Whether the last metric export failed or was still retrying at the deadline depends on timing.
    expect(r.stdout).toMatch(
      /^ {2}metrics {2}\d+ observations of \d+ metrics: not delivered, (the last export failed|no export finished)/m,
    );
    expect(r.stdout).toMatch(new RegExp(`^ {2}spans {4}0 of ${model.spans.length} delivered`, 'm'));
    expect(r.stdout).toMatch(new RegExp(`^ {2}logs {5}0 of ${model.events.length} delivered`, 'm'));
    // The verdict is the last line: the process ends there, exporters still retrying or not.
    expect(r.stderr.trimEnd().split('\n').at(-1)).toBe(
      `ampyobs emit: nothing was delivered to ${endpoint}: connection refused (is the collector running?) [ECONNREFUSED]`,
    );
    expect(r.stderr).toContain('then up to 1 s (--timeout) to deliver it');
  }, 60_000);

  it('refuses a bad endpoint or duration with one line', async () => {
    const bad = await emit('--endpoint', 'ftp://user:s3cretpass@nowhere', '--duration', '1');
    // A bad flag value: exit 2 with the usage, as for any other flag; the URL shown without its credentials.
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^ampyobs emit: .*ftp:\/\/\*\*\*@nowhere/m);
    expect(bad.stderr).not.toContain('s3cretpass');
    expect(bad.stderr).toContain('Usage: ampyobs emit');
    expect(bad.stderr).not.toMatch(/^\s+at /m);
    const dur = await emit('--duration', 'soon');
    expect(dur.code).toBe(2);
    expect(dur.stderr).toMatch(/^ampyobs emit: --duration must be a number of seconds/);
    const zero = await emit('--duration', '0');
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain("--duration must be a number of seconds above 0 and at most 86400, not '0'");
    const timeout = await emit('--timeout', 'never');
    expect(timeout.code).toBe(2);
    expect(timeout.stderr).toMatch(/^ampyobs emit: --timeout must be a number of seconds/);
  }, 60_000);
});
