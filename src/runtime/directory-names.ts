/**
 * The runtime's read ports with names beside the ids: the conversation routes answer each
 * projection with a `names` object, and the contact-centre figures (dashboard, `/api/stats`) give
 * each waiting queue its `queueName`. Nothing stored changes: names are looked up at each read.
 */
import { conversationNames } from '../directory/names.js';
import type { NameSource, NamedConversationIds } from '../directory/names.js';
import type { ContactCentreFigures, ContactCentreSource } from '../telemetry/contact-centre.js';
import type { ConversationQueries } from '../processing/stores/conversation-queries.js';

/**
 * `queries` whose answers carry `names: { queues, users, wrapupCodes }` beside the ids.
 *
 * @example
 * createHttpRoutes({ telemetry, conversations: withConversationNames(queries, directory) });
 */
export function withConversationNames(queries: ConversationQueries, names: NameSource): ConversationQueries {
  const named = (conversation: unknown): unknown =>
    conversation && typeof conversation === 'object'
      ? { ...conversation, names: conversationNames(names, conversation as NamedConversationIds) }
      : conversation;
  return {
    get: async (id) => named(await queries.get(id)),
    list: async (query) => (await queries.list(query)).map(named),
  };
}

/** `source` whose waiting queues carry their `queueName` when the directory knows it. */
export function withQueueNames(source: ContactCentreSource, names: NameSource): ContactCentreSource {
  const named = (figures: ContactCentreFigures): ContactCentreFigures => ({
    ...figures,
    waitingByQueue: figures.waitingByQueue.map((q) => {
      const queueName = q.queueName ?? names.nameOf('queue', q.queueId);
      return queueName === undefined ? q : { ...q, queueName };
    }),
  });
  return {
    contactCentreFigures: () => {
      const figures = source.contactCentreFigures();
      return figures instanceof Promise ? figures.then(named) : named(figures);
    },
  };
}
