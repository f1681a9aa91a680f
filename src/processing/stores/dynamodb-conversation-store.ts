/**
 * The conversation projection in DynamoDB.
 *
 * One table, partition key `conversationId`, sort key `sk`:
 *
 * - `FACT#<event key>` — one item per distinct event (`fact` map). A `PutItem` of the same key
 *   again writes the same item: duplicates change nothing.
 * - `PROJECTION` — the projection's figures as top-level attributes, plus `seq` (a counter of
 *   applied facts) and `summarySeq` (the `seq` the figures were computed at).
 *
 * `applyFact` never loses an update when several writers touch one conversation, without
 * transactions (so it runs on dynalite too):
 *
 * 1. put the fact item;
 * 2. `ADD seq 1` on the projection item → this writer's number `s` (atomic counter);
 * 3. query every fact (strongly consistent) and fold them;
 * 4. write the figures with `summarySeq = s` on condition `summarySeq < s` (or absent).
 *
 * The writer holding the highest `s` took it after every other writer's step 1, so its query in
 * step 3 saw every fact; step 4's condition lets only a higher `s` replace figures. So the
 * stored figures always end as the fold of all facts.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { assertFact } from '../facts.js';
import type { ConversationFact } from '../facts.js';
import { projectConversation } from '../projection.js';
import type { ConversationProjection } from '../projection.js';
import type { ConversationStore } from './conversation-store.js';

/** Sort key of the projection item. */
export const PROJECTION_SK = 'PROJECTION';
/** Sort key prefix of fact items. */
const FACT_SK_PREFIX = 'FACT#';

const PROJECTION_FIELDS = [
  'state',
  'firstEventTime',
  'lastEventTime',
  'mediaType',
  'direction',
  'ani',
  'dnis',
  'queueIds',
  'userIds',
  'queueWaitMs',
  'answered',
  'abandoned',
  'waitingQueueId',
  'interactingMs',
  'talkMs',
  'holdMs',
  'acwMs',
  'handleMs',
  'wrapupCodes',
  'disconnectType',
  'eventCount',
  'eventCounts',
] as const satisfies readonly (keyof ConversationProjection)[];

/** Compile-time check that every projection field is stored: names the field when one is missing above. */
type UnstoredField = Exclude<keyof ConversationProjection, 'conversationId' | (typeof PROJECTION_FIELDS)[number]>;
const everyFieldStored: [UnstoredField] extends [never] ? true : UnstoredField = true;
void everyFieldStored;

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

  async applyFact(fact: ConversationFact): Promise<ConversationProjection> {
    const conversationId = fact.conversationId;
    await this.#doc.send(
      new PutCommand({ TableName: this.#table, Item: { conversationId, sk: FACT_SK_PREFIX + fact.key, fact } }),
    );
    const counter = await this.#doc.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: { conversationId, sk: PROJECTION_SK },
        UpdateExpression: 'ADD #seq :one',
        ExpressionAttributeNames: { '#seq': 'seq' },
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const seq = Number(counter.Attributes?.seq);
    const projection = projectConversation(await this.#facts(conversationId));

    const names: Record<string, string> = { '#summarySeq': 'summarySeq', '#updatedAt': 'updatedAt' };
    const values: Record<string, unknown> = { ':seq': seq, ':now': new Date().toISOString() };
    const sets = ['#summarySeq = :seq', '#updatedAt = :now'];
    const removes: string[] = [];
    PROJECTION_FIELDS.forEach((field, i) => {
      names[`#f${i}`] = field;
      const value = projection[field];
      if (value === undefined) removes.push(`#f${i}`);
      else {
        values[`:f${i}`] = value;
        sets.push(`#f${i} = :f${i}`);
      }
    });
    try {
      await this.#doc.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: { conversationId, sk: PROJECTION_SK },
          UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
          ConditionExpression: 'attribute_not_exists(#summarySeq) OR #summarySeq < :seq',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      // A writer with a later number already stored figures that include this fact.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    return projection;
  }

  async get(conversationId: string): Promise<ConversationProjection | undefined> {
    const { Item } = await this.#doc.send(
      new GetCommand({ TableName: this.#table, Key: { conversationId, sk: PROJECTION_SK }, ConsistentRead: true }),
    );
    if (!Item || Item.summarySeq === undefined) return undefined;
    const projection = { conversationId } as Record<string, unknown>;
    for (const field of PROJECTION_FIELDS) if (Item[field] !== undefined) projection[field] = Item[field];
    return projection as unknown as ConversationProjection;
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
