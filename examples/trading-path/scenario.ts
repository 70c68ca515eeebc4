// The demo's market data: deterministic, so golden telemetry can be compared run to run.
import type { BarBatch } from './services/ingest.js';

const SYMBOLS: [string, string, number][] = [
  ['AAPL', 'XNAS', 1919900],
  ['MSFT', 'XNAS', 4201500],
  ['NVDA', 'XNAS', 1187300],
  ['XYZQ', 'XNYS', 0],
  ['AMZN', 'XNAS', 1785200],
  ['JPM', 'XNYS', 2043300],
  ['TSLA', 'XNAS', 2419800],
  ['META', 'XNAS', 5123400],
];

/** Eight one-minute bar batches; the fourth is corrupt and ends in the DLQ. */
export function barBatches(): BarBatch[] {
  return SYMBOLS.map(([symbol, mic, base], i) => ({
    symbol,
    mic,
    ...(base === 0 && { corrupt: true }),
    bars: Array.from({ length: 5 }, (_, k) => ({
      ts: `2025-09-05T19:3${k}:00Z`,
      open: { scaled: base + k * 700 * (i % 2 ? -1 : 1), scale: 4 },
      close: { scaled: base + (k + 1) * 700 * (i % 2 ? -1 : 1), scale: 4 },
      volume: 1000 + k * 10,
    })),
  }));
}
