/**
 * The runtime's read ports with names beside the ids: the conversation routes answer each
 * projection with a `names` object, the agent routes give each agent its `name` (and its presence
 * definition's `presenceDefinitionName`), and the contact-centre figures (dashboard, `/api/stats`)
 * give each waiting queue its `queueName`. Nothing stored changes: names are looked up at each read.
 */
import { conversationNames } from '../directory/names.js';
import type { NameSource, NamedConversationIds } from '../directory/names.js';
import type { ContactCentreFigures, ContactCentreSource } from '../telemetry/contact-centre.js';
import type { ConversationQueries } from '../processing/stores/conversation-queries.js';
import type { AgentState } from '../processing/agent-state.js';
import type { ProjectionQueries } from '../processing/stores/projection-queries.js';

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

/**
 * `projections` whose agents (`/api/agents`, `/api/agents/:userId`) carry the user's `name` and
 * their presence's `presenceDefinitionName` when the directory knows them.
 *
 * @example
 * createHttpRoutes({ telemetry, conversations, projections: withAgentNames(projections, directory) });
 */
export function withAgentNames(projections: ProjectionQueries, names: NameSource): ProjectionQueries {
  const named = <T extends AgentState>(agent: T): T => {
    const name = names.nameOf('user', agent.userId);
    const definitionId = agent.presence?.presenceDefinitionId;
    const definitionName = definitionId === undefined ? undefined : names.nameOf('presenceDefinition', definitionId);
    return {
      ...agent,
      ...(name === undefined ? {} : { name }),
      ...(definitionName === undefined || !agent.presence
        ? {}
        : { presence: { ...agent.presence, presenceDefinitionName: definitionName } }),
    };
  };
  return {
    listAgents: async () => (await projections.listAgents()).map(named),
    getAgent: async (userId) => {
      const agent = await projections.getAgent(userId);
      return agent === undefined ? undefined : named(agent);
    },
    agentStatusCounts: () => projections.agentStatusCounts(),
    queryAudits: (query) => projections.queryAudits(query),
    getTranscript: (conversationId) => projections.getTranscript(conversationId),
    queryEvents: (query) => projections.queryEvents(query),
  };
}
