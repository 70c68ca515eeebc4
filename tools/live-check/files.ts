// Local telemetry files: a directory of JSON lines, as the file:// exporter writes them (one OTLP/JSON
// export request per line, traces-*, metrics-*, logs-*) and as log lines land in files (one JSON object
// per line). Each line is read for what it is.
import { createReadStream, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fromLogLine, fromOtlpJson, type Observed } from './observed.js';

/** Lines longer than this are not telemetry a process of ours writes; they are reported, not parsed. */
const MAX_LINE = 64 << 20;

/** Feeds every record of every *.jsonl / *.json / *.log file under `dir` (not recursive) to `see`. */
export async function readTelemetryDir(
  dir: string,
  see: (o: Observed) => void,
  bad: (source: string, why: string) => void,
): Promise<number> {
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => /\.(jsonl|json|log)$/.test(n))
      .sort();
  } catch (e) {
    throw new Error(`cannot read ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  let files = 0;
  for (const name of names) {
    const file = path.join(dir, name);
    if (!statSync(file).isFile()) continue;
    files++;
    const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    let n = 0;
    for await (const line of lines) {
      n++;
      if (line.trim() === '') continue;
      const where = `${file}:${n}`;
      if (line.length > MAX_LINE) {
        bad(where, `a line of ${line.length} characters`);
        continue;
      }
      let data: unknown;
      try {
        data = JSON.parse(line);
      } catch {
        bad(where, 'a line that is not JSON');
        continue;
      }
      const otlp =
        typeof data === 'object' &&
        data !== null &&
        ('resourceSpans' in data || 'resourceMetrics' in data || 'resourceLogs' in data);
      for (const o of otlp ? fromOtlpJson(data, file) : fromLogLine(data, file)) see(o);
    }
  }
  return files;
}
