/**
 * Names resolved when read: the projections keep ids (the key everywhere); what is shown gets the
 * names beside them, so a rename shows everywhere at once and nothing stored is rewritten.
 */
import type { DirectoryKind } from './entry.js';

/** Where read-time names come from (a `Directory` is one: `nameOf` answers from memory). */
export interface NameSource {
  nameOf(kind: DirectoryKind, id: string): string | undefined;
}

/** Names beside a conversation projection's ids, by kind (only ids whose name is known). */
export interface ConversationNames {
  queues: Record<string, string>;
  users: Record<string, string>;
  wrapupCodes: Record<string, string>;
}

/** The ids of a conversation projection that have names. */
export interface NamedConversationIds {
  queueIds?: readonly string[];
  userIds?: readonly string[];
  wrapupCodes?: readonly string[];
  waitingQueueId?: string;
}

/**
 * The names of a projection's queues, agents and wrap-up codes.
 *
 * @example
 * conversationNames(directory, projection)
 * // → { queues: { '7dd3…': 'Voice - Billing' }, users: { 'a1f0…': 'Amara Adeyemi' }, wrapupCodes: { … } }
 */
export function conversationNames(names: NameSource, conversation: NamedConversationIds): ConversationNames {
  const pick = (kind: DirectoryKind, ids: Iterable<string>): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const id of ids) {
      const name = names.nameOf(kind, id);
      if (name !== undefined) out[id] = name;
    }
    return out;
  };
  const queueIds = new Set(conversation.queueIds ?? []);
  if (conversation.waitingQueueId) queueIds.add(conversation.waitingQueueId);
  return {
    queues: pick('queue', queueIds),
    users: pick('user', conversation.userIds ?? []),
    wrapupCodes: pick('wrapupCode', conversation.wrapupCodes ?? []),
  };
}
