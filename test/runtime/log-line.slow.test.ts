// The generated per-event serializers write, byte for byte, the line pino writes for the same object in
// the documented key order; big integers keep their digits in the line and over OTLP; before
// configuration nothing is written.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { context, trace, ROOT_CONTEXT } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init, log, spans } from '../../generated/index.js';
import { configureLogs, runInScope } from '../../runtime/index.js';
import { CLEAN_ENV, withEnv } from '../support/env.js';
import { lineSink } from '../support/lines.js';
import { OtlpReceiver } from '../support/otlp-receiver.js';

const RESOURCE = { service: 'ampy-oms', env: 'prod', service_version: '2.3.1@abc123' };
const TS = '"ts":"2025-09-05T19:31:05.123456789Z"';

function capture(): { stream: Writable; raw: string[] } {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      raw.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  return { stream, raw };
}

/** The line pino wrote for this object with the options the runtime used before it had serializers. */
function pinoLine(level: 'info' | 'warn', obj: Record<string, unknown>, message: string): string {
  const out = capture();
  const p = pino(
    {
      level: 'debug',
      messageKey: 'message',
      base: { ...RESOURCE },
      timestamp: () => `,${TS}`,
      formatters: { level: (label) => ({ level: label }) },
    },
    out.stream as unknown as pino.DestinationStream,
  );
  p[level](obj, message);
  return out.raw[0]!;
}

describe('log lines', () => {
  const sink = capture();
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    configureLogs({ resource: RESOURCE, destination: sink.stream });
  });
  afterAll(() => context.disable());
  const last = (): string => sink.raw.at(-1)!.replace(/"ts":"[^"]*"/, TS);

  it('are what pino writes for the same object: base fields, trace ids, context core, fields in spec order, event, message', () => {
    const sc = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 };
    const parent = trace.setSpanContext(ROOT_CONTEXT, sc);
    const tricky = 'quote " backslash \\ tab \t newline \n é 😀 \u2028';
    context.with(parent, () =>
      runInScope({ run_id: 'live_trading_44', client_order_id: 'co_scope', symbol: 'AAPL' }, () =>
        log.orderSubmit(
          // Caller order differs from the spec's on purpose: the line follows the spec.
          {
            tif: 'DAY',
            limit_price: { scaled: 1919900, scale: 4 },
            broker: 'alpaca',
            client_order_id: 'co_20250905_001',
            account_id: tricky,
            side: 'buy',
            quantity: { scaled: 2n ** 70n, scale: 2 },
          },
          `Placed limit order ${tricky}`,
        ),
      ),
    );
    expect(last()).toBe(
      pinoLine(
        'info',
        {
          trace_id: sc.traceId,
          span_id: sc.spanId,
          run_id: 'live_trading_44',
          symbol: 'AAPL',
          client_order_id: 'co_20250905_001',
          broker: 'alpaca',
          account_id: tricky,
          side: 'buy',
          limit_price: { scaled: 1919900, scale: 4 },
          quantity: { scaled: '1180591620717411303424', scale: 2 },
          tif: 'DAY',
          event: 'order.submit',
        },
        `Placed limit order ${tricky}`,
      ),
    );
  });

  it('write int fields as numbers while exact and as digits beyond 2^53, values outside an enum as given', () => {
    const untyped = log.barsIngest as unknown as (f: Record<string, unknown>, m: string) => void;
    untyped({ source: 'polygon', count: 2n ** 60n + 1n }, 'big');
    expect(last()).toBe(
      pinoLine('info', { source: 'polygon', count: '1152921504606846977', event: 'bars.ingest' }, 'big'),
    );
    untyped({ source: 'polygon', count: 12n }, 'small');
    expect(last()).toBe(pinoLine('info', { source: 'polygon', count: 12, event: 'bars.ingest' }, 'small'));
    untyped({ source: 'bloomberg', count: Number.NaN, extra: { nested: [1, 2n ** 64n] } }, 'odd');
    expect(last()).toBe(
      pinoLine(
        'info',
        { source: 'bloomberg', count: null, extra: { nested: [1, '18446744073709551616'] }, event: 'bars.ingest' },
        'odd',
      ),
    );
  });

  it('cut a string value past 64 Ki characters, saying how much was cut, before scanning it', () => {
    const long = `${'x'.repeat(70_000)}tail`;
    log.orderSubmit({ client_order_id: 'co_long', broker: 'alpaca', account_id: long }, long);
    const line = JSON.parse(sink.raw.at(-1)!) as Record<string, string>;
    expect(line['account_id']).toBe(`${'x'.repeat(65_536)}…[truncated 4468 chars]`);
    expect(line['message']).toBe(line['account_id']);
  });

  it('follow the level filter', () => {
    const before = sink.raw.length;
    configureLogs({ resource: RESOURCE, destination: sink.stream, level: 'warn' });
    log.orderSubmit({ client_order_id: 'co_1', broker: 'alpaca' }, 'info is below warn');
    expect(sink.raw.length).toBe(before);
    configureLogs({ resource: RESOURCE, destination: sink.stream });
    log.orderSubmit({ client_order_id: 'co_1', broker: 'alpaca' }, 'written');
    expect(sink.raw.length).toBe(before + 1);
  });
});

describe('before init', () => {
  it('log helpers write nothing, in a fresh process', () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const dir = mkdtempSync(path.join(tmpdir(), 'ampyobs-preinit-'));
    const script = path.join(dir, 'before-init.ts');
    writeFileSync(
      script,
      `import { log } from '${pathToFileURL(path.join(root, 'generated/index.ts')).href}';\nlog.orderSubmit({ client_order_id: 'co_1' }, 'before init');\nprocess.stdout.write('done\\n');\n`,
    );
    const stdout = execFileSync(path.join(root, 'node_modules/.bin/tsx'), [script], {
      env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !(k in CLEAN_ENV))),
      encoding: 'utf8',
    });
    rmSync(dir, { recursive: true, force: true });
    expect(stdout).toBe('done\n');
  });
});

describe('big integers over OTLP', () => {
  const receiver = new OtlpReceiver();
  let endpoint = '';
  beforeAll(async () => {
    endpoint = await receiver.startHttp();
  });
  afterAll(() => receiver.stop());

  it('are numbers while exact and digits beyond 2^53, in the log record and span attributes alike', async () => {
    const sink = lineSink();
    await withEnv({ ...CLEAN_ENV, OBS_SAMPLER: 'always_on' }, async () => {
      const obs = init({ serviceName: 'ingest', otlp: { endpoint }, logDestination: sink.stream });
      const untyped = log.barsIngest as unknown as (f: Record<string, unknown>, m: string) => void;
      untyped({ source: 'polygon', count: 2n ** 60n + 1n, limit: 7n, price: { scaled: 2n ** 70n, scale: 2 } }, 'big');
      spans.ingest.publish
        .start({ topic: 't', message_id: 'm', schema_fqdn: 's', records: 2n ** 60n + 1n } as never)
        .end();
      await obs.shutdown(5000);
    });
    expect(sink.lines[0]).toMatchObject({
      count: '1152921504606846977',
      limit: 7,
      price: { scaled: '1180591620717411303424', scale: 2 },
    });
    const record = receiver.logs.find((l) => l.eventName === 'bars.ingest');
    expect(record?.attributes).toMatchObject({
      count: '1152921504606846977',
      limit: 7,
      price: { scaled: '1180591620717411303424', scale: 2 },
    });
    expect(receiver.spans.find((s) => s.name === 'ingest.publish')?.attributes).toMatchObject({
      records: '1152921504606846977',
    });
  });
});
