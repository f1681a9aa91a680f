/**
 * The Genesys Cloud Platform API client: bearer authentication, retries and typed errors for
 * every call.
 *
 * - 401: log in again once (the token may have expired or been revoked) and repeat the call.
 * - 429: wait exactly `Retry-After` (Genesys sends it on every 429) and repeat, any method —
 *   a throttled request was not processed.
 * - 5xx, connection resets and timeouts: repeat idempotent calls (GET, PUT, PATCH, DELETE)
 *   with exponential backoff and full jitter. A POST is repeated only when it certainly never
 *   reached the server (connection refused); otherwise the caller must reconcile by reading
 *   (see `isAmbiguousFailure`).
 * - Attempts and total time are bounded ({@link RetryOptions}); each attempt has a timeout.
 * - Errors name the call, status, Genesys `code`, `message`, correlation id and, for a 403, the
 *   permission needed. Text from the server is redacted of every secret we hold.
 */
import { GenesysApiError, GenesysNetworkError } from './errors.js';
import type { TokenSource } from './auth.js';
import { DEFAULT_RETRY_OPTIONS, parseRetryAfter, realRetryDeps, withDescription, withRetries } from './retry.js';
import type { RetryDeps, RetryOptions } from './retry.js';
import { redact } from './secret.js';
import { TransportFailure, correlationIdOf, exchange, genesysErrorBody } from './transport.js';
import type { FetchLike, RawResponse } from './transport.js';

/** One API call. */
export interface GenesysRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the API base URL, starting with `/api/v2/`. */
  path: string;
  /** Query parameters; an array is sent as the parameter repeated (`id=a&id=b`, the SDK's "multi" format). */
  query?: Record<string, string | number | boolean | readonly string[] | undefined>;
  /** JSON body. */
  body?: unknown;
  /** The permission the call requires, named in a 403 error (e.g. `integrations:integration:add`). */
  permission?: string;
  /** Whether repeating the call after an ambiguous failure is safe. Default: every method but POST. */
  idempotent?: boolean;
  signal?: AbortSignal;
}

/** A successful answer. */
export interface GenesysResponse {
  status: number;
  /** Parsed JSON body (`undefined` for an empty body). */
  body: unknown;
  correlationId?: string;
}

/** Options of {@link GenesysHttpClient}. */
interface GenesysHttpClientOptions {
  /** `https://api.<domain>` (or a private/test API endpoint). */
  apiBaseUrl: string;
  tokens: TokenSource;
  /** Timeout of one attempt. Default 30 000 ms. */
  requestTimeoutMs?: number;
  retry?: Partial<RetryOptions>;
  deps?: Partial<RetryDeps>;
  fetch?: FetchLike;
}

/** Sends Platform API calls; see the module comment for the retry rules. */
export class GenesysHttpClient {
  readonly #base: string;
  readonly #tokens: TokenSource;
  readonly #timeoutMs: number;
  readonly #retry: RetryOptions;
  readonly #deps: RetryDeps;
  readonly #fetch: FetchLike;

  constructor(options: GenesysHttpClientOptions) {
    this.#base = options.apiBaseUrl.replace(/\/+$/, '');
    this.#tokens = options.tokens;
    this.#timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.#retry = { ...DEFAULT_RETRY_OPTIONS, ...options.retry };
    this.#deps = { ...realRetryDeps, ...options.deps };
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /**
   * Sends `request`, retrying as described above.
   *
   * @throws {GenesysApiError} on an error status (after retries), {@link GenesysNetworkError}
   * when no answer came, `GenesysLoginError` when logging in failed.
   */
  async request(request: GenesysRequest): Promise<GenesysResponse> {
    const url = this.#url(request);
    const idempotent = request.idempotent ?? request.method !== 'POST';
    const response = await withRetries(
      () => this.#attemptWithRelogin(request, url),
      (error) => {
        if (error instanceof TransportFailure) {
          return { retry: idempotent || error.reason === 'ECONNREFUSED' };
        }
        if (error instanceof StatusFailure) {
          const { status, headers } = error.response;
          if (status === 429) return { retry: true, retryAfterMs: parseRetryAfter(headers.get('retry-after')) };
          return { retry: idempotent && RETRYABLE_STATUSES.has(status) };
        }
        return { retry: false };
      },
      this.#retry,
      withDescription(this.#deps, (error) => `${request.method} ${request.path} ${describeFailure(error)}`),
      request.signal,
      (error, attempts) => this.#toError(request, url, error, attempts),
    );
    return { status: response.status, body: response.json, correlationId: correlationIdOf(response) };
  }

  /** One attempt; on a 401 logs in again once and repeats it. */
  async #attemptWithRelogin(request: GenesysRequest, url: string): Promise<RawResponse> {
    for (let relogin = 0; ; relogin++) {
      const token = await this.#tokens.getToken(request.signal);
      const response = await exchange(
        this.#fetch,
        url,
        {
          method: request.method,
          headers: {
            Authorization: `Bearer ${token}`,
            Accept: 'application/json',
            ...(request.body === undefined ? {} : { 'Content-Type': 'application/json' }),
          },
          body: request.body === undefined ? undefined : JSON.stringify(request.body),
        },
        this.#timeoutMs,
        request.signal,
      );
      if (response.status === 401 && relogin === 0) {
        this.#tokens.invalidate(token);
        continue;
      }
      if (response.status < 200 || response.status > 299) throw new StatusFailure(response);
      return response;
    }
  }

  #url(request: GenesysRequest): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (Array.isArray(value)) for (const item of value) params.append(key, item);
      else if (value !== undefined) params.set(key, String(value));
    }
    const query = params.toString();
    return `${this.#base}${request.path}${query ? `?${query}` : ''}`;
  }

  #toError(request: GenesysRequest, url: string, error: unknown, attempts: number): unknown {
    if (error instanceof TransportFailure)
      return new GenesysNetworkError(request.method, url.split('?')[0]!, error.reason, attempts);
    if (!(error instanceof StatusFailure)) return error;
    const { response } = error;
    const body = genesysErrorBody(response.json);
    const secrets = [...this.#tokens.knownSecrets()];
    const fallbackText =
      body.message === undefined && response.json === undefined ? response.text.slice(0, 300).trim() : '';
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    return new GenesysApiError({
      method: request.method,
      path: request.path,
      status: response.status,
      code: body.code ? redact(body.code, secrets) : undefined,
      genesysMessage: redact(body.message ?? fallbackText, secrets) || undefined,
      correlationId: correlationIdOf(response),
      retryAfterSeconds:
        response.status === 429 && retryAfterMs !== undefined ? Math.round(retryAfterMs / 1000) : undefined,
      permission: response.status === 403 ? request.permission : undefined,
      attempts,
    });
  }
}

/** `answered 429`, `failed: ECONNRESET`, … */
function describeFailure(error: unknown): string {
  if (error instanceof StatusFailure) return `answered ${error.response.status}`;
  if (error instanceof TransportFailure) return error.reason === 'TIMEOUT' ? 'timed out' : `failed: ${error.reason}`;
  return 'failed';
}

/** Statuses worth repeating an idempotent call for. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([500, 502, 503, 504]);

/** A non-2xx answer (internal; turned into a GenesysApiError when retries end). */
class StatusFailure extends Error {
  constructor(readonly response: RawResponse) {
    super(`answered ${response.status}`);
  }
}
