// Naming conventions shared by emitters and validators.

export { prometheusName, prometheusSanitized } from '../conventions/index.js';

/** snake_case or dotted → camelCase: `order_latency_ms` → `orderLatencyMs`, `order.reject` → `orderReject`. */
export function camel(name: string): string {
  return name.replace(/[._-]+([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** snake_case or dotted → PascalCase. */
export function pascal(name: string): string {
  const c = camel(name);
  return c.charAt(0).toUpperCase() + c.slice(1);
}

/** Parses a Prometheus duration (30s, 5m, 1h30m, 30d) into milliseconds. */
export function durationMs(d: string): number {
  const units: Record<string, number> = {
    ms: 1,
    s: 1e3,
    m: 60e3,
    h: 3600e3,
    d: 86400e3,
    w: 7 * 86400e3,
    y: 365 * 86400e3,
  };
  let total = 0;
  for (const m of d.matchAll(/([0-9]+)(ms|s|m|h|d|w|y)/g)) total += Number(m[1]) * (units[m[2] ?? 's'] ?? 0);
  return total;
}
