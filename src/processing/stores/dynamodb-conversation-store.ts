/**
 * The conversation projection in DynamoDB.
 *
 * One table, partition key `conversationId`, sort key `sk`: one item `FACT#<event key>` per
 * distinct event (`fact` map). That is all that is written, and it is written once:
 *
 * - **One conditional write per event.** {@link DynamoDbConversationStore.claimFact} puts the fact
 *   on condition `attribute_not_exists(sk)`: it succeeds for the event's first delivery and fails
 *   for every later one, so the write is both the projection's fact and the proof of "first
 *   time" — the processor needs no separate idempotency record for conversation events (see
 *   `claims.ts`). One write unit per event (a fact is well under 1 KB); a duplicate's failed
 *   condition is billed one unit too.
 * - **The figures are folded on read.** {@link DynamoDbConversationStore.get} reads the
 *   conversation's facts (one strongly consistent Query of its partition: a conversation of 30
 *   facts of about 400 bytes is 12 KB, 3 read units) and folds them with `projectConversation`.
 *   A summary item kept up to date on every event would cost one to two write units per event
 *   more (plus a query of the facts to compute it without losing updates), five times what a
 *   read of the facts costs: docs/capacity.md has the figures.
 *
 * Since the projection is a pure fold over the *set* of facts, it does not depend on the order
 * events arrive in, concurrent writers cannot lose an update (each writes only its own item),
 * and a duplicate adds nothing. Items written by earlier versions (`PROJECTION`, a summary with
 * `seq` and `summarySeq`) are ignored.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { assertFact } from '../facts.js';
import type { ConversationFact } from '../facts.js';
import { projectConversation } from '../projection.js';
import type { ConversationProjection } from '../projection.js';
import type { ConversationStore } from './conversation-store.js';

/** Sort key prefix of fact items. */
const FACT_SK_PREFIX = 'FACT#';

/** Options of {@link DynamoDbConversationStore}. */
export interface DynamoDbConversationStoreOptions {
  tableName: string;
  /** A DynamoDB client (wrapped in a document client here). */
  client: DynamoDBClient;
}

/**
 * {@link ConversationStore} on DynamoDB.
 *
 * @example
 * const store = new DynamoDbConversationStore({ tableName: process.env.CONVERSATIONS_TABLE_NAME!, client: new DynamoDBClient({}) });
 * const projection = await store.applyFact(factOf(event));
 */
export class DynamoDbConversationStore implements ConversationStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(options: DynamoDbConversationStoreOptions) {
    this.#table = options.tableName;
    this.#doc = DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
  }

  /**
   * Puts the fact if its event was never applied: `true` when this call stored it, `false` when
   * it was already there (a duplicate; nothing changes). One conditional `PutItem`.
   */
  async claimFact(fact: ConversationFact): Promise<boolean> {
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#table,
          Item: { conversationId: fact.conversationId, sk: FACT_SK_PREFIX + fact.key, fact },
          ConditionExpression: 'attribute_not_exists(sk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async addFact(fact: ConversationFact): Promise<void> {
    await this.claimFact(fact);
  }

  async applyFact(fact: ConversationFact): Promise<ConversationProjection> {
    await this.claimFact(fact);
    return projectConversation(await this.#facts(fact.conversationId));
  }

  async get(conversationId: string): Promise<ConversationProjection | undefined> {
    const facts = await this.#facts(conversationId);
    return facts.length === 0 ? undefined : projectConversation(facts);
  }

  /** Every fact of a conversation (strongly consistent, all pages). */
  async #facts(conversationId: string): Promise<ConversationFact[]> {
    const facts: ConversationFact[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#doc.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: 'conversationId = :c AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':c': conversationId, ':prefix': FACT_SK_PREFIX },
          ProjectionExpression: 'fact',
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? [])
        facts.push(assertFact(item.fact, `table ${this.#table}, conversation ${conversationId}`));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return facts;
  }
}
