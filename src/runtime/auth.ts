/**
 * Bearer-token checks for the runtime's own routes (PutEvents and `/admin/*`), and the way an AWS
 * SDK client sends the token.
 *
 * The SDK signs every request with SigV4, which *sets* the `Authorization` header; the local
 * runtime does not verify signatures. {@link withBearerToken} adds a middleware that runs after
 * signing and replaces that header with `Bearer <token>`, so an `EventBridgeClient` pointed at a
 * runtime started with `--token` is accepted. Tokens are compared as SHA-256 digests in constant
 * time and never logged.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A bearer-token check (constant time). */
export class BearerToken {
  private readonly digest: Buffer;

  constructor(token: string) {
    if (token.length === 0) throw new RangeError('The token must not be empty.');
    this.digest = sha256(token);
  }

  /** `ok`, `missing` (no bearer credentials) or `wrong`. Only `Authorization: Bearer …` counts (no cookies: these routes write). */
  check(req: IncomingMessage): 'ok' | 'missing' | 'wrong' {
    const header = req.headers.authorization;
    if (header === undefined || !/^Bearer(?: |$)/i.test(header)) return 'missing';
    const match = /^Bearer +(\S+) *$/i.exec(header);
    return match && timingSafeEqual(sha256(match[1]!), this.digest) ? 'ok' : 'wrong';
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** The part of an AWS SDK v3 client this needs (its middleware stack). */
export interface SdkClientLike {
  middlewareStack: { addRelativeTo(...args: never[]): void };
}

type Next = (args: { request: unknown }) => Promise<unknown>;
type AddRelativeTo = (
  middleware: (next: Next) => Next,
  options: { relation: 'after'; toMiddleware: string; name: string; override: boolean },
) => void;

/**
 * Makes an AWS SDK v3 client (e.g. `EventBridgeClient`) send `Authorization: Bearer <token>`,
 * as a runtime started with `--token` requires on PutEvents. Returns the client.
 *
 * @example
 * const client = withBearerToken(new EventBridgeClient({ endpoint: 'http://127.0.0.1:4010', region: 'us-east-1',
 *   credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }), process.env.GENESYS_PIPELINE_TOKEN!);
 */
export function withBearerToken<C extends SdkClientLike>(client: C, token: string): C {
  const add = client.middlewareStack.addRelativeTo.bind(client.middlewareStack) as unknown as AddRelativeTo;
  add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request?.headers) request.headers.authorization = `Bearer ${token}`;
      return next(args);
    },
    { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'genesysPipelineBearerToken', override: true },
  );
  return client;
}
