// ESM service that enables instrumentation from init() alone: its static imports ran first.
import express from 'express';
import pg from 'pg';

const { init } = await import(process.env.AMPYOBS_RUNTIME);
const obs = init({ serviceName: 'late', instrument: ['http', 'express', 'pg'] });
void express;
const client = new pg.Client({ connectionString: process.env.PG_URL });
await client.connect();
await client.query('SELECT 1');
await client.end();
await obs.shutdown(3000);
