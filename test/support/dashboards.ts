// The PromQL of the generated dashboards' panels, with Grafana's variables as Prometheus would see them.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Every panel query of generated/dashboards/*.json, variables filled for env dev and `service` (a
 * regular expression, as Grafana fills a multi-value variable): ampy-oms unless told.
 */
export function dashboardQueries(service = 'ampy-oms'): { where: string; expr: string }[] {
  const dir = path.join(ROOT, 'generated', 'dashboards');
  const out: { where: string; expr: string }[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
    const d = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as {
      panels: { title: string; targets?: { expr: string }[] }[];
    };
    for (const p of d.panels)
      for (const t of p.targets ?? [])
        out.push({
          where: `${f} / ${p.title}`,
          expr: t.expr
            .replace(/\$__rate_interval/g, '1m')
            .replace(/\$__interval/g, '15s')
            .replace(/\$__range/g, '1h')
            .replace(/\$\{?env\}?/g, 'dev')
            .replace(/\$\{?service\}?/g, service),
        });
  }
  return out;
}
