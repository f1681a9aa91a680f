/**
 * The Genesys partner event source: its name, and the checks that catch a wrong org id, suffix
 * or topic list at synth time instead of as a bus that never receives an event.
 *
 * Genesys creates the partner event source `aws.partner/genesys.com/cloud/<orgId>/<suffix>` in
 * the AWS account; the event bus must carry exactly that name (and `EventSourceName`) for the
 * source to leave PENDING. Events arrive with `source` equal to that name and `detail-type`
 * equal to the generic topic (`v2.detail.events.conversation.{id}.acd.end`).
 */
import { validateTopics } from '../../src/events/index.js';
import { GENESYS_PARTNER_SOURCE_PREFIX, partnerEventSourceName } from '../../src/genesys/index.js';

export { GENESYS_PARTNER_SOURCE_PREFIX, partnerEventSourceName };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The integration's `eventSourceSuffix`: at most 64 letters, digits, `.`, `-`, `_`. */
const SUFFIX = /^[A-Za-z0-9._-]{1,64}$/;

/** The org id and suffix that make up a partner event source name. */
export interface PartnerEventSource {
  /** The full name, `aws.partner/genesys.com/cloud/<orgId>/<suffix>`. */
  name: string;
  /** The Genesys Cloud organization id (a UUID, from `GET /api/v2/organizations/me`). */
  orgId: string;
  /** The integration's `eventSourceSuffix`. */
  suffix: string;
}

/** What a caller may give to name the source: the full name, or the org id and suffix. */
export interface PartnerEventSourceInput {
  partnerEventSourceName?: string;
  orgId?: string;
  eventSourceSuffix?: string;
}

/**
 * Works out the partner event source from either its full name or the org id and suffix, and
 * appends a message to `problems` for each thing wrong with them.
 *
 * @example
 * resolvePartnerEventSource({ orgId: '0c5c…', eventSourceSuffix: 'prod' }, problems)
 * // → { name: 'aws.partner/genesys.com/cloud/0c5c…/prod', orgId: '0c5c…', suffix: 'prod' }
 */
export function resolvePartnerEventSource(input: PartnerEventSourceInput, problems: string[]): PartnerEventSource {
  let { orgId, eventSourceSuffix: suffix } = input;
  const fullName = input.partnerEventSourceName?.trim();
  if (fullName) {
    if (!fullName.startsWith(GENESYS_PARTNER_SOURCE_PREFIX)) {
      problems.push(
        `partnerEventSourceName "${fullName}" is not a Genesys Cloud partner event source: it must start with "${GENESYS_PARTNER_SOURCE_PREFIX}" ` +
          '(copy it from `genesys-pipeline setup` or the EventBridge console → Partner event sources).',
      );
    } else {
      const [fromOrg = '', fromSuffix = '', ...extra] = fullName.slice(GENESYS_PARTNER_SOURCE_PREFIX.length).split('/');
      if (extra.length) {
        problems.push(
          `partnerEventSourceName "${fullName}" has ${extra.length} path segment(s) too many; the form is ${GENESYS_PARTNER_SOURCE_PREFIX}<orgId>/<suffix>.`,
        );
      }
      if (orgId !== undefined && orgId !== fromOrg) {
        problems.push(
          `orgId "${orgId}" differs from the org id in partnerEventSourceName ("${fromOrg}"); give one or the other.`,
        );
      }
      if (suffix !== undefined && suffix !== fromSuffix) {
        problems.push(
          `eventSourceSuffix "${suffix}" differs from the suffix in partnerEventSourceName ("${fromSuffix}"); give one or the other.`,
        );
      }
      orgId = fromOrg;
      suffix = fromSuffix;
    }
  }
  if (!orgId) {
    problems.push(
      'orgId is missing: give the Genesys Cloud organization id (GET /api/v2/organizations/me → id), or partnerEventSourceName.',
    );
  } else if (!UUID.test(orgId)) {
    problems.push(
      `orgId "${orgId}" is not a Genesys Cloud organization id (a UUID such as 0c5c1f0e-2b1a-4c3d-9e8f-1a2b3c4d5e6f).`,
    );
  }
  if (!suffix) {
    problems.push(
      'eventSourceSuffix is missing: give the suffix configured on the Genesys EventBridge integration, or partnerEventSourceName.',
    );
  } else if (!SUFFIX.test(suffix)) {
    problems.push(
      `eventSourceSuffix "${suffix}" is invalid: use at most 64 letters, digits, ".", "-" or "_" (the Genesys integration rejects anything else).`,
    );
  }
  const o = orgId ?? '';
  const s = suffix ?? '';
  return { name: partnerEventSourceName(o, s), orgId: o, suffix: s };
}

/**
 * Validates and normalizes the topic list with the event model's catalogue; appends one message
 * per bad topic (with the closest known names) to `problems`.
 *
 * @returns the generic topic names, duplicates removed, in the order given.
 */
export function resolveTopics(topics: readonly string[], problems: string[]): string[] {
  if (topics.length === 0) {
    problems.push(
      'topics is empty: give at least one topic, e.g. "customer.start,customer.end,acd.end" (short names) or generic names.',
    );
    return [];
  }
  const result = validateTopics(topics);
  if (!result.ok) {
    for (const p of result.problems) {
      problems.push(`topics: ${p.message}`);
    }
  }
  const length = rulePatternLength(result.topics);
  if (length > MAX_EVENT_PATTERN_CHARACTERS) {
    problems.push(
      `topics: the rule's event pattern would be ${length} characters, over EventBridge's ${MAX_EVENT_PATTERN_CHARACTERS} (the quota's highest value); forward fewer topics, or split them over two pipelines.`,
    );
  }
  return result.topics;
}

/**
 * EventBridge's event pattern size: 2,048 characters by default, adjustable up to 4,096 (Amazon
 * EventBridge quotas, "Event pattern size"). The construct warns above the default, fails above the
 * highest value.
 */
export const DEFAULT_EVENT_PATTERN_CHARACTERS = 2048;
/** See {@link DEFAULT_EVENT_PATTERN_CHARACTERS}. */
export const MAX_EVENT_PATTERN_CHARACTERS = 4096;

/** The length of the rule's event pattern for these topics (the source prefix of a UUID org id included). */
export function rulePatternLength(topics: readonly string[]): number {
  const source = `${GENESYS_PARTNER_SOURCE_PREFIX}00000000-0000-0000-0000-000000000000/`;
  return JSON.stringify({ source: [{ prefix: source }], 'detail-type': topics }).length;
}
