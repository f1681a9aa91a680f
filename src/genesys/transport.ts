/**
 * One HTTP exchange with Genesys Cloud: send, read the whole answer under a timeout, and turn
 * what came back into data (status, headers, parsed JSON) or a {@link TransportFailure}. No
 * retries and no authentication here: `auth.ts` and `http-client.ts` build on this.
 */

/** A complete HTTP answer. */
export interface RawResponse {
  status: number;
  headers: Headers;
  /** The body as text ('' when empty). */
  text: string;
  /** The body parsed as JSON, or `undefined` when it is not JSON. */
  json: unknown;
}

/** No HTTP answer: the connection failed or the timeout passed. */
export class TransportFailure extends Error {
  override readonly name = 'TransportFailure';
  constructor(
    /** A system error code (`ECONNRESET`, `ECONNREFUSED`, `ENOTFOUND`, `UND_ERR_SOCKET`, …) or `TIMEOUT`. */
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** The `fetch` function used (global `fetch` by default; injectable). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/**
 * Sends one request and reads the whole response body, aborting after `timeoutMs` or when
 * `signal` aborts (then the signal's reason is thrown as is).
 *
 * @throws {TransportFailure} when no complete answer arrived.
 */
export async function exchange(
  fetchImpl: FetchLike,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<RawResponse> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    const response = await fetchImpl(url, { ...init, signal: combined });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: parseJson(text) };
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (timeout.aborted) throw new TransportFailure('TIMEOUT');
    throw new TransportFailure(systemErrorCode(error));
  }
}

/** The fields of a Genesys error body (`ErrorBody` in the SDK: message, code, status, contextId, …). */
interface GenesysErrorBody {
  code?: string;
  message?: string;
  contextId?: string;
}

/** Reads `code`, `message` and `contextId` from a Genesys error body, if present. */
export function genesysErrorBody(json: unknown): GenesysErrorBody {
  if (!json || typeof json !== 'object') return {};
  const body = json as Record<string, unknown>;
  const text = (key: string) => (typeof body[key] === 'string' && body[key] !== '' ? (body[key] as string) : undefined);
  return { code: text('code'), message: text('message'), contextId: text('contextId') };
}

/** The correlation id of an answer: the `ININ-Correlation-Id` header, else the body's `contextId`. */
export function correlationIdOf(response: RawResponse): string | undefined {
  return response.headers.get('inin-correlation-id') ?? genesysErrorBody(response.json).contextId;
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Digs the system error code out of undici's `TypeError: fetch failed` (its `cause` chain). */
function systemErrorCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return error instanceof Error ? error.message : 'network error';
}
