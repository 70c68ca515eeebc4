// CommonJS fastify service: the other side of the api's fetch.
const fastify = require('fastify');
const { init } = require(process.env.AMPYOBS_RUNTIME);

const obs = init({ serviceName: 'pricing', serviceVersion: '1.0.0', metricIntervalMillis: 500 });
const app = fastify();
app.get('/prices/:symbol', async (req) => ({ symbol: req.params.symbol, price: 190.5 }));
app.get('/halted/:symbol', async () => {
  throw new Error('quote feed down');
});
app
  .listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
  .then(() => process.stdout.write(`ready ${process.env.PORT}\n`));
process.on('SIGTERM', async () => {
  await app.close();
  await obs.shutdown(3000);
  process.exit(0);
});
