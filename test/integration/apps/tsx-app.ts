// TypeScript under tsx: a node:http server and pg, with TypeScript-only syntax in the file itself.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pg from 'pg';

interface Runtime {
  init(options: { serviceName: string }): { shutdown(ms?: number): Promise<void> };
}
enum Status {
  Ok = 200,
}
const { init } = (await import(process.env['AMPYOBS_RUNTIME']!)) as Runtime;
const obs = init({ serviceName: 'tsx-app' });
const server = createServer((_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(Status.Ok).end('ok');
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as { port: number };
await (await fetch(`http://127.0.0.1:${port}/ping`)).text();
const client = new pg.Client({ connectionString: process.env['PG_URL'] });
await client.connect();
await client.query('SELECT 3 AS three');
await client.end();
server.close();
await obs.shutdown(3000);
