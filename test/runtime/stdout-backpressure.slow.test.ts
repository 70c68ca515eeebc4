// A service whose stdout reader stops (a stalled log collector, a full pipe) keeps running with bounded
// memory: lines past the pending limit are dropped and counted, and every line is either delivered or
// counted once the reader is back.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { STDOUT_MAX_PENDING } from '../../runtime/logs.js';
import { CLEAN_ENV } from '../support/env.js';

const root = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'ampyobs-stdout-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LINES = 300_000;

// The service: logs LINES lines in batches (the event loop turning between them), reports on fd 3, waits
// for "go" on stdin, shuts down and exits on its own once stdout has taken the rest.
const SERVICE = `
import { writeSync } from 'node:fs';
import { init, log } from '${pathToFileURL(path.join(root, 'generated/index.ts')).href}';
const obs = init({ serviceName: 'ampy-oms', export: { traces: false, metrics: false, logs: false } });
globalThis.gc();
const heap0 = process.memoryUsage().heapUsed;
let i = 0;
await new Promise((resolve) => {
  const batch = () => {
    for (let k = 0; k < 2000 && i < ${LINES}; k++, i++)
      log.orderSubmit({ client_order_id: 'co_' + i, broker: 'alpaca', symbol: 'AAPL' }, 'Placed limit order '.repeat(8));
    if (i < ${LINES}) setImmediate(batch);
    else resolve(undefined);
  };
  batch();
});
// What is still held, not the dropped chunks waiting for a collection.
globalThis.gc();
const heapAddedMb = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
writeSync(3, JSON.stringify({ heapAddedMb }) + '\\n');
process.stdin.once('data', async () => {
  process.stdin.destroy();
  await obs.shutdown();
  // Lines still gathering when the reader came back may have been dropped by the shutdown's flush.
  writeSync(3, JSON.stringify({ drops: obs.status().drops }) + '\\n');
});
`;

describe('stdout whose reader stops', () => {
  it('drops and counts lines past the pending limit, keeps memory bounded, and delivers the rest', async () => {
    const script = path.join(dir, 'service.mts');
    writeFileSync(script, SERVICE);
    // One process (not the tsx wrapper, which would not pass fd 3 on), run from the repository so that
    // `--import tsx` resolves.
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script], {
      cwd: root,
      env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !(k in CLEAN_ENV))),
      stdio: ['pipe', 'pipe', 'inherit', 'pipe'],
    });
    // stdout is not read until the service has logged everything: the pipe fills and stays full.
    child.stdout!.pause();
    const reports: Record<string, unknown>[] = [];
    let text = '';
    let reported: () => void = () => {};
    const firstReport = new Promise<void>((resolve) => (reported = resolve));
    child.stdio[3]!.on('data', (d: Buffer) => {
      const lines = (text + d.toString()).split('\n');
      text = lines.pop()!;
      reports.push(...lines.map((l) => JSON.parse(l) as Record<string, unknown>));
      if (reports.length > 0) reported();
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // The first report: everything logged while nothing read stdout (had logging waited for the reader,
    // it would never come).
    await Promise.race([
      firstReport,
      exited.then((code) => Promise.reject(new Error(`service exited early (${String(code)})`))),
    ]);
    const { heapAddedMb } = reports[0] as { heapAddedMb: number };
    let delivered = 0;
    let deliveredBytes = 0;
    let partial = '';
    child.stdout!.on('data', (d: Buffer) => {
      deliveredBytes += d.length;
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop()!;
      for (const l of lines) if (l.includes('"event":"order.submit"')) delivered++;
    });
    child.stdout!.resume();
    child.stdin!.write('go\n');
    const code = await exited;
    expect(code).toBe(0);
    const { drops } = reports[1] as { drops: Record<string, number> };
    const dropped = drops['logs:stdout_full'] ?? 0;
    // About 360 bytes a line: 100 MiB logged against 16 MiB allowed to wait.
    expect(dropped).toBeGreaterThan(LINES / 2);
    expect(delivered + dropped).toBe(LINES);
    // What waited, plus the pipe's and the stream's buffers and the last lines gathered.
    expect(deliveredBytes).toBeLessThan(STDOUT_MAX_PENDING + 2 ** 20);
    // What stays in memory is bounded by the limit, not by what was logged.
    expect(heapAddedMb).toBeLessThan((STDOUT_MAX_PENDING / 2 ** 20) * 2);
  }, 120_000);
});
