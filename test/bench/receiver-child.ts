// An OTLP receiver in its own process, so the soak can take the "collector" down and start it again.
import { OtlpReceiver } from '../support/otlp-receiver.js';

const receiver = new OtlpReceiver();
await receiver.startHttp({ port: Number(process.argv[2] ?? 0) });
process.send?.({ port: receiver.port });
process.on('message', (m: string) => {
  if (m !== 'stop') return;
  // Close first, count after: nothing can arrive between the count and the exit.
  void receiver.stop().then(() => {
    process.send?.(
      { spans: receiver.spans.length, logs: receiver.logs.length, points: receiver.points.length },
      undefined,
      {},
      () => process.exit(0),
    );
  });
});
