/**
 * Connection settings for Genesys Cloud, from environment variables and command-line overrides.
 *
 * | setting | environment (alias) | override |
 * | --- | --- | --- |
 * | OAuth client id | `GENESYSCLOUD_OAUTHCLIENT_ID` (`GENESYS_CLIENT_ID`) | — |
 * | OAuth client secret | `GENESYSCLOUD_OAUTHCLIENT_SECRET` (`GENESYS_CLIENT_SECRET`) | — |
 * | region: `eu-west-1` or a domain such as `mypurecloud.ie` | `GENESYSCLOUD_REGION` (`GENESYS_REGION`) | `--genesys-region` |
 * | API base URL (private or test endpoint) | `GENESYSCLOUD_API_BASE_URL` | `--api-base-url` |
 * | login base URL (private or test endpoint) | `GENESYSCLOUD_LOGIN_BASE_URL` | `--login-base-url` |
 *
 * The `GENESYSCLOUD_*` names are the Genesys ecosystem's convention (CX as Code, SDK tools); the
 * `GENESYS_*` aliases are the original tutorial's. Base URLs must be https, except plain http
 * to a loopback address (a local test server).
 */
import { isLoopback } from '../shared/index.js';
import { GenesysConfigError } from './errors.js';
import { UnknownGenesysRegionError, resolveGenesysRegion } from './regions.js';
import { Secret } from './secret.js';

/** Everything needed to reach one Genesys Cloud org. */
export interface GenesysConnectionConfig {
  clientId: string;
  clientSecret: Secret;
  /** e.g. `https://api.mypurecloud.ie` */
  apiBaseUrl: string;
  /** e.g. `https://login.mypurecloud.ie` */
  loginBaseUrl: string;
  /** The domain the region resolved to (absent when both base URLs were given without a region). */
  domain?: string;
  /** Non-fatal remarks (e.g. both a variable and its alias set, with different values). */
  warnings: string[];
}

/** Command-line overrides of the environment. */
export interface GenesysConfigOverrides {
  region?: string;
  apiBaseUrl?: string;
  loginBaseUrl?: string;
}

const ALIASES = {
  clientId: ['GENESYSCLOUD_OAUTHCLIENT_ID', 'GENESYS_CLIENT_ID'],
  clientSecret: ['GENESYSCLOUD_OAUTHCLIENT_SECRET', 'GENESYS_CLIENT_SECRET'],
  region: ['GENESYSCLOUD_REGION', 'GENESYS_REGION'],
} as const;

/**
 * Reads and checks the connection settings. Every problem is reported at once.
 *
 * @throws {GenesysConfigError} listing what is missing or invalid and how to fix it.
 * @example
 * const config = loadGenesysConfig(process.env, { apiBaseUrl: 'http://127.0.0.1:8080' });
 */
export function loadGenesysConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  overrides: GenesysConfigOverrides = {},
): GenesysConnectionConfig {
  const problems: string[] = [];
  const warnings: string[] = [];
  const read = (names: readonly [string, string]): string | undefined => {
    const [primary, alias] = names;
    const a = nonEmpty(env[primary]);
    const b = nonEmpty(env[alias]);
    if (a !== undefined && b !== undefined && a !== b)
      warnings.push(`Both ${primary} and ${alias} are set; using ${primary}.`);
    return a ?? b;
  };

  const clientId = read(ALIASES.clientId);
  const clientSecret = read(ALIASES.clientSecret);
  if (clientId === undefined)
    problems.push(
      'GENESYSCLOUD_OAUTHCLIENT_ID is not set: the id of a Genesys Cloud OAuth client with the Client Credentials grant (see docs/genesys-setup.md).',
    );
  if (clientSecret === undefined)
    problems.push('GENESYSCLOUD_OAUTHCLIENT_SECRET is not set: the secret of that OAuth client.');

  const apiOverride = nonEmpty(overrides.apiBaseUrl) ?? nonEmpty(env.GENESYSCLOUD_API_BASE_URL);
  const loginOverride = nonEmpty(overrides.loginBaseUrl) ?? nonEmpty(env.GENESYSCLOUD_LOGIN_BASE_URL);
  const region = nonEmpty(overrides.region) ?? read(ALIASES.region);

  let domain: string | undefined;
  let apiBaseUrl = apiOverride;
  let loginBaseUrl = loginOverride;
  if (region !== undefined) {
    try {
      const endpoints = resolveGenesysRegion(region);
      domain = endpoints.domain;
      apiBaseUrl ??= endpoints.apiBaseUrl;
      loginBaseUrl ??= endpoints.loginBaseUrl;
    } catch (error) {
      if (!(error instanceof UnknownGenesysRegionError)) throw error;
      problems.push(error.message);
    }
  } else if (apiBaseUrl === undefined || loginBaseUrl === undefined) {
    problems.push(
      'GENESYSCLOUD_REGION is not set: the region of your Genesys Cloud org, e.g. us-east-1, eu-west-1, or its domain such as mypurecloud.ie ' +
        '(or give both --api-base-url and --login-base-url).',
    );
  }

  if (apiBaseUrl !== undefined) {
    const problem = checkBaseUrl(
      apiBaseUrl,
      apiOverride !== undefined ? '--api-base-url / GENESYSCLOUD_API_BASE_URL' : 'API base URL',
    );
    if (problem) problems.push(problem);
  }
  if (loginBaseUrl !== undefined) {
    const problem = checkBaseUrl(
      loginBaseUrl,
      loginOverride !== undefined ? '--login-base-url / GENESYSCLOUD_LOGIN_BASE_URL' : 'login base URL',
    );
    if (problem) problems.push(problem);
  }

  if (problems.length > 0) throw new GenesysConfigError(problems);
  return {
    clientId: clientId!,
    clientSecret: new Secret(clientSecret!),
    apiBaseUrl: apiBaseUrl!.replace(/\/+$/, ''),
    loginBaseUrl: loginBaseUrl!.replace(/\/+$/, ''),
    ...(domain !== undefined ? { domain } : {}),
    warnings,
  };
}

/**
 * A problem with a base URL, or `undefined` when it is fine: https, or http to a loopback
 * address; no credentials, query or fragment.
 */
function checkBaseUrl(value: string, label: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${label}: "${value}" is not a URL (expected e.g. https://api.mypurecloud.ie).`;
  }
  if (url.username || url.password)
    return `${label}: put no credentials in the URL; use GENESYSCLOUD_OAUTHCLIENT_ID / _SECRET.`;
  if (url.search || url.hash) return `${label}: "${value}" must not have a query string or fragment.`;
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    return isLoopback(url.hostname)
      ? undefined
      : `${label}: plain http is allowed only to a loopback address (127.0.0.1, ::1, localhost), not to "${url.hostname}"; use https.`;
  }
  return `${label}: "${url.protocol}" is not supported; use https.`;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
