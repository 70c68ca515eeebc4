/// <reference types="node" preserve="true" />
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SurfaceRouter } from './handler.js';

/** What the adapter needs of a fastify instance (fastify 4 and 5), so the runtime does not depend on fastify. */
export interface FastifyInstanceLike {
  readonly prefix: string;
  route(options: {
    method: string[];
    url: string;
    exposeHeadRoute?: boolean;
    handler: (
      request: { readonly raw: IncomingMessage },
      reply: { readonly raw: ServerResponse; hijack(): unknown },
    ) => void;
  }): unknown;
}

/** A fastify plugin serving the surface under the prefix it is registered with. */
export type FastifySurfacePlugin = (instance: FastifyInstanceLike, options?: unknown) => Promise<void>;

/**
 * The surface as a fastify plugin: `app.register(obs.fastifyPlugin(), { prefix: '/observability' })`.
 * Fastify hands the raw request and response over (the reply is hijacked), so the routes answer exactly
 * as they do on node:http.
 */
export function fastifyPlugin(router: SurfaceRouter): FastifySurfacePlugin {
  return async (instance) => {
    const prefix = instance.prefix.replace(/\/+$/, '');
    instance.route({
      method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      url: '/*',
      exposeHeadRoute: false,
      handler: (request, reply) => {
        reply.hijack();
        const url = request.raw.url ?? '/';
        router(request.raw, reply.raw, prefix && url.startsWith(prefix) ? url.slice(prefix.length) || '/' : url);
      },
    });
  };
}
