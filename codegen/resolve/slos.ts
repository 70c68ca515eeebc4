// SLOs: the metrics their SLI counts events and errors with, and whether they can count them.
import type { Diagnostic } from '../diagnostics.js';
import { locator } from '../load.js';
import type { MergedSpec } from '../merge.js';
import type { Slo } from '../model.js';
import { indexUnique, sub } from './refs.js';
import { matchers, type MetricRefs } from './selectors.js';

const at = locator('codegen/resolve/slos.ts');

export function resolveSlos(merged: MergedSpec, refs: MetricRefs, diags: Diagnostic[]): Slo[] {
  const sloIndex = indexUnique(merged.lists.slos, (r) => r.name, 'SLO', diags);
  const slos: Slo[] = [];
  for (const { raw, src } of sloIndex.values()) {
    const s = raw.sli;
    const ssrc = sub(src, 'sli');
    let sli: Slo['sli'] | undefined;
    if (s.kind === 'latency') {
      if (s.metric === undefined || s.threshold === undefined) {
        diags.push(
          at(ssrc, 'slo-sli', `a latency SLI needs 'metric' (a histogram) and 'threshold' (a bucket boundary)`),
        );
        continue;
      }
      const m = refs.metric(s.metric, sub(ssrc, 'metric'));
      if (m && m.instrument !== 'histogram')
        diags.push(
          at(sub(ssrc, 'metric'), 'slo-sli', `a latency SLI needs a histogram; '${m.name}' is a ${m.instrument}`),
        );
      if (m) sli = { kind: 'latency', metric: m, matchers: matchers(s.matchers), threshold: s.threshold };
    } else {
      if ((s.good === undefined) === (s.bad === undefined) || s.total === undefined) {
        diags.push(at(ssrc, 'slo-sli', `a ratio SLI needs 'total' and exactly one of 'good' or 'bad'`));
        continue;
      }
      const good = refs.selector(s.good, sub(ssrc, 'good'));
      const bad = refs.selector(s.bad, sub(ssrc, 'bad'));
      const total = refs.selector(s.total, sub(ssrc, 'total'));
      for (const [key, sel] of [
        ['good', good],
        ['bad', bad],
        ['total', total],
      ] as const)
        if (sel && sel.metric.instrument !== 'counter')
          diags.push(
            at(
              sub(ssrc, key, 'metric'),
              'slo-sli',
              `a ratio SLI counts events: '${sel.metric.name}' is a ${sel.metric.instrument}, not a counter`,
            ),
          );
      if (total && (good || bad)) sli = { kind: 'ratio', ...(good && { good }), ...(bad && { bad }), total };
    }
    if (sli)
      slos.push({
        name: raw.name,
        brief: raw.brief,
        objective: raw.objective,
        period: raw.period,
        by: raw.by ?? [],
        runbook: raw.runbook,
        sli,
        src,
      });
  }
  return slos;
}
