/**
 * The runtime's HTTP server: one port for PutEvents (`POST /`), the admin routes, the dashboard
 * and its JSON routes. Every request first passes the Host check (request-guard.ts); then the
 * routes are tried in order, and what none answers gets a 404 naming the main routes. A route
 * that throws is logged and answered 500 in AWS's JSON error shape. The routes themselves are
 * listed in docs/runtime.md ("HTTP API and auth").
 */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsJsonError, writeAwsJsonError } from '../eventbridge/aws-json.js';
import { errorMessage } from '../shared/index.js';
import type { BearerToken } from './auth.js';
import type { PutEventsRoute } from './put-events-route.js';
import { refuseForeignHost } from './request-guard.js';

/** A route that answers a request and resolves `true`, or resolves `false` to let the next one try. */
export type Route = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** What the server serves. */
export interface HttpServerOptions {
  host: string;
  port: number;
  /** The runtime's token check; `undefined` when it runs without a token (loopback only). */
  bearer: BearerToken | undefined;
  putEvents: PutEventsRoute;
  /** The other routes, tried in order. */
  routes: readonly Route[];
  log: (line: string) => void;
}

/** A listening server. */
export interface RuntimeHttpServer {
  readonly server: Server;
  readonly port: number;
  /** `http://host:port` (an IPv6 host in brackets). */
  readonly url: string;
  /** Stops listening; idle connections close now, the others within 2 s. */
  close(): Promise<void>;
}

/** Starts the server; resolves once it listens. */
export async function startHttpServer(options: HttpServerOptions): Promise<RuntimeHttpServer> {
  const { bearer, putEvents, routes, log } = options;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (refuseForeignHost(bearer, req, res, path)) return;
    if (req.method === 'POST' && path === '/') return putEvents.handle(req, res);
    for (const route of routes) if (await route(req, res)) return;
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
    res.end(
      `${JSON.stringify({ error: 'not_found', message: `No route ${req.method ?? ''} ${path}. PutEvents is POST /; the dashboard GET /; see /api/stats.` })}\n`,
    );
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`request failed: ${errorMessage(error)}`);
      if (!res.headersSent)
        writeAwsJsonError(
          req,
          res,
          new AwsJsonError('InternalException', 'The local pipeline failed to handle the request; see its log.', 500),
        );
      else res.destroy();
    });
  });
  // Careless or hostile clients: a request arrives whole within 30 s (its headers within 10 s),
  // and at most 1,024 connections are open at once.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.maxConnections = 1_024;
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => {
          server.closeAllConnections();
        }, 2000).unref();
      }),
  };
}
