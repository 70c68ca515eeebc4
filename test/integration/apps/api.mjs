// ESM express service: an HTTP hop into PostgreSQL, Redis and another service, plus the escape hatch.
import express from 'express';
import Redis from 'ioredis';
import pg from 'pg';
import { createClient } from 'redis';

const { init, logger, trace, counter, histogram, logOperation } = await import(process.env.AMPYOBS_RUNTIME);
const obs = init({ serviceName: 'api', serviceVersion: '1.0.0', metricIntervalMillis: 500 });
const log = logger('api.orders', { region: 'test' });
const lookups = counter('orders.lookups', { unit: '{lookup}', labels: ['source'] });
const sizes = histogram('orders.payload_bytes', { unit: 'By', labels: ['route'] });

const pool = new pg.Pool({ connectionString: process.env.PG_URL });
const ioredis = new Redis(process.env.REDIS_URL);
const nodeRedis = createClient({ url: process.env.REDIS_URL });
await nodeRedis.connect();

const app = express();
app.get('/orders/:id', async (req, res) => {
  const id = req.params.id;
  const order = await logOperation(
    log,
    'load_order',
    async () => {
      const { rows } = await pool.query('SELECT $1::text AS id, now() AS at', [id]);
      await ioredis.set(`order:${id}`, JSON.stringify(rows[0]));
      // A command Redis refuses (the value is not a number): a failed operation, with its error type.
      await ioredis.incr(`order:${id}`).catch(() => undefined);
      const cached = await nodeRedis.get(`order:${id}`);
      return { ...rows[0], cached: cached !== null };
    },
    { order_id: id },
  );
  const price = await trace('pricing.lookup', { symbol: 'AAPL' }, async () =>
    (await fetch(`${process.env.PRICING_URL}/prices/AAPL`)).json(),
  );
  lookups.add(1, { source: 'db', customer: 'dropped: not declared' });
  const body = JSON.stringify({ ...order, price });
  sizes.record(body.length, { route: '/orders/:id' });
  log.info('Order served', { order_id: id, password: 'hunter2' });
  res.type('json').send(body);
});
app.get('/fail', (_req, res) => {
  log.error('Failing on purpose', new Error('boom'));
  res.status(503).json({ error: 'unavailable' });
});

const server = app.listen(Number(process.env.PORT), '127.0.0.1', () =>
  process.stdout.write(`ready ${server.address().port}\n`),
);
process.on('SIGTERM', async () => {
  server.close();
  await Promise.allSettled([pool.end(), ioredis.quit(), nodeRedis.quit()]);
  await obs.shutdown(3000);
  process.exit(0);
});
