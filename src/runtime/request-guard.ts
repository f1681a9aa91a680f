/**
 * The runtime's checks before any route runs: which Host a request may be addressed to, and the
 * bearer token PutEvents takes. (The read and admin routes check the token themselves:
 * http-routes.ts, admin.ts; the checks' primitives are in auth.ts.)
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsJsonError, writeAwsJsonError } from '../eventbridge/aws-json.js';
import { isLoopbackHostHeader } from '../shared/index.js';
import type { BearerToken } from './auth.js';

/**
 * Without a token the runtime is bound to loopback (start-up refuses anything else): every route
 * then answers only requests addressed to a loopback name, so a web page in the user's browser
 * cannot reach it through a name pointed at 127.0.0.1 (DNS rebinding) to put events or read the
 * projections. Answers 403 (in PutEvents' AWS JSON shape on `POST /`) and returns `true` when it
 * refused the request.
 */
export function refuseForeignHost(
  bearer: BearerToken | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): boolean {
  if (bearer || isLoopbackHostHeader(req.headers.host)) return false;
  const message = `Without a token this runtime answers only requests addressed to localhost, 127.0.0.1 or [::1]; this one was addressed to "${String(req.headers.host ?? '').slice(0, 100)}". Use a loopback URL, or start it with --token.`;
  if (req.method === 'POST' && path === '/') {
    writeAwsJsonError(req, res, new AwsJsonError('AccessDeniedException', message, 403));
    return true;
  }
  res.writeHead(403, { 'content-type': 'application/json; charset=utf-8' });
  res.end(`${JSON.stringify({ error: 'forbidden', message })}\n`);
  return true;
}

/** PutEvents' token check: the AWS error to answer (401), or `undefined` when the request may go on. */
export function putEventsTokenError(bearer: BearerToken | undefined, req: IncomingMessage): AwsJsonError | undefined {
  if (!bearer) return undefined;
  const verdict = bearer.check(req);
  if (verdict === 'ok') return undefined;
  return new AwsJsonError(
    'UnrecognizedClientException',
    verdict === 'missing'
      ? 'This runtime requires its token on PutEvents: send "Authorization: Bearer <token>" (with the AWS SDK: withBearerToken(client, token); the CLI: --token).'
      : 'The bearer token is not this runtime’s token.',
    401,
  );
}
