/**
 * Genesys Cloud regions: the AWS-style region name Genesys uses for each of its deployments,
 * and the domain its API (`https://api.<domain>`) and login (`https://login.<domain>`) hosts
 * live under.
 *
 * Source: the official SDK's `PureCloudRegionHosts.js` (platform-client-sdk-javascript), where
 * the keys are written with underscores (`eu_west_1`); here they are written the AWS way
 * (`eu-west-1`).
 */
import { closestNames } from '../events/topics.js';
import { GenesysError } from './errors.js';

/** Genesys Cloud region name → domain. */
export const GENESYS_REGIONS: Readonly<Record<string, string>> = Object.freeze({
  'us-east-1': 'mypurecloud.com',
  'us-east-2': 'use2.us-gov-pure.cloud',
  'us-west-2': 'usw2.pure.cloud',
  'ca-central-1': 'cac1.pure.cloud',
  'sa-east-1': 'sae1.pure.cloud',
  'mx-central-1': 'mxc1.pure.cloud',
  'eu-west-1': 'mypurecloud.ie',
  'eu-west-2': 'euw2.pure.cloud',
  'eu-central-1': 'mypurecloud.de',
  'eu-central-2': 'euc2.pure.cloud',
  'eusc-de-east-1': 'edee1.eusc-pure.cloud',
  'me-central-1': 'mec1.pure.cloud',
  'ap-south-1': 'aps1.pure.cloud',
  'ap-southeast-1': 'apse1.pure.cloud',
  'ap-southeast-2': 'mypurecloud.com.au',
  'ap-northeast-1': 'mypurecloud.jp',
  'ap-northeast-2': 'apne2.pure.cloud',
  'ap-northeast-3': 'apne3.pure.cloud',
});

/** The API and login base URLs of one Genesys Cloud deployment. */
export interface GenesysEndpoints {
  /** The domain, e.g. `mypurecloud.ie`. */
  domain: string;
  /** `https://api.<domain>` */
  apiBaseUrl: string;
  /** `https://login.<domain>` */
  loginBaseUrl: string;
}

/** A region that is neither a known Genesys region name nor a domain. */
export class UnknownGenesysRegionError extends GenesysError {
  override readonly name = 'UnknownGenesysRegionError';
  constructor(
    readonly region: string,
    readonly suggestions: string[],
  ) {
    super(
      `Unknown Genesys Cloud region "${region}".` +
        (suggestions.length ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?` : '') +
        ` Use a region name (${Object.keys(GENESYS_REGIONS).join(', ')}) or your org's domain (e.g. mypurecloud.ie).`,
    );
  }
}

const DOMAIN = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]$/;

/**
 * Resolves a Genesys Cloud region given as a region name (`eu-west-1`, also `eu_west_1`) or as
 * a domain (`mypurecloud.ie`; `api.`/`login.` prefixes, a scheme and a trailing slash are
 * accepted and stripped, as the official SDK does).
 *
 * @throws {UnknownGenesysRegionError} for anything else, with close region names suggested.
 * @example
 * resolveGenesysRegion('eu-west-1').apiBaseUrl      // → 'https://api.mypurecloud.ie'
 * resolveGenesysRegion('mypurecloud.de').loginBaseUrl // → 'https://login.mypurecloud.de'
 */
export function resolveGenesysRegion(region: string): GenesysEndpoints {
  const given = region.trim().toLowerCase();
  const asName = given.replace(/_/g, '-');
  const known = GENESYS_REGIONS[asName];
  if (known) return endpointsFor(known);
  const domain = given
    .replace(/^https?:\/\//, '')
    .replace(/\/+$/, '')
    .replace(/^(api|login)\./, '');
  if (DOMAIN.test(domain)) return endpointsFor(domain);
  throw new UnknownGenesysRegionError(region, closestNames(asName, Object.keys(GENESYS_REGIONS)));
}

function endpointsFor(domain: string): GenesysEndpoints {
  return { domain, apiBaseUrl: `https://api.${domain}`, loginBaseUrl: `https://login.${domain}` };
}
