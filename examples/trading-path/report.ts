// The demo's closing report, read back from the local telemetry folder.
import { ALWAYS_SAMPLE_ATTRIBUTE } from '../../conventions/index.js';
import { registry } from '../../generated/index.js';
import {
  mergeHistograms,
  pointQuantile,
  readLocalTelemetry,
  type LocalPoint,
  type LocalTelemetry,
} from '../../tools/inspect/read.js';
import { traceServices, traceTree } from '../../runtime/admin/trace-tree.js';
import { exemplarLines, readSnapshots, surfaceLines } from '../../tools/inspect/surface.js';

type Alert = (typeof registry.alerts)[number];

const sumOf = (ps: readonly LocalPoint[]): number => ps.reduce((n, p) => n + (p.value ?? 0), 0);
const matches = (p: LocalPoint, matchers: Readonly<Record<string, readonly string[]>>): boolean =>
  Object.entries(matchers).every(([k, vs]) => vs.includes(String(p.attributes[k])));
const fmtMs = (v: number | undefined): string => (v === undefined ? '–' : `${v.toFixed(1)} ms`);

/** Notable moments of the run: the reject, the dead-lettered message, the slowest order. */
export function notable(t: LocalTelemetry): {
  reject?: { clientOrderId: string; reason: string; httpStatus: string; traceId: string };
  dlq?: { messageId: string; topic: string; reason: string; traceId: string };
  slow?: { clientOrderId: string; brokerMs: number; traceId: string };
} {
  const rejectLog = t.logs.find((l) => l.event === 'order.reject');
  const dlqLog = t.logs.find((l) => l.event === 'bus.dlq');
  const brokerConsumes = t.spans.filter((s) => s.service === 'broker-alpaca' && s.name === 'bus.consume');
  const slowest = [...brokerConsumes].sort((a, b) => b.durationMs - a.durationMs)[0];
  return {
    ...(rejectLog && {
      reject: {
        clientOrderId: String(rejectLog['client_order_id']),
        reason: String(rejectLog['reject_reason']),
        httpStatus: String(rejectLog['http_status']),
        traceId: String(rejectLog.trace_id),
      },
    }),
    ...(dlqLog && {
      dlq: {
        messageId: String(dlqLog['message_id']),
        topic: String(dlqLog['topic']),
        reason: String(dlqLog['reason']),
        traceId: String(dlqLog.trace_id),
      },
    }),
    ...(slowest && {
      slow: {
        clientOrderId: String(slowest.attributes['partition_key']),
        brokerMs: slowest.durationMs,
        traceId: slowest.traceId,
      },
    }),
  };
}

/**
 * Which generated alerts the run's totals would trip, ignoring `for` and taking rates over the whole run:
 * a reading of the same semantic rules Prometheus evaluates, not a substitute for it.
 */
export function wouldFire(t: LocalTelemetry, runSeconds: number): { alert: Alert; value: number }[] {
  const out: { alert: Alert; value: number }[] = [];
  const series = (metric: string) => t.points.filter((p) => p.metric === metric);
  const cmp = (a: Alert, v: number | undefined): boolean =>
    v !== undefined &&
    'threshold' in a &&
    (
      {
        '>': v > a.threshold,
        '>=': v >= a.threshold,
        '<': v < a.threshold,
        '<=': v <= a.threshold,
        '==': v === a.threshold,
      } as Record<string, boolean>
    )[a.op] === true;
  for (const a of registry.alerts) {
    const ps = series(a.metric).filter((p) => matches(p, a.matchers as Record<string, readonly string[]>));
    if (!ps.length) continue;
    const groups = new Map<string, LocalPoint[]>();
    for (const p of ps) {
      const key = a.by.map((b) => String(p.attributes[b])).join('|');
      groups.set(key, [...(groups.get(key) ?? []), p]);
    }
    let best: number | undefined;
    for (const g of groups.values()) {
      let v: number | undefined;
      if (a.kind === 'rate' || a.kind === 'baseline') v = sumOf(g) / runSeconds;
      else if (a.kind === 'ratio') {
        const sel = (a as { total?: { metric: string; matchers: Record<string, readonly string[]> } }).total;
        const total = sel ? series(sel.metric).filter((p) => matches(p, sel.matchers)) : series(a.metric);
        const keyOf = (p: LocalPoint) => a.by.map((b) => String(p.attributes[b])).join('|');
        const den = sumOf(total.filter((p) => keyOf(p) === keyOf(g[0]!)));
        v = den > 0 ? sumOf(g) / den : undefined;
      } else if (a.kind === 'quantile' && 'quantile' in a) {
        const merged = mergeHistograms(g);
        v = merged && pointQuantile(merged, a.quantile);
      } else if (a.kind === 'value') v = Math.max(...g.map((p) => p.value ?? 0));
      if (v !== undefined && cmp(a, v)) best = Math.max(best ?? v, v);
    }
    if (best !== undefined) out.push({ alert: a, value: best });
  }
  return out;
}

/** Prints the report of a finished demo run. */
export function printReport(dir: string, endpoint: string): void {
  const t = readLocalTelemetry(dir);
  const local = endpoint.startsWith('file://');
  const services = [...new Set([...t.spans.map((s) => s.service), ...t.logs.map((l) => String(l.service))])];
  const start = Math.min(...t.spans.map((s) => s.startMs));
  const end = Math.max(...t.spans.map((s) => s.startMs + s.durationMs));
  const runSeconds = Math.max(1, (end - start) / 1000);
  const n = notable(t);
  const say = (s = ''): void => void process.stdout.write(`${s}\n`);

  say();
  say(
    `━━ ampyobs trading-path demo: ${services.length} processes, ${t.spans.length} spans, ${t.logs.length} log lines, ${t.points.length} metric series (${runSeconds.toFixed(1)} s)`,
  );
  if (!local)
    say(
      `   Traces and metrics went to ${endpoint}; open Grafana (http://localhost:3000). Log lines are also in ${dir}.`,
    );

  say();
  say('What happened');
  if (n.reject)
    say(
      `  ✗ reject    ${n.reject.clientOrderId} rejected by alpaca: ${n.reject.reason} (HTTP ${n.reject.httpStatus}); trace ${n.reject.traceId}`,
    );
  if (n.dlq)
    say(
      `  ✗ DLQ       message ${n.dlq.messageId} on ${n.dlq.topic} dead-lettered: ${n.dlq.reason}; trace ${n.dlq.traceId}`,
    );
  if (n.slow)
    say(
      `  ⏱ slow      ${n.slow.clientOrderId} waited ${n.slow.brokerMs.toFixed(0)} ms at the broker; trace ${n.slow.traceId}`,
    );

  if (n.reject && t.spans.some((s) => s.traceId === n.reject!.traceId)) {
    const id = n.reject.traceId;
    say();
    say(
      `Trace of the rejected order ${n.reject.clientOrderId} (${id}) across ${traceServices(t.spans, id).join(' → ')}`,
    );
    for (const line of traceTree(t.spans, id, (s) =>
      s.attributes[ALWAYS_SAMPLE_ATTRIBUTE] ? '[always sampled]' : s.links.length ? `[links ${s.links.length}]` : '',
    ))
      say(`  ${line}`);
    say();
    say('Its log lines (joined on trace_id)');
    for (const l of t.logs.filter((x) => x.trace_id === id))
      say(
        `  ${String(l.ts).slice(11, 23)}  ${String(l.service).padEnd(17)} ${String(l['level']).padEnd(5)} ${String(l.event).padEnd(17)} ${String(l.message)}`,
      );
  }

  if (t.points.length) {
    say();
    say('Metrics');
    const counter = (metric: string, by: string): string => {
      const totals = new Map<string, number>();
      for (const p of t.points.filter((x) => x.metric === metric))
        totals.set(
          String(p.attributes[by] ?? '–'),
          (totals.get(String(p.attributes[by] ?? '–')) ?? 0) + (p.value ?? 0),
        );
      return [...totals.entries()].map(([k, v]) => `${k}=${v}`).join(' ') || '–';
    };
    say(
      `  orders by outcome      ${counter('ampy.oms.order_submit', 'outcome')}   (${(sumOf(t.points.filter((p) => p.metric === 'ampy.oms.order_submit')) / runSeconds).toFixed(2)}/s)`,
    );
    say(`  rejections by reason   ${counter('ampy.oms.rejections', 'reason')}`);
    say(`  fills by side          ${counter('ampy.oms.fills', 'side')}`);
    say(`  bus produced by topic  ${counter('ampy.bus.produced', 'topic')}`);
    say(`  dead-lettered          ${counter('ampy.bus.dlq', 'reason')}`);
    for (const [metric, label] of [
      ['ampy.oms.order_latency_ms', 'order latency (submit→ack)'],
      ['ampy.ml.inference_latency_ms', 'model inference latency'],
      ['ampy.bus.delivery_latency_ms', 'bus delivery latency'],
    ] as const) {
      const h = mergeHistograms(t.points.filter((p) => p.metric === metric));
      if (h)
        say(
          `  ${label.padEnd(28)} p50 ${fmtMs(pointQuantile(h, 0.5))}  p95 ${fmtMs(pointQuantile(h, 0.95))}  p99 ${fmtMs(pointQuantile(h, 0.99))}  (n=${h.count})`,
        );
    }
    const dropped = sumOf(t.points.filter((p) => p.metric === 'ampy.obs.dropped'));
    say(`  SDK drops              ${dropped}`);

    say();
    say('Exemplars: example traces behind the latency histograms (OpenMetrics and OTLP carry them to Grafana)');
    const examples = exemplarLines(
      t.points.filter((p) => p.metric === 'ampy.oms.order_latency_ms' && p.kind === 'histogram'),
    ).sort((a, b) => Number(/ ([\d.]+) ms →/.exec(b)?.[1]) - Number(/ ([\d.]+) ms →/.exec(a)?.[1]));
    for (const l of examples.slice(0, 3))
      say(`${l}${n.slow && l.includes(n.slow.traceId) ? '  ← the slow order' : ''}`);
    if (!examples.length) say('  none');

    say();
    say('Generated alerts this run would trip (rates over the whole run, `for` ignored)');
    const fired = wouldFire(t, runSeconds);
    for (const { alert, value } of fired)
      say(
        `  ${alert.severity.padEnd(8)} ${alert.name.padEnd(28)} ${alert.summary} (${value < 10 ? value.toFixed(3) : value.toFixed(0)})`,
      );
    if (!fired.length) say('  none');
  }

  const snapshots = readSnapshots(dir);
  if (snapshots.length) {
    say();
    say(
      "Health and SLOs: each service's GET /health and /slos at the end of the run (every window holds the whole run)",
    );
    for (const l of surfaceLines(snapshots)) say(l);
  }

  say();
  say(
    `Follow one order: npx ampyobs inspect --client-order-id ${n.reject?.clientOrderId ?? 'co_20250905_001'} --dir ${dir}`,
  );
  say('Ship the same run to the compose stack: OBS_OTLP_ENDPOINT=http://localhost:4318 npm run demo');
}
