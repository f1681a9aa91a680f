/**
 * OAuth client-credentials login to Genesys Cloud, with a token cache.
 *
 * `POST https://login.<domain>/oauth/token` with HTTP Basic authentication (client id and
 * secret) and the form body `grant_type=client_credentials` answers
 * `{ access_token, token_type: "bearer", expires_in }` (seconds; 86400 by default). There is
 * no refresh token: we log in again shortly before expiry. Source: the official SDK's
 * `ApiClient.loginClientCredentialsGrant`.
 *
 * - A token is reused until shortly before `expires_in` runs out.
 * - One login at a time: concurrent callers share the request in flight.
 * - `invalidate(token)` (after a 401) drops that token only, so many callers that saw the same
 *   401 cause one new login, not many.
 * - Login is retried on 429 (honouring `Retry-After`; Genesys allows 300 token requests per
 *   minute per client), 5xx and network errors.
 */
import { z } from 'zod';
import { GenesysLoginError, GenesysNetworkError, GenesysResponseError } from './errors.js';
import { DEFAULT_RETRY_OPTIONS, parseRetryAfter, realRetryDeps, withDescription, withRetries } from './retry.js';
import type { RetryDeps, RetryOptions } from './retry.js';
import { Secret, redact } from './secret.js';
import { TransportFailure, correlationIdOf, exchange, genesysErrorBody } from './transport.js';
import type { FetchLike, RawResponse } from './transport.js';

/** Where API calls get their bearer token. */
export interface TokenSource {
  /** A valid access token (cached, or from a new login). */
  getToken(signal?: AbortSignal): Promise<string>;
  /** Forget `token` (it was rejected with 401); the next `getToken` logs in again. */
  invalidate(token: string): void;
  /** Every secret value this source knows (client secret, tokens): for redaction of messages. */
  knownSecrets(): Iterable<string>;
}

/** Options of {@link ClientCredentialsAuth}. */
interface ClientCredentialsAuthOptions {
  /** `https://login.<domain>` (or a private/test login endpoint). */
  loginBaseUrl: string;
  clientId: string;
  clientSecret: Secret;
  /** Timeout of one login request. Default 30 000 ms. */
  requestTimeoutMs?: number;
  retry?: Partial<RetryOptions>;
  deps?: Partial<RetryDeps>;
  fetch?: FetchLike;
}

const tokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  token_type: z.string().optional(),
});

/** Longest margin before expiry at which a token is replaced. */
const MAX_REFRESH_MARGIN_MS = 60_000;

/**
 * Client-credentials token source.
 *
 * @example
 * const auth = new ClientCredentialsAuth({ loginBaseUrl: 'https://login.mypurecloud.ie', clientId, clientSecret });
 * const token = await auth.getToken();
 */
export class ClientCredentialsAuth implements TokenSource {
  readonly #options: ClientCredentialsAuthOptions;
  readonly #retry: RetryOptions;
  readonly #deps: RetryDeps;
  readonly #fetch: FetchLike;
  readonly #basic: Secret;
  #cached: { token: Secret; refreshAt: number } | undefined;
  #inFlight: Promise<string> | undefined;
  readonly #issued: Secret[] = [];
  #logins = 0;

  constructor(options: ClientCredentialsAuthOptions) {
    this.#options = options;
    this.#retry = { ...DEFAULT_RETRY_OPTIONS, ...options.retry };
    this.#deps = { ...realRetryDeps, ...options.deps };
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#basic = new Secret(Buffer.from(`${options.clientId}:${options.clientSecret.reveal()}`).toString('base64'));
  }

  /** Number of login requests answered with a token so far. */
  get loginCount(): number {
    return this.#logins;
  }

  async getToken(signal?: AbortSignal): Promise<string> {
    const cached = this.#cached;
    if (cached && this.#deps.now() < cached.refreshAt) return cached.token.reveal();
    this.#inFlight ??= this.#login().finally(() => {
      this.#inFlight = undefined;
    });
    return signal ? raceAbort(this.#inFlight, signal) : this.#inFlight;
  }

  invalidate(token: string): void {
    if (this.#cached?.token.reveal() === token) this.#cached = undefined;
  }

  *knownSecrets(): Iterable<string> {
    yield this.#options.clientSecret.reveal();
    yield this.#basic.reveal();
    for (const token of this.#issued) yield token.reveal();
  }

  async #login(): Promise<string> {
    const url = `${this.#options.loginBaseUrl.replace(/\/+$/, '')}/oauth/token`;
    const response = await withRetries(
      () => this.#attempt(url),
      (error) => {
        if (error instanceof TransportFailure) return { retry: true };
        const failed = error as LoginStatusFailure;
        if (failed.response.status === 429)
          return { retry: true, retryAfterMs: parseRetryAfter(failed.response.headers.get('retry-after')) };
        return { retry: failed.response.status >= 500 };
      },
      this.#retry,
      withDescription(this.#deps, (error) =>
        error instanceof LoginStatusFailure
          ? `login answered ${error.response.status}`
          : `login failed: ${(error as TransportFailure).reason}`,
      ),
      undefined,
      (error, attempts) => this.#toError(url, error, attempts),
    );
    const parsed = tokenResponse.safeParse(response.json);
    if (!parsed.success) {
      throw new GenesysResponseError(
        'POST',
        '/oauth/token',
        'expected { access_token, expires_in } from the token endpoint',
      );
    }
    const lifetimeMs = parsed.data.expires_in * 1000;
    const token = new Secret(parsed.data.access_token);
    this.#issued.push(token);
    this.#logins++;
    this.#cached = {
      token,
      refreshAt: this.#deps.now() + lifetimeMs - Math.min(MAX_REFRESH_MARGIN_MS, lifetimeMs / 10),
    };
    return token.reveal();
  }

  async #attempt(url: string): Promise<RawResponse> {
    const response = await exchange(
      this.#fetch,
      url,
      {
        method: 'POST',
        headers: {
          Authorization: `Basic ${this.#basic.reveal()}`,
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        body: 'grant_type=client_credentials',
      },
      this.#options.requestTimeoutMs ?? 30_000,
    );
    if (response.status < 200 || response.status > 299) throw new LoginStatusFailure(response);
    return response;
  }

  #toError(url: string, error: unknown, attempts: number): Error {
    if (error instanceof TransportFailure) return new GenesysNetworkError('POST', url, error.reason, attempts);
    if (!(error instanceof LoginStatusFailure)) return error as Error;
    const { response } = error;
    const json = (response.json ?? {}) as Record<string, unknown>;
    const oauthError = typeof json.error === 'string' ? json.error : undefined;
    const description = [json.error_description, json.description].find((v): v is string => typeof v === 'string');
    const body = genesysErrorBody(response.json);
    const message = redact(description ?? body.message ?? '', this.knownSecrets());
    const status = response.status;
    return new GenesysLoginError({
      method: 'POST',
      path: url,
      status,
      code: body.code ?? (oauthError ? redact(oauthError, this.knownSecrets()) : undefined),
      genesysMessage: message || undefined,
      correlationId: correlationIdOf(response),
      retryAfterSeconds: status === 429 ? secondsOf(parseRetryAfter(response.headers.get('retry-after'))) : undefined,
      attempts,
      hint:
        status === 400 || status === 401 || status === 403
          ? `Genesys Cloud rejected the OAuth client. Check GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET, that the client's grant type is Client Credentials, and that the region (${this.#options.loginBaseUrl}) is your org's.`
          : undefined,
    });
  }
}

/** A non-2xx answer of the token endpoint (internal; turned into a GenesysLoginError). */
class LoginStatusFailure extends Error {
  constructor(readonly response: RawResponse) {
    super(`login answered ${response.status}`);
  }
}

function secondsOf(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : Math.round(ms / 1000);
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
