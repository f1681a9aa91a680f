/**
 * The partner event source Genesys Cloud creates in the AWS account:
 * `aws.partner/genesys.com/cloud/<orgId>/<eventSourceSuffix>`.
 *
 * It stays PENDING until an event bus with exactly that name is created with `EventSourceName`
 * set to it; events sent to a source without a bus are dropped.
 */
import { z } from 'zod';
import type { GenesysHttpClient } from './http-client.js';
import { parse } from './integrations-api.js';

/** The prefix of every Genesys Cloud partner event source name. */
export const GENESYS_PARTNER_SOURCE_PREFIX = 'aws.partner/genesys.com/cloud/';

/**
 * The partner event source name for an org and suffix.
 *
 * @example
 * partnerEventSourceName('6f1d…', 'prod') // → 'aws.partner/genesys.com/cloud/6f1d…/prod'
 */
export function partnerEventSourceName(orgId: string, suffix: string): string {
  return `${GENESYS_PARTNER_SOURCE_PREFIX}${orgId}/${suffix}`;
}

/** The org the OAuth client belongs to. */
export interface GenesysOrganization {
  id: string;
  name?: string;
  /** The org's short name / domain, e.g. `acme`. */
  domain?: string;
}

const organizationSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional(),
  domain: z.string().optional(),
});

/** `GET /api/v2/organizations/me` (no permission needed). */
export async function getOrganization(http: GenesysHttpClient): Promise<GenesysOrganization> {
  const path = '/api/v2/organizations/me';
  const { body } = await http.request({ method: 'GET', path });
  const org = parse(organizationSchema, body, 'GET', path);
  return { id: org.id, ...(org.name ? { name: org.name } : {}), ...(org.domain ? { domain: org.domain } : {}) };
}
