// One demo service process: `main.ts <service>`. The runner forks one per service.
import { publish, subscribe } from './bus.js';
import { onOrder } from './services/broker.js';
import { start, TOPICS } from './services/common.js';
import { ingestBatch, type BarBatch } from './services/ingest.js';
import { onBars } from './services/model-server.js';
import { onAck, onSignal } from './services/oms.js';
import { onFill } from './services/positions.js';

const service = process.argv[2];
switch (service) {
  case 'ampy-ingest':
    start(service);
    subscribe('demo/control/ingest', async (e) => {
      const { batches, runId } = e.payload as { batches: BarBatch[]; runId: string };
      for (const b of batches) await ingestBatch(b, runId, publish);
    });
    break;
  case 'ampy-model-server':
    start(service);
    subscribe(TOPICS.bars, (e) => onBars(e, publish));
    break;
  case 'ampy-oms':
    start(service);
    subscribe(TOPICS.signals, (e) => onSignal(e, publish));
    subscribe(TOPICS.acks, (e) => onAck(e));
    break;
  case 'broker-alpaca':
    start(service);
    subscribe(TOPICS.orders, (e) => onOrder(e, publish));
    break;
  case 'ampy-positions':
    start(service);
    subscribe(TOPICS.fills, (e) => onFill(e));
    break;
  default:
    process.stderr.write(`unknown demo service '${String(service)}'\n`);
    process.exit(2);
}
