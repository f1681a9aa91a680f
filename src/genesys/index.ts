/**
 * Genesys Cloud: the Platform API client (OAuth client credentials, retries, typed errors) and
 * the Amazon EventBridge source integration setup, topics and status.
 */
export { GENESYS_REGIONS, UnknownGenesysRegionError, resolveGenesysRegion } from './regions.js';
export type { GenesysEndpoints } from './regions.js';
export { AWS_REGIONS, isAwsRegion } from './aws-regions.js';
export { loadGenesysConfig } from './config.js';
export type { GenesysConfigOverrides, GenesysConnectionConfig } from './config.js';
export { Secret } from './secret.js';
export {
  GenesysError,
  SetupError,
  GenesysApiError,
  GenesysConfigError,
  GenesysLoginError,
  GenesysNetworkError,
  GenesysResponseError,
  isAmbiguousFailure,
} from './errors.js';
export { DEFAULT_RETRY_OPTIONS } from './retry.js';
export type { RetryDeps, RetryEvent, RetryOptions } from './retry.js';
export { ClientCredentialsAuth } from './auth.js';
export type { TokenSource } from './auth.js';
export { GenesysHttpClient } from './http-client.js';
export type { GenesysRequest, GenesysResponse } from './http-client.js';
export { EVENTBRIDGE_INTEGRATION_TYPE, INTEGRATION_PERMISSIONS, IntegrationsApi } from './integrations-api.js';
export type { Integration, IntegrationConfig, IntegrationReportedState } from './integrations-api.js';
export { createGenesysClient } from './client.js';
export type { GenesysClient, GenesysClientOptions } from './client.js';
export {
  filterEventBridgeTopics,
  isEventBridgeTopic,
  listAvailableTopics,
  resolveEventBridgeTopics,
} from './topics.js';
export type { AvailableTopic, TopicResolution } from './topics.js';
export { GENESYS_PARTNER_SOURCE_PREFIX, getOrganization, partnerEventSourceName } from './partner-event-source.js';
export type { GenesysOrganization } from './partner-event-source.js';
export { checkSetupRequest, diffProperties, planSetup } from './setup-plan.js';
export type {
  EventBridgeProperties,
  PropertyChange,
  SetupAction,
  SetupPlan,
  SetupRequest,
  SourceChange,
} from './setup-plan.js';
export { findEventBridgeIntegration, runSetup } from './setup.js';
export type { SetupActionResult, SetupOptions, SetupResult } from './setup.js';
export { getIntegrationStatus } from './status.js';
export type { IntegrationStatus } from './status.js';
export { checkPartnerSourceInAws } from './aws-partner-source.js';
export type { AwsPartnerSourceCheck } from './aws-partner-source.js';
