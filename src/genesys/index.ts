/**
 * `genesys-event-pipeline/genesys` — Genesys Cloud: the Platform API client (regions, OAuth
 * client credentials, retries, typed redacted errors) and the idempotent setup of the Amazon
 * EventBridge source integration, its topics and its status.
 */
export { GENESYS_REGIONS, resolveGenesysRegion } from './regions.js';
export type { GenesysEndpoints } from './regions.js';
export { loadGenesysConfig } from './config.js';
export type { GenesysConfigOverrides, GenesysConnectionConfig } from './config.js';
export { Secret } from './secret.js';
export { createGenesysClient } from './client.js';
export type { GenesysClient, GenesysClientOptions } from './client.js';
export type { RetryEvent, RetryOptions } from './retry.js';
export type { TokenSource } from './auth.js';
export type { GenesysRequest, GenesysResponse } from './http-client.js';
export { INTEGRATION_PERMISSIONS, IntegrationsApi } from './integrations-api.js';
export type { Integration, IntegrationConfig, IntegrationReportedState } from './integrations-api.js';
export { listAvailableTopics, resolveEventBridgeTopics } from './topics.js';
export type { AvailableTopic, TopicResolution } from './topics.js';
export { GENESYS_PARTNER_SOURCE_PREFIX, getOrganization, partnerEventSourceName } from './partner-event-source.js';
export type { GenesysOrganization } from './partner-event-source.js';
export { runSetup } from './setup.js';
export type { SetupActionResult, SetupOptions, SetupResult } from './setup.js';
export type { EventBridgeProperties, PropertyChange, SetupAction, SetupRequest, SourceChange } from './setup-plan.js';
export { getIntegrationStatus } from './status.js';
export type { IntegrationStatus } from './status.js';
export { checkPartnerSourceInAws } from './aws-partner-source.js';
export { checkRuleCoverage } from './rule-coverage.js';
export type { RuleCoverage, RuleCoverageOptions } from './rule-coverage.js';
export type { AwsPartnerSourceCheck, AwsPartnerSourceCheckOptions } from './aws-partner-source.js';
export { DIRECTORY_PERMISSIONS, GenesysDirectorySource } from './directory-api.js';
export {
  GenesysError,
  GenesysConfigError,
  GenesysApiError,
  GenesysLoginError,
  GenesysNetworkError,
  GenesysResponseError,
  SetupError,
  isAmbiguousFailure,
} from './errors.js';
export { UnknownGenesysRegionError } from './regions.js';
