// Lines for a buffering pino destination gather in the runtime and reach it in chunks of the
// destination's own buffer size: never inside the helper call that filled a chunk (unless one callback
// writes more than 64 Ki characters), always whole lines, in order, and all of them by flushLogs().
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { log } from '../../generated/index.js';
import { configureLogs, flushLogs } from '../../runtime/logs.js';

describe('log lines for a buffering destination', () => {
  it('reach it a chunk at a time, after the callback that wrote them, whole and in order', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ampyobs-gather-')), 'lines.jsonl');
    const dest = pino.destination({ dest: file, sync: false, minLength: 4096 });
    await new Promise<void>((r) => dest.once('ready', () => r()));
    const chunks: string[] = [];
    const write = dest.write.bind(dest);
    dest.write = (chunk: string) => {
      chunks.push(chunk);
      return write(chunk);
    };
    configureLogs({ resource: { service: 's', env: 'dev', service_version: '1' }, destination: dest });
    const ack = (i: number): void =>
      log.brokerAck({ client_order_id: `co_${i}`, broker_order_id: 'b1', status: 'accepted' }, 'Order accepted');

    let i = 0;
    for (; i < 40; i++) ack(i); // more than 4096 characters
    expect(chunks).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.length).toBeGreaterThanOrEqual(4096);
    expect(chunks[0]!.endsWith('\n')).toBe(true);

    // One callback past 64 Ki characters: the lines go out before it ends, so the buffer stays bounded.
    for (; i < 440; i++) ack(i);
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(chunks.every((c) => c.endsWith('\n'))).toBe(true);
    expect(chunks.every((c) => c.length <= 65_536 + 1024)).toBe(true);

    flushLogs();
    // flushSync() would write what is buffered while the first chunk's asynchronous write may still be in
    // flight, and the file could then be read before that write lands: wait for every write instead.
    await new Promise<void>((resolve, reject) => dest.flush((e) => (e ? reject(e) : resolve())));
    const ids = readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { client_order_id: string }).client_order_id);
    expect(ids).toEqual(Array.from({ length: 440 }, (_, k) => `co_${k}`));
  });
});
