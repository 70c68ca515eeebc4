// A service that never calls shutdown() still delivers what it produced: when its work is done, and when
// SIGTERM stops it. One with its own SIGTERM handler keeps control of its exit.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAN_ENV } from '../support/env.js';
import { OtlpReceiver } from '../support/otlp-receiver.js';

const root = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'ampyobs-exit-'));
const receiver = new OtlpReceiver();
let endpoint = '';
beforeAll(async () => {
  endpoint = await receiver.startHttp();
});
afterAll(async () => {
  await receiver.stop();
  rmSync(dir, { recursive: true, force: true });
});

const LINES = 50;

/** A service that logs LINES lines, one span and one metric point tagged `run`, then does `ending`. */
function service(run: string, ending: string): string {
  return `
import { writeSync } from 'node:fs';
import { init, log, metrics, spans } from '${pathToFileURL(path.join(root, 'generated/index.ts')).href}';
const obs = init({ serviceName: 'ampy-oms', serviceVersion: '${run}', metricIntervalMillis: 60000 });
spans.oms.submit.start({ broker: 'alpaca', client_order_id: '${run}', side: 'buy' }).end();
metrics.oms.orderSubmit.add(1, { broker: 'alpaca', outcome: 'ok' });
for (let i = 0; i < ${LINES}; i++)
  log.brokerAck({ client_order_id: '${run}-' + i, broker_order_id: 'b1', status: 'accepted' }, 'Order accepted');
${ending}
`;
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
}

/** Runs a service; `ready` (on fd 3) is when the test may signal it. */
async function run(
  name: string,
  source: string,
  env: Record<string, string> = {},
  onReady?: (pid: number) => void,
): Promise<Run> {
  const script = path.join(dir, `${name}.mts`);
  writeFileSync(script, source);
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root,
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !(k in CLEAN_ENV))),
      OBS_OTLP_ENDPOINT: endpoint,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit', 'pipe'],
  });
  let stdout = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  const closed = new Promise((r) => child.stdout!.once('close', r));
  child.stdio[3]!.on('data', () => onReady?.(child.pid!));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once('exit', (c, s) => resolve([c, s])),
  );
  await closed;
  return { code, signal, stdout };
}

/** What the receiver holds of one run. */
function received(run: string): { spans: number; logs: number; points: number } {
  return {
    spans: receiver.spans.filter((s) => s.attributes['client_order_id'] === run).length,
    logs: receiver.logs.filter((l) => String(l.attributes['client_order_id']).startsWith(`${run}-`)).length,
    points: receiver.points.filter((p) => p.resource['service.version'] === run && p.metric === 'ampy.oms.order_submit')
      .length,
  };
}

const lines = (stdout: string, run: string): number =>
  stdout.split('\n').filter((l) => l.includes(`"client_order_id":"${run}-`)).length;

describe('a service that never calls shutdown()', () => {
  it('delivers its spans, log records and metric points when its work is done, and exits', async () => {
    const r = await run('done', service('done', ''));
    expect(r.code).toBe(0);
    expect(lines(r.stdout, 'done')).toBe(LINES);
    expect(received('done')).toEqual({ spans: 1, logs: LINES, points: 1 });
  });

  it('on SIGTERM, writes its lines, delivers, and ends by the signal', async () => {
    const ending = `writeSync(3, 'ready\\n'); setInterval(() => {}, 1000);`;
    const r = await run('term', service('term', ending), {}, (pid) => process.kill(pid, 'SIGTERM'));
    expect(r.signal).toBe('SIGTERM');
    expect(lines(r.stdout, 'term')).toBe(LINES);
    expect(received('term')).toEqual({ spans: 1, logs: LINES, points: 1 });
  });

  it('leaves SIGTERM to an application that handles it, with its lines written first', async () => {
    const ending = `process.on('SIGTERM', () => { console.log('app handled'); process.exitCode = 3; clearInterval(t); });
const t = setInterval(() => {}, 1000);
writeSync(3, 'ready\\n');`;
    const r = await run('own', service('own', ending), {}, (pid) => process.kill(pid, 'SIGTERM'));
    // The application's handler ran and the process went on to its own end; the lines it had gathered were
    // written before the handler's own output.
    expect(r.signal).toBe(null);
    expect(r.code).toBe(3);
    expect(lines(r.stdout, 'own')).toBe(LINES);
    expect(r.stdout.indexOf('app handled')).toBeGreaterThan(r.stdout.lastIndexOf('"client_order_id":"own-'));
    // Its loop then emptied: the instance shut down, delivering.
    expect(received('own')).toEqual({ spans: 1, logs: LINES, points: 1 });
  });

  it('does nothing of this with OBS_SHUTDOWN_ON_EXIT=false', async () => {
    const r = await run('off', service('off', ''), { OBS_SHUTDOWN_ON_EXIT: 'false' });
    expect(r.code).toBe(0);
    expect(received('off')).toEqual({ spans: 0, logs: 0, points: 0 });
  });
});
