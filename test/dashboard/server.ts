/**
 * A real HTTP server on 127.0.0.1 (port 0) with the runtime's read routes, for the route and
 * browser tests. Requests the routes do not handle get what the runtime would do for PutEvents:
 * here a plain 404/405 marker, so a test can tell "not handled" apart.
 */
import { createServer } from 'node:http';
import { listenOnLoopback } from '../support/http-server.js';
import { createHttpRoutes } from '../../src/runtime/http-routes.js';
import type { HttpRoutesOptions } from '../../src/runtime/http-routes.js';

export interface TestServer {
  url: string;
  errors: unknown[];
  close(): Promise<void>;
}

export async function startServer(options: HttpRoutesOptions): Promise<TestServer> {
  const errors: unknown[] = [];
  const routes = createHttpRoutes({ ...options, onError: (error) => errors.push(error) });
  const server = createServer((req, res) => {
    routes(req, res).then(
      (handled) => {
        if (handled) return;
        res.statusCode = 418;
        res.setHeader('X-Not-Handled', 'true');
        res.end('not handled by the read routes\n');
      },
      (error: unknown) => {
        errors.push(error);
        res.destroy();
      },
    );
  });
  const { url, close } = await listenOnLoopback(server);
  return { url, errors, close };
}
