import { Writable } from 'node:stream';

/** A log destination that keeps every JSON line written to it. */
export function lineSink(): { stream: Writable; lines: Record<string, unknown>[]; text: () => string } {
  const raw: string[] = [];
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) {
        raw.push(l);
        lines.push(JSON.parse(l) as Record<string, unknown>);
      }
      cb();
    },
  });
  return { stream, lines, text: () => raw.join('\n') };
}
