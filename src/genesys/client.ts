/**
 * A ready-to-use Genesys Cloud client: the token source, the HTTP client and the Integrations
 * API, wired from a {@link GenesysConnectionConfig}.
 */
import { ClientCredentialsAuth } from './auth.js';
import type { GenesysConnectionConfig } from './config.js';
import { GenesysHttpClient } from './http-client.js';
import { IntegrationsApi } from './integrations-api.js';
import type { RetryDeps, RetryOptions } from './retry.js';
import type { FetchLike } from './transport.js';

/** The parts of a Genesys Cloud client. */
export interface GenesysClient {
  auth: ClientCredentialsAuth;
  http: GenesysHttpClient;
  integrations: IntegrationsApi;
}

/** Tuning of {@link createGenesysClient} (defaults suit production; tests shorten the delays). */
export interface GenesysClientOptions {
  /** Timeout of one HTTP attempt. Default 30 000 ms. */
  requestTimeoutMs?: number;
  retry?: Partial<RetryOptions>;
  /** Clock, sleep, randomness and the retry observer (e.g. to print "retrying in 2 s"). */
  deps?: Partial<RetryDeps>;
  fetch?: FetchLike;
}

/**
 * Wires a client.
 *
 * @example
 * const client = createGenesysClient(loadGenesysConfig());
 * const integrations = await client.integrations.listIntegrations();
 */
export function createGenesysClient(
  config: GenesysConnectionConfig,
  options: GenesysClientOptions = {},
): GenesysClient {
  const auth = new ClientCredentialsAuth({
    loginBaseUrl: config.loginBaseUrl,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    ...options,
  });
  const http = new GenesysHttpClient({ apiBaseUrl: config.apiBaseUrl, tokens: auth, ...options });
  return { auth, http, integrations: new IntegrationsApi(http) };
}
