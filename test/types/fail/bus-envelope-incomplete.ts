import { injectBusHeaders, log, metrics, spans } from '../../../generated/index.js';
void injectBusHeaders; void log; void metrics; void spans;
// expect-error TS2741: Property 'schema_fqdn' is missing
injectBusHeaders({ message_id: 'm', topic: 't', partition_key: 'p' });
