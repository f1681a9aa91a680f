/**
 * `setup`: make the org's Amazon EventBridge source integration match the request — correct,
 * idempotent and resilient.
 *
 * 1. Check the request (no network), then the topics against
 *    `GET /api/v2/notifications/availabletopics?expand=transports`.
 * 2. Find the integration by name and type `amazon-eventbridge-source` (all pages, filtered
 *    here); two or more matches stop the setup with their ids.
 * 3. Plan: create if missing; `PUT …/config/current` when a managed property differs (with the
 *    current `version`; on a version conflict read again and retry, bounded); `PATCH
 *    {intendedState: "ENABLED"}` unless enabled.
 * 4. Unless `dryRun`, carry the plan out. A create whose outcome is unknown (5xx, lost
 *    connection) is reconciled by listing again before creating again.
 * 5. Name the partner event source: `aws.partner/genesys.com/cloud/<orgId>/<suffix>`.
 *
 * Running it again with the same request finds nothing to do and sends no write.
 */
import type { TopicProblem } from '../events/topics.js';
import type { GenesysClient } from './client.js';
import { GenesysApiError, isAmbiguousFailure, SetupError } from './errors.js';
import { EVENTBRIDGE_INTEGRATION_TYPE } from './integrations-api.js';
import type { Integration, IntegrationConfig, IntegrationsApi } from './integrations-api.js';
import { getOrganization, partnerEventSourceName } from './partner-event-source.js';
import { checkSetupRequest, diffProperties, planSetup } from './setup-plan.js';
import type { EventBridgeProperties, PropertyChange, SetupAction, SetupRequest, SourceChange } from './setup-plan.js';
import { listAvailableTopics, resolveEventBridgeTopics } from './topics.js';

/** Options of {@link runSetup}. */
export interface SetupOptions {
  /** Plan only: read, but send no write. */
  dryRun?: boolean;
  /** Allow changing account, region or suffix of an existing integration (a new partner event source). */
  allowSourceChange?: boolean;
  /** How many times a configuration update is retried after a version conflict. Default 5. */
  maxConflictRetries?: number;
  /** How many times a create is attempted when its outcome stays unknown. Default 3. */
  maxCreateAttempts?: number;
  /** Progress lines (the CLI prints them to stderr). */
  log?: (line: string) => void;
}

/** One action of the result. */
export interface SetupActionResult {
  action: SetupAction['kind'];
  /** `planned` in a dry run; `done` when carried out. */
  status: 'planned' | 'done';
  /** For `configure`: the properties changed. */
  changes?: PropertyChange[];
  /** For `enable`: the intended state before. */
  from?: string;
}

/** What setup did (or, in a dry run, would do). */
export interface SetupResult {
  dryRun: boolean;
  /** True when anything was (or, in a dry run, would be) changed. */
  changed: boolean;
  /** The integration's id (absent in a dry run that would create it). */
  integrationId?: string;
  integrationName: string;
  organizationId: string;
  organizationName?: string;
  /** `aws.partner/genesys.com/cloud/<orgId>/<suffix>` */
  partnerEventSourceName: string;
  awsAccountId: string;
  awsRegion: string;
  /** The topics configured, as generic names. */
  topics: string[];
  actions: SetupActionResult[];
  /** Set when the source moves (only possible with `allowSourceChange`, or shown in a dry run). */
  sourceChange?: SourceChange & { previousPartnerEventSourceName: string };
  warnings: string[];
}

/**
 * Runs the setup against one org.
 *
 * @throws {SetupError} for a bad request, unknown or unavailable topics, duplicate
 * integrations, or a refused source change; `GenesysApiError` and friends for API failures.
 * @example
 * const result = await runSetup(createGenesysClient(loadGenesysConfig()), {
 *   name: 'genesys-event-pipeline', awsAccountId: '123456789012', awsRegion: 'us-east-1',
 *   suffix: 'prod', topics: ['acd.end', 'customer.end'],
 * });
 * console.log(result.partnerEventSourceName);
 */
export async function runSetup(
  client: GenesysClient,
  request: SetupRequest,
  options: SetupOptions = {},
): Promise<SetupResult> {
  const log = options.log ?? (() => {});
  const name = request.name.trim();
  const requestProblems = checkSetupRequest({ ...request, name });
  if (requestProblems.length) throw new SetupError(requestProblems);

  const resolution = resolveEventBridgeTopics(request.topics, await listAvailableTopics(client.http));
  if (resolution.problems.length) throw new SetupError(resolution.problems.map(describeTopicProblem));
  const warnings = [...resolution.warnings];
  const desired: EventBridgeProperties = {
    awsAccountId: request.awsAccountId,
    awsAccountRegion: request.awsRegion,
    eventSourceSuffix: request.suffix,
    eventFilter: resolution.topics,
  };

  const organization = await getOrganization(client.http);
  const existing = await findEventBridgeIntegration(client.integrations, name);
  const observed = existing
    ? { integration: existing, config: await client.integrations.getConfig(existing.id) }
    : undefined;
  const plan = planSetup(name, desired, observed);

  const result: SetupResult = {
    dryRun: options.dryRun === true,
    changed: plan.actions.length > 0,
    ...(plan.integrationId ? { integrationId: plan.integrationId } : {}),
    integrationName: name,
    organizationId: organization.id,
    ...(organization.name ? { organizationName: organization.name } : {}),
    partnerEventSourceName: partnerEventSourceName(organization.id, desired.eventSourceSuffix),
    awsAccountId: desired.awsAccountId,
    awsRegion: desired.awsAccountRegion,
    topics: desired.eventFilter,
    actions: plan.actions.map((action) => ({ ...describeAction(action), status: 'planned' as const })),
    warnings,
  };
  if (plan.sourceChange) {
    const previous = partnerEventSourceName(organization.id, plan.sourceChange.from.eventSourceSuffix);
    result.sourceChange = { ...plan.sourceChange, previousPartnerEventSourceName: previous };
    const message =
      `Integration "${name}" sends to ${previous} (account ${plan.sourceChange.from.awsAccountId}, ${plan.sourceChange.from.awsAccountRegion}). ` +
      `The request moves it to ${result.partnerEventSourceName} (account ${desired.awsAccountId}, ${desired.awsAccountRegion}): Genesys then sends to a new ` +
      'partner event source, the bus on the old one stops receiving events, and events sent before the new source has its bus are dropped.';
    if (!options.allowSourceChange && !options.dryRun) {
      throw new SetupError([
        `${message} If that is what you want, run again with --allow-source-change; otherwise keep the current account, region and suffix.`,
      ]);
    }
    warnings.push(message);
  }
  if (options.dryRun || plan.actions.length === 0) return result;

  let integrationId = plan.integrationId;
  let config = observed?.config;
  let intendedState = observed?.integration.intendedState;
  result.actions = [];
  for (const action of plan.actions) {
    switch (action.kind) {
      case 'create': {
        log(`Creating integration "${name}" (${EVENTBRIDGE_INTEGRATION_TYPE})…`);
        const created = await createOnce(client.integrations, name, options.maxCreateAttempts ?? 3, log);
        integrationId = created.id;
        intendedState = created.intendedState;
        config = await client.integrations.getConfig(created.id);
        result.integrationId = created.id;
        result.actions.push({ action: 'create', status: 'done' });
        break;
      }
      case 'configure': {
        log(`Updating the configuration of integration ${integrationId}…`);
        const changes = await configure(
          client.integrations,
          integrationId!,
          name,
          desired,
          config!,
          options.maxConflictRetries ?? 5,
          log,
        );
        if (changes.length) result.actions.push({ action: 'configure', status: 'done', changes });
        break;
      }
      case 'enable': {
        if (intendedState === 'ENABLED') break;
        log(`Enabling integration ${integrationId}…`);
        await client.integrations.setIntendedState(integrationId!, 'ENABLED');
        result.actions.push({ action: 'enable', status: 'done', ...(intendedState ? { from: intendedState } : {}) });
        break;
      }
    }
  }
  result.changed = result.actions.length > 0;
  return result;
}

/**
 * The integration named `name` of type `amazon-eventbridge-source`, or `undefined`.
 *
 * @throws {SetupError} when more than one matches (listing their ids).
 */
async function findEventBridgeIntegration(api: IntegrationsApi, name: string): Promise<Integration | undefined> {
  const matches = (await api.listIntegrations()).filter(
    (i) => i.integrationType?.id === EVENTBRIDGE_INTEGRATION_TYPE && (i.name ?? '').trim() === name,
  );
  if (matches.length > 1) {
    const ids = matches.map((m) => m.id);
    throw new SetupError(
      [
        `${matches.length} Amazon EventBridge source integrations are named "${name}" (ids ${ids.join(', ')}). ` +
          'Setup cannot tell which one to manage: delete or rename all but one in Genesys Cloud (Admin > Integrations), then run again.',
      ],
      ids,
    );
  }
  return matches[0];
}

/** Creates the integration once, reconciling by listing when the outcome of a POST is unknown. */
async function createOnce(
  api: IntegrationsApi,
  name: string,
  maxAttempts: number,
  log: (line: string) => void,
): Promise<Integration> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await api.createIntegration(name);
    } catch (error) {
      if (!isAmbiguousFailure(error) || attempt >= maxAttempts) throw error;
      log(
        `The create request's outcome is unknown (${(error as Error).message.split('\n')[0]}); checking whether it was created…`,
      );
      const found = await findEventBridgeIntegration(api, name);
      if (found) return found;
    }
  }
}

/** PUTs the desired properties with the current version; on a version conflict reads again (bounded). */
async function configure(
  api: IntegrationsApi,
  id: string,
  name: string,
  desired: EventBridgeProperties,
  initial: IntegrationConfig,
  maxConflictRetries: number,
  log: (line: string) => void,
): Promise<PropertyChange[]> {
  let current = initial;
  for (let conflicts = 0; ; conflicts++) {
    const changes = diffProperties(current.properties, desired);
    if (changes.length === 0) return [];
    try {
      await api.putConfig(id, { ...current, name, properties: { ...current.properties, ...desired } });
      return changes;
    } catch (error) {
      if (!(error instanceof GenesysApiError) || !error.isVersionConflict || conflicts >= maxConflictRetries)
        throw error;
      log(`The configuration changed meanwhile (version ${current.version} is stale); reading it again…`);
      current = await api.getConfig(id);
    }
  }
}

function describeAction(action: SetupAction): Omit<SetupActionResult, 'status'> {
  switch (action.kind) {
    case 'create':
      return { action: 'create' };
    case 'configure':
      return { action: 'configure', changes: action.changes };
    case 'enable':
      return { action: 'enable', ...(action.from ? { from: action.from } : {}) };
  }
}

function describeTopicProblem(problem: TopicProblem): string {
  if (problem.suggestions.every((s) => problem.message.includes(s))) return problem.message;
  return `${problem.message} Did you mean ${problem.suggestions.map((s) => `"${s}"`).join(' or ')}?`;
}
