// The Prometheus names conventions/ gives a metric are those the OpenTelemetry Prometheus exporter's own
// serializer writes: the validator and the escape hatch refuse two metrics sharing one by these names.
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { prometheusName, prometheusSanitized, prometheusSeries } from '../../conventions/index.js';
import { prometheusText } from '../../runtime/admin/metrics-text.js';
import { CollectingReader } from '../support/metric-reader.js';

const NAME = 'ampy.odd__name-x';

describe('the Prometheus names of a metric', () => {
  it.each(['counter', 'updowncounter', 'gauge', 'histogram'])(
    'of a %s are the family and series the exporter writes',
    async (instrument) => {
      const reader = new CollectingReader();
      const meter = new MeterProvider({ readers: [reader] }).getMeter('test');
      const name = `${NAME}.${instrument}`;
      if (instrument === 'counter') meter.createCounter(name).add(1);
      else if (instrument === 'updowncounter') meter.createUpDownCounter(name).add(-1);
      else if (instrument === 'gauge') meter.createGauge(name).record(1);
      else meter.createHistogram(name).record(1);
      const text = prometheusText((await reader.collect()).resourceMetrics);
      const families = [...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]).filter((n) => n !== 'target_info');
      const series = new Set(
        text
          .split('\n')
          .filter((l) => l && !l.startsWith('#') && !l.startsWith('target_info'))
          .map((l) => l.slice(0, l.search(/[{ ]/))),
      );
      expect(families).toEqual([prometheusName(name, instrument)]);
      expect([...series].sort()).toEqual([...prometheusSeries(name, instrument)].sort());
    },
  );

  it('of an attribute key are the label names the exporter writes', async () => {
    const reader = new CollectingReader();
    const meter = new MeterProvider({ readers: [reader] }).getMeter('test');
    const keys = ['net.peer__name', 'a._b', 'http.request.method'];
    meter.createCounter(NAME).add(1, Object.fromEntries(keys.map((k) => [k, 'v'])));
    const text = prometheusText((await reader.collect()).resourceMetrics);
    const line = text.split('\n').find((l) => l.startsWith(`${prometheusName(NAME, 'counter')}{`))!;
    const labels = [...line.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)].map((m) => m[1]);
    expect(labels).toEqual(expect.arrayContaining(keys.map(prometheusSanitized)));
    expect(keys.map(prometheusSanitized)).toEqual(['net_peer_name', 'a_b', 'http_request_method']);
  });
});
