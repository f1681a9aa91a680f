/**
 * Typed errors of the Genesys Cloud client. Each names the call (method and path), what went
 * wrong, and what to do about it. None ever contains the client secret or an access token:
 * text that came from a server is passed through `redact` before it is put in a message.
 */

/** Base class: anything the Genesys Cloud client and the integration setup throw on purpose. */
export class GenesysError extends Error {
  override readonly name: string = 'GenesysError';
}

/** Bad or missing configuration (environment variables, base URLs, region). */
export class GenesysConfigError extends GenesysError {
  override readonly name = 'GenesysConfigError';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

/** Details of a failed Genesys Cloud call. */
interface GenesysApiErrorDetails {
  /** HTTP method of the call. */
  method: string;
  /** Path of the call, e.g. `/api/v2/integrations` (no query string). */
  path: string;
  /** HTTP status. */
  status: number;
  /** Genesys error `code` from the body, e.g. `missing.permissions`, `too.many.requests.retry.after`. */
  code?: string;
  /** Genesys error `message` from the body (redacted). */
  genesysMessage?: string;
  /** The `ININ-Correlation-Id` header, else the body's `contextId`: quote it to Genesys support. */
  correlationId?: string;
  /** For a 429: the `Retry-After` the server asked for, in seconds. */
  retryAfterSeconds?: number;
  /** The permission the call needs (named in a 403's message). */
  permission?: string;
  /** How many attempts were made before giving up. */
  attempts: number;
  /** What to do about it, when we know. */
  hint?: string;
}

/**
 * A Genesys Cloud API call answered with an error status (after any retries).
 *
 * @example
 * try { await api.createIntegration('gep') } catch (e) {
 *   if (e instanceof GenesysApiError && e.status === 403) console.error(e.permission);
 * }
 */
export class GenesysApiError extends GenesysError implements GenesysApiErrorDetails {
  override readonly name: string = 'GenesysApiError';
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly code?: string;
  readonly genesysMessage?: string;
  readonly correlationId?: string;
  readonly retryAfterSeconds?: number;
  readonly permission?: string;
  readonly attempts: number;
  readonly hint?: string;

  constructor(details: GenesysApiErrorDetails) {
    super(describeApiError(details));
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.code = details.code;
    this.genesysMessage = details.genesysMessage;
    this.correlationId = details.correlationId;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.permission = details.permission;
    this.attempts = details.attempts;
    this.hint = details.hint ?? defaultHint(details);
    if (this.hint && !this.message.includes(this.hint)) this.message += `\n${this.hint}`;
  }

  /**
   * True for a config version conflict: a 409, or a 400 saying the version "does not match the
   * current version" (the CX-as-Code Terraform provider treats both so). A fresh read resolves it.
   */
  get isVersionConflict(): boolean {
    return (
      this.status === 409 ||
      (this.status === 400 && /does not match the current version/i.test(this.genesysMessage ?? ''))
    );
  }
}

/** The OAuth client-credentials login failed (bad client id/secret, wrong region, wrong grant type). */
export class GenesysLoginError extends GenesysApiError {
  override readonly name = 'GenesysLoginError';
}

/** A call got no HTTP answer: connection refused or reset, DNS failure, or timeout (after retries). */
export class GenesysNetworkError extends GenesysError {
  override readonly name = 'GenesysNetworkError';
  constructor(
    readonly method: string,
    readonly url: string,
    /** The system error code (`ECONNRESET`, `ECONNREFUSED`, `ENOTFOUND`, …) or `TIMEOUT`. */
    readonly reason: string,
    readonly attempts: number,
  ) {
    super(
      `${method} ${url} failed: ${reason === 'TIMEOUT' ? 'no answer before the request timeout' : reason}` +
        ` (after ${attempts} attempt${attempts === 1 ? '' : 's'}). ` +
        'Check network access to Genesys Cloud and the region (GENESYSCLOUD_REGION), then run again.',
    );
  }

  /** True when the request certainly never reached the server (safe to send again). */
  get notSent(): boolean {
    return this.reason === 'ECONNREFUSED' || this.reason === 'ENOTFOUND' || this.reason === 'EAI_AGAIN';
  }
}

/** Genesys answered 2xx with a body that does not have the documented shape. */
export class GenesysResponseError extends GenesysError {
  override readonly name = 'GenesysResponseError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${method} ${path} returned an unexpected response: ${problem}`);
  }
}

/** The request cannot be carried out as given (bad arguments, unknown topics, ambiguity). */
export class SetupError extends GenesysError {
  override readonly name = 'SetupError';
  constructor(
    readonly problems: string[],
    /** Integrations that matched by name and type, when that is the problem. */
    readonly duplicateIds: string[] = [],
  ) {
    super(problems.join('\n'));
  }
}

/**
 * True when a write may or may not have been applied: a 5xx answer or a lost connection after
 * the request was sent. A non-idempotent write (POST) must be reconciled by reading before it
 * is sent again.
 */
export function isAmbiguousFailure(error: unknown): boolean {
  if (error instanceof GenesysNetworkError) return !error.notSent;
  return error instanceof GenesysApiError && !(error instanceof GenesysLoginError) && error.status >= 500;
}

function describeApiError(d: GenesysApiErrorDetails): string {
  const parts = [`${d.method} ${d.path} failed: ${d.status}`];
  if (d.code) parts.push(` ${d.code}`);
  if (d.genesysMessage) parts.push(` — ${d.genesysMessage}`);
  if (d.correlationId) parts.push(` (correlation id ${d.correlationId})`);
  if (d.attempts > 1) parts.push(` after ${d.attempts} attempts`);
  return `${parts.join('')}.`;
}

function defaultHint(d: GenesysApiErrorDetails): string | undefined {
  switch (d.status) {
    case 401:
      return 'The access token was rejected even after logging in again. Check that the OAuth client still exists and is active, and that GENESYSCLOUD_REGION is the region of your org.';
    case 403:
      return d.permission
        ? `The OAuth client's role lacks the permission ${d.permission}. Add it to a role granted to the client (Admin > Roles / Permissions) and run again; see docs/genesys-setup.md.`
        : 'The OAuth client lacks a permission this call needs; see docs/genesys-setup.md for the role to create.';
    case 429:
      return `Genesys Cloud kept rate-limiting this OAuth client${d.retryAfterSeconds !== undefined ? ` (Retry-After ${d.retryAfterSeconds} s)` : ''}. Another process may share the client; wait a minute and run again.`;
    default:
      if (d.status >= 500)
        return 'Genesys Cloud had a server error; this is usually transient. Run again in a few minutes (the command is safe to repeat).';
      return undefined;
  }
}
