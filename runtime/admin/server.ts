import { createServer, type Server } from 'node:http';
import type { SurfaceHandler } from './handler.js';

/** The surface's own listener on OBS_PROM_PORT: its URL once listening, or why it could not listen. */
export interface SurfaceServer {
  readonly state: () => { readonly url?: string; readonly error?: string };
  readonly close: () => Promise<void>;
}

/**
 * Serves the surface on host:port (OBS_ADMIN_BIND, OBS_PROM_PORT). Failing to listen is reported on
 * stderr and in /health (through a mounted handler), never thrown: the service runs on. The server never
 * keeps the process alive, and slow clients are cut off.
 */
export function serveSurface(handler: SurfaceHandler, host: string, port: number): SurfaceServer {
  let error: string | undefined;
  let listening = false;
  const server: Server = createServer(
    { requestTimeout: 10_000, headersTimeout: 5_000, maxHeaderSize: 16 * 1024 },
    (req, res) => handler(req, res),
  );
  server.keepAliveTimeout = 5_000;
  server.on('error', (e: NodeJS.ErrnoException) => {
    error = `OBS_PROM_PORT: cannot serve metrics on ${host}:${port}: ${e.message}`;
    process.stderr.write(`ampyobs: ${error}\n`);
  });
  server.listen({ host, port }, () => {
    listening = true;
  });
  server.unref();
  const url = surfaceUrl(host, port);
  return {
    state: () => (error ? { error } : { url }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        if (!listening) resolve();
      }),
  };
}

/** The URL a local client reaches the surface at (a wildcard bind is reached on loopback). */
export function surfaceUrl(host: string, port: number): string {
  const shown = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}/`;
}
