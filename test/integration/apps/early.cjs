// CommonJS service that enables instrumentation from init() before it requires pg: pg is patched.
const { init } = require(process.env.AMPYOBS_RUNTIME);

const obs = init({ serviceName: 'early', instrument: ['pg'] });
const pg = require('pg');

(async () => {
  const client = new pg.Client({ connectionString: process.env.PG_URL });
  await client.connect();
  await obs.trace('early.work', async () => client.query('SELECT 2 AS two'));
  await client.end();
  await obs.shutdown(3000);
})();
