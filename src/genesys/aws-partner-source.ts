/**
 * The AWS side of the connection: the partner event source Genesys created, and whether an
 * event bus of the same name is associated with it.
 *
 * - `DescribeEventSource` (EventBridge API) gives the source's `State`: `PENDING` (no matching
 *   bus yet, or the bus is deactivated), `ACTIVE` (the bus exists and is active), `DELETED`
 *   (the bus exists but the source was deleted), plus `ExpirationTime` for an unused source.
 * - `DescribeEventBus` with the source name tells whether the bus exists.
 *
 * Credentials come from the AWS SDK's default provider chain; without any, the result says so
 * and gives the AWS CLI commands to check by hand.
 */
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { errorMessage } from '../shared/index.js';

/** The result of {@link checkPartnerSourceInAws}. */
export type AwsPartnerSourceCheck =
  | {
      checked: true;
      /** Absent when the source does not exist (in this account and region). */
      source?: { state?: string; createdBy?: string; creationTime?: string; expirationTime?: string; arn?: string };
      /** Present when an event bus with the source's name exists. */
      bus?: { arn?: string };
      /** What the operator should do next. */
      advice: string;
    }
  | {
      checked: false;
      /** Why not: no credentials, or the AWS call failed. */
      reason: string;
      /** AWS CLI commands that check the same by hand. */
      howToCheck: string[];
    };

/** Options of {@link checkPartnerSourceInAws}. */
export interface AwsPartnerSourceCheckOptions {
  /** An EventBridge client (default: a new one for `region`, default credential chain). */
  client?: EventBridgeClient;
}

/**
 * Looks up the partner event source `sourceName` and its bus in `region`.
 *
 * @example
 * await checkPartnerSourceInAws('aws.partner/genesys.com/cloud/6f1d…/prod', 'us-east-1', '123456789012')
 * // → { checked: true, source: { state: 'PENDING', … }, advice: 'Create the event bus …' }
 */
export async function checkPartnerSourceInAws(
  sourceName: string,
  region: string,
  accountId: string,
  options: AwsPartnerSourceCheckOptions = {},
): Promise<AwsPartnerSourceCheck> {
  const howToCheck = [
    `aws events describe-event-source --name ${sourceName} --region ${region}`,
    `aws events describe-event-bus --name ${sourceName} --region ${region}`,
  ];
  // Loaded on demand: only `status` needs the AWS SDK, and it is slow to load.
  const { DescribeEventBusCommand, DescribeEventSourceCommand, EventBridgeClient } =
    await import('@aws-sdk/client-eventbridge');
  const client = options.client ?? new EventBridgeClient({ region });
  try {
    if (!(await hasAwsCredentials(client))) {
      return {
        checked: false,
        reason: `No AWS credentials found (default provider chain). With credentials for account ${accountId}, check the partner event source in ${region}:`,
        howToCheck,
      };
    }
    let source: Extract<AwsPartnerSourceCheck, { checked: true }>['source'];
    try {
      const answer = await client.send(new DescribeEventSourceCommand({ Name: sourceName }));
      source = {
        ...(answer.State ? { state: answer.State } : {}),
        ...(answer.CreatedBy ? { createdBy: answer.CreatedBy } : {}),
        ...(answer.CreationTime ? { creationTime: answer.CreationTime.toISOString() } : {}),
        ...(answer.ExpirationTime ? { expirationTime: answer.ExpirationTime.toISOString() } : {}),
        ...(answer.Arn ? { arn: answer.Arn } : {}),
      };
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    let bus: { arn?: string } | undefined;
    try {
      const answer = await client.send(new DescribeEventBusCommand({ Name: sourceName }));
      bus = answer.Arn ? { arn: answer.Arn } : {};
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    return {
      checked: true,
      ...(source ? { source } : {}),
      ...(bus ? { bus } : {}),
      advice: adviceFor(sourceName, region, accountId, source, bus),
    };
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    const message = errorMessage(error);
    return { checked: false, reason: `The AWS check failed: ${name}: ${message}`, howToCheck };
  } finally {
    if (!options.client) client.destroy();
  }
}

function adviceFor(
  sourceName: string,
  region: string,
  accountId: string,
  source: { state?: string; expirationTime?: string } | undefined,
  bus: object | undefined,
): string {
  if (!source) {
    return (
      `No partner event source ${sourceName} in ${region} for these AWS credentials. Genesys creates it once the integration is ` +
      `enabled and ACTIVE; check that the credentials are for account ${accountId} and the integration's reported state.`
    );
  }
  switch (source.state) {
    case 'ACTIVE':
      return bus ? 'Connected: the partner event source is ACTIVE and its event bus exists.' : 'The source is ACTIVE.';
    case 'PENDING':
      return bus
        ? 'The bus exists but the source is PENDING: the bus may be deactivated; check it in the EventBridge console.'
        : `The source is PENDING: create the event bus named ${sourceName} with EventSourceName set to it (deploy the pipeline, see docs/deploy.md). ` +
            `Events sent before then are dropped${source.expirationTime ? `; an unused source expires at ${source.expirationTime}` : ''}.`;
    case 'DELETED':
      return 'The source was DELETED (its integration was removed or moved); delete the old bus and run setup again.';
    default:
      return `The source is ${source.state ?? 'in an unknown state'}.`;
  }
}

/** Whether the client's credential provider yields credentials (the SDK's default chain, or the client's own). */
export async function hasAwsCredentials(client: EventBridgeClient): Promise<boolean> {
  try {
    await client.config.credentials();
    return true;
  } catch {
    return false;
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && error.name === 'ResourceNotFoundException';
}
