// A second process on the consumer side of a bus hop: it receives only the headers (argv), continues
// the trace and exports to the same collector.
import { extractBusContext, init, log, spans } from '../../generated/index.js';

const headers = JSON.parse(process.argv[2] ?? '{}') as Record<string, string>;
const obs = init({
  serviceName: 'ampy-oms',
  serviceVersion: '9.9.9',
  otlp: { endpoint: process.argv[3]! },
  logDestination: process.stderr,
});
const { context, envelope } = extractBusContext(headers);
spans.bus.consume(
  {
    topic: envelope.topic!,
    message_id: envelope.message_id!,
    schema_fqdn: envelope.schema_fqdn!,
    partition_key: envelope.partition_key!,
    consumer: 'ampy-oms',
  },
  () => log.orderSubmit({ client_order_id: envelope.partition_key!, broker: 'alpaca' }, 'Placed limit order'),
  { parent: context },
);
await obs.shutdown(5000);
