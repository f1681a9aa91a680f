/**
 * `status`: the EventBridge source integration as Genesys Cloud sees it — intended state,
 * reported state (`reportedState`: `code` ACTIVE/ACTIVATING/INACTIVE/DEACTIVATING/ERROR,
 * `effective`, `detail.message`, `lastUpdated`) and the managed configuration properties — and
 * the name of its partner event source.
 */
import type { GenesysClient } from './client.js';
import { EVENTBRIDGE_INTEGRATION_TYPE } from './integrations-api.js';
import type { Integration, IntegrationReportedState } from './integrations-api.js';
import { getOrganization, partnerEventSourceName } from './partner-event-source.js';
import { EVENTBRIDGE_PROPERTY_NAMES } from './setup-plan.js';
import { SetupError } from './errors.js';

/** The integration's state and configuration. */
export interface IntegrationStatus {
  organizationId: string;
  organizationName?: string;
  integrationId: string;
  integrationName: string;
  /** `ENABLED` / `DISABLED`. */
  intendedState?: string;
  reportedState?: IntegrationReportedState;
  /** The managed properties as configured (`awsAccountId`, `awsAccountRegion`, `eventSourceSuffix`, `eventFilter`). */
  properties: Record<string, unknown>;
  configVersion: number;
  /** Absent while the suffix is not configured. */
  partnerEventSourceName?: string;
}

/**
 * Reads the status of the integration named `name`, or — without a name — of the org's only
 * Amazon EventBridge source integration.
 *
 * @throws {SetupError} when none matches, or several match and no name tells them apart.
 */
export async function getIntegrationStatus(client: GenesysClient, name?: string): Promise<IntegrationStatus> {
  const all = (await client.integrations.listIntegrations()).filter(
    (i) => i.integrationType?.id === EVENTBRIDGE_INTEGRATION_TYPE,
  );
  const wanted = name?.trim();
  const matches = wanted ? all.filter((i) => (i.name ?? '').trim() === wanted) : all;
  if (matches.length === 0) {
    throw new SetupError([
      wanted
        ? `No Amazon EventBridge source integration is named "${wanted}"${all.length ? ` (there are: ${list(all)})` : ''}. Run \`genesys-pipeline setup\` first.`
        : 'This org has no Amazon EventBridge source integration. Run `genesys-pipeline setup` first.',
    ]);
  }
  if (matches.length > 1) {
    throw new SetupError(
      [
        wanted
          ? `${matches.length} Amazon EventBridge source integrations are named "${wanted}": ${list(matches)}. Delete or rename all but one in Genesys Cloud.`
          : `This org has ${matches.length} Amazon EventBridge source integrations: ${list(matches)}. Say which with --name.`,
      ],
      matches.map((m) => m.id),
    );
  }
  const summary = matches[0]!;
  const [integration, config, organization] = await Promise.all([
    client.integrations.getIntegration(summary.id),
    client.integrations.getConfig(summary.id),
    getOrganization(client.http),
  ]);
  const properties: Record<string, unknown> = {};
  for (const key of EVENTBRIDGE_PROPERTY_NAMES)
    if (config.properties[key] !== undefined) properties[key] = config.properties[key];
  const suffix = config.properties.eventSourceSuffix;
  return {
    organizationId: organization.id,
    ...(organization.name ? { organizationName: organization.name } : {}),
    integrationId: integration.id,
    integrationName: integration.name ?? summary.name ?? '',
    ...(integration.intendedState ? { intendedState: integration.intendedState } : {}),
    ...(integration.reportedState ? { reportedState: integration.reportedState } : {}),
    properties,
    configVersion: config.version,
    ...(typeof suffix === 'string' && suffix !== ''
      ? { partnerEventSourceName: partnerEventSourceName(organization.id, suffix) }
      : {}),
  };
}

function list(integrations: Integration[]): string {
  return integrations.map((i) => `"${i.name ?? ''}" (${i.id})`).join(', ');
}
