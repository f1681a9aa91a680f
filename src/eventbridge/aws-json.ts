/**
 * Responses of the AWS JSON 1.1 protocol EventBridge speaks: `Content-Type:
 * application/x-amz-json-1.1`, an `x-amzn-RequestId`, and for an error the body
 * `{"__type": "<code>", "message": "…"}` with the code also in `x-amzn-ErrorType` — the shape the
 * AWS SDK reads an error from. The local bus's endpoint and the runtime's own answers on
 * `POST /` (auth, shutdown) both write them here.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An error answered in AWS's JSON error shape. */
export class AwsJsonError extends Error {
  constructor(
    /** The AWS error code, e.g. `ValidationException`. */
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/**
 * Writes an AWS JSON 1.1 response (nothing when the response has started or the socket is gone).
 * `errorType` marks an error; a 503 adds `Retry-After: 1`, a 413 closes the connection (the rest
 * of the body is not read).
 */
export function writeAwsJson(
  res: ServerResponse,
  status: number,
  body: string,
  options: { requestId?: string; errorType?: string } = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string | number> = {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': options.requestId ?? randomUUID(),
  };
  if (options.errorType) headers['x-amzn-errortype'] = options.errorType;
  if (status === 503) headers['retry-after'] = '1';
  if (status === 413) headers.connection = 'close';
  res.writeHead(status, headers);
  res.end(body);
}

/**
 * Answers a request with an AWS JSON error and discards what is left of its body.
 *
 * @example
 * writeAwsJsonError(req, res, new AwsJsonError('ServiceUnavailableException', 'Shutting down; send again later.', 503));
 */
export function writeAwsJsonError(
  req: IncomingMessage,
  res: ServerResponse,
  error: AwsJsonError,
  requestId: string = randomUUID(),
): void {
  writeAwsJson(res, error.status, JSON.stringify({ __type: error.type, message: error.message }), {
    requestId,
    errorType: error.type,
  });
  req.resume();
}
