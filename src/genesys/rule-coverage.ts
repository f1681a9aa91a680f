/**
 * Does the deployed pipeline forward what the integration sends? The topics Genesys is told to
 * send reach the partner event bus (and its archive) whatever the rules say; a topic no rule
 * matches is archived and never processed. This check reads the bus's rules
 * (`ListRules --event-bus-name <partner event source name>`, whose answer holds each rule's
 * `EventPattern`) and tests a sample event of each topic against every enabled rule with the
 * project's own EventBridge pattern matcher — offline, as `aws events test-event-pattern` answers.
 * The matcher is given (`options.testEventPattern`; the CLI passes the one of
 * `genesys-event-pipeline/eventbridge`), so Genesys code does not depend on the bus's.
 *
 * Credentials come from the AWS SDK's default provider chain; without any, or without the bus,
 * the result says so and how to check by hand.
 */
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { hasAwsCredentials } from './aws-partner-source.js';
import { errorMessage } from '../shared/index.js';

/** The result of {@link checkRuleCoverage}. */
export type RuleCoverage =
  | {
      checked: true;
      /** The bus's rules (enabled or not), by name. */
      rules: { name: string; state: string }[];
      /** The topics no enabled rule on the bus matches: sent by Genesys, archived, never processed. */
      unforwarded: string[];
    }
  | {
      checked: false;
      /** Why not: no credentials, no bus yet, or the AWS call failed. */
      reason: string;
      /** AWS CLI commands that check the same by hand. */
      howToCheck: string[];
    };

/** Options of {@link checkRuleCoverage}. */
export interface RuleCoverageOptions {
  /** An EventBridge client (default: a new one for `region`, default credential chain). */
  client?: EventBridgeClient;
  /** EventBridge's pattern matching: does `event` match the rule's `pattern` (JSON text)? May throw on a pattern it cannot read. */
  testEventPattern: (pattern: string, event: object) => boolean;
}

/**
 * The topics among `topics` that no enabled rule on the partner event bus `sourceName` forwards.
 *
 * @example
 * await checkRuleCoverage('aws.partner/genesys.com/cloud/6f1d…/prod', 'eu-west-1', '123456789012', ['v2.users.{id}.presence'], { testEventPattern })
 * // → { checked: true, rules: [{ name: 'GenesysEventPipeline-Rule…', state: 'ENABLED' }], unforwarded: ['v2.users.{id}.presence'] }
 */
export async function checkRuleCoverage(
  sourceName: string,
  region: string,
  accountId: string,
  topics: readonly string[],
  options: RuleCoverageOptions,
): Promise<RuleCoverage> {
  const howToCheck = [
    `aws events list-rules --event-bus-name ${sourceName} --region ${region}`,
    `aws events test-event-pattern --event-pattern <a rule's EventPattern> --event '{"id":"1","account":"${accountId}","source":"${sourceName}","time":"2026-01-01T00:00:00Z","region":"${region}","resources":[],"detail-type":"<topic>","detail":{}}'`,
  ];
  // Loaded on demand: only setup and status need the AWS SDK, and it is slow to load.
  const { EventBridgeClient, ListRulesCommand } = await import('@aws-sdk/client-eventbridge');
  const client = options.client ?? new EventBridgeClient({ region });
  try {
    if (!(await hasAwsCredentials(client))) {
      return {
        checked: false,
        reason: `No AWS credentials found (default provider chain), so the rules on ${sourceName} could not be read.`,
        howToCheck,
      };
    }
    const rules: { name: string; state: string; pattern?: string }[] = [];
    let nextToken: string | undefined;
    try {
      do {
        const page = await client.send(new ListRulesCommand({ EventBusName: sourceName, NextToken: nextToken }));
        for (const rule of page.Rules ?? [])
          rules.push({
            name: rule.Name ?? '',
            state: rule.State ?? 'ENABLED',
            ...(rule.EventPattern ? { pattern: rule.EventPattern } : {}),
          });
        nextToken = page.NextToken;
      } while (nextToken);
    } catch (error) {
      if (error instanceof Error && error.name === 'ResourceNotFoundException') {
        return {
          checked: false,
          reason: `There is no event bus ${sourceName} in ${region} yet: deploy the pipeline with these topics (-c topics=…, docs/deploy.md); until then Genesys's events are dropped.`,
          howToCheck,
        };
      }
      throw error;
    }
    const enabled = rules.filter((r) => r.state === 'ENABLED' && r.pattern !== undefined);
    const unforwarded = topics.filter(
      (topic) =>
        !enabled.some((rule) =>
          matches(options.testEventPattern, rule.pattern!, sampleEvent(topic, sourceName, region, accountId)),
        ),
    );
    return { checked: true, rules: rules.map(({ name, state }) => ({ name, state })), unforwarded };
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    const message = errorMessage(error);
    return { checked: false, reason: `Reading the rules failed: ${name}: ${message}`, howToCheck };
  } finally {
    if (!options.client) client.destroy();
  }
}

/** An event of `topic` as Genesys delivers it (its ids made up). */
function sampleEvent(topic: string, source: string, region: string, account: string): object {
  return {
    version: '0',
    id: '00000000-0000-4000-8000-000000000000',
    'detail-type': topic,
    source,
    account,
    time: '2026-01-01T00:00:00Z',
    region,
    resources: [],
    detail: {
      topicName: topic.replaceAll('{id}', '00000000-0000-4000-8000-000000000001'),
      version: '2',
      eventBody: {},
    },
  };
}

/** A rule pattern this matcher cannot read matches nothing it can vouch for. */
function matches(testEventPattern: RuleCoverageOptions['testEventPattern'], pattern: string, event: object): boolean {
  try {
    return testEventPattern(pattern, event);
  } catch {
    return false;
  }
}
