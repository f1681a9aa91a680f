/**
 * The setup's pure core: what a request must look like, and the plan that takes the org from
 * what it has to what was asked for (create / configure with a diff / enable / nothing).
 *
 * The four properties of the `amazon-eventbridge-source` integration (CX-as-Code Terraform
 * provider; GenesysCloudDevOps/aws-event-bridge-module `main.tf`):
 *
 * | property | value |
 * | --- | --- |
 * | `awsAccountId` | the 12-digit AWS account id |
 * | `awsAccountRegion` | the AWS region of the partner event source, e.g. `us-east-1` |
 * | `eventSourceSuffix` | ≤ 64 of letters, digits, `.`, `-`, `_`; ends the partner event source name |
 * | `eventFilter` | the generic topic names to send |
 */
import { isAwsRegion, suggestAwsRegions } from './aws-regions.js';
import type { Integration, IntegrationConfig } from './integrations-api.js';

/** What `setup` is asked to make true. */
export interface SetupRequest {
  /** Name of the integration in Genesys Cloud (how it is found again). */
  name: string;
  awsAccountId: string;
  awsRegion: string;
  suffix: string;
  /** Topic names as given (generic, or short conversation names such as `acd.end`). */
  topics: string[];
}

/** The integration properties setup manages. */
export interface EventBridgeProperties {
  awsAccountId: string;
  awsAccountRegion: string;
  eventSourceSuffix: string;
  eventFilter: string[];
}

/** Names of {@link EventBridgeProperties}, in display order. */
export const EVENTBRIDGE_PROPERTY_NAMES = [
  'awsAccountId',
  'awsAccountRegion',
  'eventSourceSuffix',
  'eventFilter',
] as const;

/** The suffix rule from the Genesys integration's documentation. */
const SUFFIX_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Checks the parts of a request that need no network: name, account id, AWS region, suffix,
 * topics given. Returns every problem (empty when fine).
 *
 * @example
 * checkSetupRequest({ name: 'gep', awsAccountId: '123', awsRegion: 'us-east-1', suffix: 'prod', topics: ['acd.end'] })
 * // → ['--aws-account-id "123": an AWS account id is exactly 12 digits.']
 */
export function checkSetupRequest(request: SetupRequest): string[] {
  const problems: string[] = [];
  if (request.name.trim() === '')
    problems.push('--name: give the integration a name (it is how setup finds it again).');
  if (!/^\d{12}$/.test(request.awsAccountId)) {
    problems.push(`--aws-account-id "${request.awsAccountId}": an AWS account id is exactly 12 digits.`);
  }
  if (!isAwsRegion(request.awsRegion)) {
    const suggestions = suggestAwsRegions(request.awsRegion);
    problems.push(
      `--aws-region "${request.awsRegion}": not an AWS region name.` +
        (suggestions.length
          ? ` Did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?`
          : ' Use a name such as us-east-1 or eu-west-1.'),
    );
  }
  if (!SUFFIX_PATTERN.test(request.suffix)) {
    problems.push(
      `--suffix "${request.suffix}": 1 to 64 characters of letters, digits, ".", "-" and "_"` +
        (request.suffix.length > 64 ? ` (it has ${request.suffix.length}).` : '.'),
    );
  }
  if (request.topics.length === 0)
    problems.push('No topics: give --topic (repeatable) or --topics-file; `genesys-pipeline topics` lists them.');
  return problems;
}

/** One property that differs: `from` is `undefined` when unset. */
export interface PropertyChange {
  property: (typeof EVENTBRIDGE_PROPERTY_NAMES)[number];
  from: unknown;
  to: unknown;
}

/**
 * The properties of `current` that differ from `desired`. `eventFilter` is compared as a set:
 * the same topics in another order are no change.
 */
export function diffProperties(current: Record<string, unknown>, desired: EventBridgeProperties): PropertyChange[] {
  const changes: PropertyChange[] = [];
  for (const property of EVENTBRIDGE_PROPERTY_NAMES) {
    const from = current[property];
    const to = desired[property];
    const same =
      property === 'eventFilter'
        ? Array.isArray(from) && sameSet(from, to as string[])
        : typeof from === 'string' && from === to;
    if (!same) changes.push({ property, from, to });
  }
  return changes;
}

/** One step of a plan. */
export type SetupAction =
  | { kind: 'create'; name: string }
  | { kind: 'configure'; changes: PropertyChange[] }
  | { kind: 'enable'; from: string | undefined };

/** A move of the partner event source (account, region or suffix changes on an existing integration). */
export interface SourceChange {
  from: { awsAccountId: string; awsAccountRegion: string; eventSourceSuffix: string };
  to: { awsAccountId: string; awsAccountRegion: string; eventSourceSuffix: string };
}

/** What setup would do. */
interface SetupPlan {
  /** The existing integration's id (absent when it is to be created). */
  integrationId?: string;
  actions: SetupAction[];
  /** Set when the existing configuration points the events at another partner event source. */
  sourceChange?: SourceChange;
}

/** What the org has now: the matching integration (if any) and its configuration. */
interface ObservedIntegration {
  integration: Integration;
  config: IntegrationConfig;
}

/**
 * The plan from `observed` (undefined: no integration of that name and type) to `desired`.
 *
 * @example
 * planSetup('gep', desired, undefined).actions.map((a) => a.kind) // → ['create', 'configure', 'enable']
 */
export function planSetup(
  name: string,
  desired: EventBridgeProperties,
  observed: ObservedIntegration | undefined,
): SetupPlan {
  if (!observed) {
    return {
      actions: [
        { kind: 'create', name },
        { kind: 'configure', changes: diffProperties({}, desired) },
        { kind: 'enable', from: undefined },
      ],
    };
  }
  const actions: SetupAction[] = [];
  const changes = diffProperties(observed.config.properties, desired);
  if (changes.length) actions.push({ kind: 'configure', changes });
  const state = observed.integration.intendedState;
  if (state !== 'ENABLED') actions.push({ kind: 'enable', from: state });
  const sourceChange = detectSourceChange(observed.config.properties, desired);
  return { integrationId: observed.integration.id, actions, ...(sourceChange ? { sourceChange } : {}) };
}

/**
 * A source change: the integration already names an account, region and suffix (so a partner
 * event source exists), and one of them would change. Genesys then sends to a different partner
 * event source; the bus on the old one stops receiving events.
 */
function detectSourceChange(
  current: Record<string, unknown>,
  desired: EventBridgeProperties,
): SourceChange | undefined {
  const { awsAccountId, awsAccountRegion, eventSourceSuffix } = current;
  if (typeof awsAccountId !== 'string' || typeof awsAccountRegion !== 'string' || typeof eventSourceSuffix !== 'string')
    return undefined;
  if (awsAccountId === '' || awsAccountRegion === '' || eventSourceSuffix === '') return undefined;
  const to = {
    awsAccountId: desired.awsAccountId,
    awsAccountRegion: desired.awsAccountRegion,
    eventSourceSuffix: desired.eventSourceSuffix,
  };
  if (
    awsAccountId === to.awsAccountId &&
    awsAccountRegion === to.awsAccountRegion &&
    eventSourceSuffix === to.eventSourceSuffix
  ) {
    return undefined;
  }
  return { from: { awsAccountId, awsAccountRegion, eventSourceSuffix }, to };
}

function sameSet(a: unknown[], b: string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...right].every((x) => left.has(x));
}
