// file:// export and logFile where a directory cannot be made. Under /proc, mkdir fails with ENOENT below a
// parent that exists, and Node's recursive mkdir retries forever at 100 % CPU: the service must go on,
// count what it could not write, and say why. Each case runs in a child process with a deadline, so a
// stall fails the test instead of hanging the suite.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const GENERATED = JSON.stringify(path.join(ROOT, 'generated/index.js'));
const tmp = mkdtempSync(path.join(tmpdir(), 'ampyobs-file-export-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs `body` (ESM, with the generated helpers imported) in a child; rejects if it is still running after 30 s. */
function run(
  name: string,
  body: string[],
  env: Record<string, string> = {},
): Promise<{ stdout: string; stderr: string }> {
  const script = path.join(tmp, `${name}.mts`);
  writeFileSync(script, [`import { init, log, spans } from ${GENERATED};`, ...body].join('\n'));
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ['--import', 'tsx', script],
      { cwd: ROOT, env: { PATH: process.env['PATH'], ...env }, timeout: 30_000, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error?.killed) reject(new Error(`${name} was still running after 30 s (stalled)`));
        else if (error) reject(new Error(`${name} failed: ${stderr}`));
        else resolve({ stdout, stderr });
      },
    ),
  );
}

/** Five spans and five log lines, flushed, then the status as JSON on stdout. */
const PRODUCE = [
  'let ticks = 0;',
  'const timer = setInterval(() => ticks++, 10);',
  "for (let i = 0; i < 5; i++) spans.oms.submit({ broker: 'alpaca', client_order_id: `co_${i}`, side: 'buy' }, () => log.orderSubmit({ client_order_id: `co_${i}`, broker: 'alpaca' }, 'Placed'));",
  'await obs.forceFlush(2000);',
  'await new Promise((r) => setTimeout(r, 100));',
  'clearInterval(timer);',
  'await obs.shutdown(2000);',
  'console.log(JSON.stringify({ ticks, ...obs.status() }));',
];
const INIT =
  "const obs = init({ serviceName: 'ampy-oms', sampler: { type: 'always_on' }, logDestination: { write: () => true } });";

describe.runIf(existsSync('/proc/self'))('a directory that cannot be made', () => {
  it('file:///proc/…: exports fail and are counted as export_failed, timers keep firing, the process ends', async () => {
    const { stdout, stderr } = await run('proc-export', [INIT, ...PRODUCE], {
      OBS_OTLP_ENDPOINT: 'file:///proc/ampyobs-forbidden/telemetry',
    });
    const status = JSON.parse(stdout.trim().split('\n').pop()!) as {
      ticks: number;
      traces: { accepted: number; dropped: { export_failed: number } };
      logs: { accepted: number; dropped: { export_failed: number } };
    };
    expect(status.ticks).toBeGreaterThan(0);
    expect(status.traces).toMatchObject({ accepted: 5, dropped: { export_failed: 5 } });
    expect(status.logs).toMatchObject({ accepted: 5, dropped: { export_failed: 5 } });
    expect(stderr).toMatch(
      /ampyobs: traces export to \/proc\/ampyobs-forbidden\/telemetry\/traces-ampy-oms-\d+\.jsonl failed: ENOENT: no such file or directory, mkdir '\/proc\/ampyobs-forbidden'/,
    );
  });

  it('logFile under /proc is a ConfigError naming logFile, at init', async () => {
    const { stdout } = await run('proc-log-file', [
      'try {',
      "  init({ serviceName: 'ampy-oms', logFile: '/proc/ampyobs-forbidden/app.log' });",
      "  console.log('started');",
      '} catch (e) {',
      '  console.log(`${(e as Error).name}: ${(e as Error).message}`);',
      '}',
    ]);
    expect(stdout).toContain(
      "ConfigError: ampyobs: logFile: cannot append log lines to '/proc/ampyobs-forbidden/app.log'",
    );
  });

  it('makes the missing levels of a directory that can be made, and writes there', async () => {
    const dir = path.join(tmp, 'a', 'b', 'c');
    const log = path.join(tmp, 'x', 'y', 'app.log');
    const { stdout } = await run(
      'nested',
      [INIT.replace('logDestination: { write: () => true }', `logFile: ${JSON.stringify(log)}`), ...PRODUCE],
      { OBS_OTLP_ENDPOINT: `file://${dir}` },
    );
    expect(JSON.parse(stdout.trim().split('\n').pop()!)).toMatchObject({
      traces: { exported: 5 },
      logs: { exported: 5 },
    });
    expect(readdirSync(dir).filter((f) => f.startsWith('traces-ampy-oms-'))).toHaveLength(1);
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(5);
  });
});
