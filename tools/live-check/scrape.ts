// Prometheus endpoints scraped as Prometheus would: GET with the text format accepted, the body read
// into one record per series.
import type { Observed } from './observed.js';
import { fromPrometheusText } from './prometheus-text.js';

const MAX_SCRAPE = 64 << 20;

/** One scrape of `url`; problems (unreachable, not 200, too large) go to `bad`. */
export async function scrape(
  url: string,
  see: (o: Observed) => void,
  bad: (source: string, why: string) => void,
): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { accept: 'text/plain;version=0.0.4' }, signal: AbortSignal.timeout(10_000) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    bad(url, `cannot scrape: ${cause ?? (e as Error).message}`);
    return;
  }
  if (!res.ok) {
    bad(url, `scrape answered HTTP ${res.status}`);
    return;
  }
  const text = await res.text();
  if (text.length > MAX_SCRAPE) {
    bad(url, `a scrape of ${text.length} characters`);
    return;
  }
  let badLines = 0;
  for (const o of fromPrometheusText(text, url, () => badLines++)) see(o);
  if (badLines) bad(url, `${badLines} line(s) that are not Prometheus text`);
}
