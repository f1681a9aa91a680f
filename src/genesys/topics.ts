/**
 * The notification topics an org may send to Amazon EventBridge, and the checking of the topics
 * a user asks for against them.
 *
 * `GET /api/v2/notifications/availabletopics?expand=transports` answers
 * `{ entities: [{ id: "v2.detail.events.conversation.{id}.acd.end", description, transports: [...] }] }`
 * (SDK model `AvailableTopicEntityListing` / `AvailableTopic`). `transports` lists how a topic
 * can be delivered: topics only for EventBridge say `["EventBridge"]` (the official developer
 * tools filter those out of their WebSocket tester by `transports[0] === 'EventBridge'`); we
 * treat a topic as available to EventBridge when its transports name `EventBridge` or `All`.
 */
import { z } from 'zod';
import { validateTopics } from '../events/topics.js';
import type { TopicProblem } from '../events/topics.js';
import type { GenesysHttpClient } from './http-client.js';
import { parse } from './integrations-api.js';

/** One available notification topic. */
export interface AvailableTopic {
  /** The generic topic name, with `{id}` placeholders. */
  id: string;
  description?: string;
  /** How it can be delivered (e.g. `EventBridge`, `All`); `undefined` when Genesys did not say. */
  transports?: string[];
}

const availableTopicsSchema = z.looseObject({
  entities: z
    .array(
      z.looseObject({
        id: z.string().min(1),
        description: z.string().optional(),
        transports: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});

/** Every available topic of the org, with its transports (`expand=transports,description`). */
export async function listAvailableTopics(http: GenesysHttpClient): Promise<AvailableTopic[]> {
  const path = '/api/v2/notifications/availabletopics';
  const { body } = await http.request({ method: 'GET', path, query: { expand: 'transports,description' } });
  return (parse(availableTopicsSchema, body, 'GET', path).entities ?? []).map((entity) => ({
    id: entity.id,
    ...(entity.description !== undefined ? { description: entity.description } : {}),
    ...(entity.transports !== undefined ? { transports: entity.transports } : {}),
  }));
}

/**
 * True when the topic can be sent to EventBridge: its transports name `EventBridge` or `All`
 * (any case). A topic without transports information counts as available (Genesys did not say
 * otherwise); {@link resolveEventBridgeTopics} then warns.
 */
export function isEventBridgeTopic(topic: AvailableTopic): boolean {
  if (topic.transports === undefined) return true;
  return topic.transports.some((t) => /^(eventbridge|all)$/i.test(t.trim()));
}

/** The topics available to EventBridge whose id or description contains `filter` (any case). */
export function filterEventBridgeTopics(topics: readonly AvailableTopic[], filter?: string): AvailableTopic[] {
  const needle = filter?.trim().toLowerCase();
  return topics
    .filter(isEventBridgeTopic)
    .filter(
      (t) => !needle || t.id.toLowerCase().includes(needle) || (t.description ?? '').toLowerCase().includes(needle),
    )
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** Result of {@link resolveEventBridgeTopics}. */
export interface TopicResolution {
  /** The normalized generic topic names, in the order given, without duplicates. */
  topics: string[];
  /** Problems, one per bad topic (unknown, concrete id, or not available to EventBridge). */
  problems: TopicProblem[];
  warnings: string[];
}

/**
 * Checks requested topics against the org's available topics. Short conversation topic names
 * (`acd.end`) are expanded to the generic name by `validateTopics`; unknown names get close
 * matches suggested; a known topic that cannot be delivered to EventBridge is a problem of
 * its own.
 *
 * @example
 * resolveEventBridgeTopics(['acd.end'], available).topics
 * // → ['v2.detail.events.conversation.{id}.acd.end']
 */
export function resolveEventBridgeTopics(
  requested: readonly string[],
  available: readonly AvailableTopic[],
): TopicResolution {
  const warnings: string[] = [];
  if (available.length > 0 && available.every((t) => t.transports === undefined)) {
    warnings.push(
      'Genesys Cloud did not report topic transports; EventBridge availability of the topics could not be checked.',
    );
  }
  const eventBridgeIds = available.filter(isEventBridgeTopic).map((t) => t.id);
  const allIds = available.map((t) => t.id);
  const checked = validateTopics(requested, eventBridgeIds);
  if (checked.ok) return { topics: checked.topics, problems: [], warnings };
  const byId = new Map(available.map((t) => [t.id, t]));
  const problems = checked.problems.map((problem): TopicProblem => {
    const again = validateTopics([problem.topic], allIds);
    const known = again.ok ? byId.get(again.topics[0]!) : undefined;
    if (!known) return problem;
    return {
      topic: problem.topic,
      message: `Topic "${known.id}" exists but cannot be delivered to EventBridge (transports: ${(known.transports ?? []).join(', ') || 'none'}).`,
      suggestions: [],
    };
  });
  return { topics: checked.topics, problems, warnings };
}
