/**
 * The runtime's access checks — the bearer token every route takes, and the dashboard's session
 * cookie that stands for it in a browser — and the way an AWS SDK client sends the token.
 *
 * The SDK signs every request with SigV4, which *sets* the `Authorization` header; the local
 * runtime does not verify signatures. {@link withBearerToken} adds a middleware that runs after
 * signing and replaces that header with `Bearer <token>`, so an `EventBridgeClient` pointed at a
 * runtime started with `--token` is accepted. Tokens are compared as SHA-256 digests in constant
 * time and never logged.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What a check found: the right credentials, none, or wrong ones. */
type AccessVerdict = 'ok' | 'missing' | 'wrong';

/** Name of the cookie that holds a dashboard session when a token is configured. */
export const DASHBOARD_SESSION_COOKIE = 'gep_dashboard_session';

/**
 * A bearer-token check. Tokens are compared as SHA-256 digests (equal length whatever the input)
 * with `timingSafeEqual`.
 */
export class BearerToken {
  private readonly digest: Buffer;

  constructor(token: string) {
    if (token.length === 0) throw new RangeError('The token must not be empty.');
    this.digest = sha256(token);
  }

  /** Whether `candidate` is the token. */
  matches(candidate: string): boolean {
    return timingSafeEqual(sha256(candidate), this.digest);
  }

  /**
   * `ok`, `missing` (no bearer credentials: no `Authorization` header, or another scheme such as
   * Basic — RFC 6750 §3) or `wrong`. Only `Authorization: Bearer …` counts: the routes that write
   * (PutEvents, `/admin/*`) take no cookie.
   */
  check(req: IncomingMessage): AccessVerdict {
    const header = req.headers.authorization;
    if (header === undefined || !/^Bearer(?: |$)/i.test(header)) return 'missing';
    const match = /^Bearer +(\S+) *$/i.exec(header);
    return match !== null && this.matches(match[1]!) ? 'ok' : 'wrong';
  }
}

/**
 * The read routes' check: the bearer token, or the dashboard's session cookie (which
 * `GET /?token=` sets, so that the token leaves the address bar).
 */
export class DashboardAccess {
  readonly bearer: BearerToken;
  /** The cookie value: an HMAC of a fixed label under the token, so the cookie is not the token. */
  readonly sessionValue: string;
  private readonly sessionDigest: Buffer;

  constructor(token: string) {
    this.bearer = new BearerToken(token);
    this.sessionValue = createHmac('sha256', token).update('genesys-pipeline dashboard session v1').digest('base64url');
    this.sessionDigest = sha256(this.sessionValue);
  }

  /** The bearer token when the request has one; otherwise the session cookie. */
  check(req: IncomingMessage): AccessVerdict {
    const bearer = this.bearer.check(req);
    if (bearer !== 'missing') return bearer;
    const cookie = readCookie(req.headers.cookie, DASHBOARD_SESSION_COOKIE);
    if (cookie === undefined) return 'missing';
    return timingSafeEqual(sha256(cookie), this.sessionDigest) ? 'ok' : 'wrong';
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The part of an AWS SDK v3 client this needs (its middleware stack). */
interface SdkClientLike {
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
