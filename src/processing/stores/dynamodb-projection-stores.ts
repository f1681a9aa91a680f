/**
 * The projections besides conversations on DynamoDB: agent state, audit log, transcripts,
 * generic events — one table each, written without transactions (so they run on dynalite too),
 * idempotent and order-insensitive by construction.
 *
 * | table | partition key | sort key | items |
 * | --- | --- | --- | --- |
 * | agent state | `userId` | `sk` | `FACT#<dimension>#<since, 15 digits>#<state>`: one per distinct fact (a put of the same fact writes the same item); `CURRENT#<dimension>`: the current state, replaced only by a later `(since, fact id)` (condition `attribute_not_exists(since) OR since < :since OR (since = :since AND factId < :id)`) |
 * | audit log | `entity` (`<entityType>#<entityId>`) | `sk` (`<ISO time>#<event key>`) | one per distinct event; indexes `byUser` (`userId`, `sk`) and `byEntityType` (`entityType`, `sk`) |
 * | transcripts | `conversationId` | `sk` (`UTT#<utteranceId>`) | one per utterance, replaced only by a report of higher rank (condition `attribute_not_exists(#rank) OR #rank < :rank`) |
 * | generic events | `stream` (`<topic>#<entityId or ->`) | `sk` (`<ISO time>#<event key>`) | one per distinct event; index `byTopic` (`topic`, `sk`) |
 *
 * Write units per event (items up to 1 KB; DynamoDB charges one WCU per started KB, a failed
 * conditional write included): agent state 2 per fact (a presence or routing status event has
 * one fact, an activity event up to two), audit 1 plus 1 per index, transcription 1 per utterance,
 * generic 1 plus 1 for the index. `genesys-pipeline plan` counts them.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { projectAgent } from '../agent-state.js';
import type { AgentStateFact, AgentStateWithHistory } from '../agent-state.js';
import type { AuditLogEntry, AuditQuery } from '../audit-log.js';
import type { GenericEventQuery, GenericEventRecord } from '../generic-events.js';
import { compareUtterances, utteranceRank } from '../transcripts.js';
import type { Transcript, Utterance } from '../transcripts.js';
import type { AgentStateStore, AuditLogStore, GenericEventStore, TranscriptStore } from './projection-stores.js';

/** Names of the audit log table's indexes. */
export const AUDIT_INDEXES = { byUser: 'byUser', byEntityType: 'byEntityType' } as const;
/** Name of the generic event table's index by topic. */
export const GENERIC_EVENTS_BY_TOPIC_INDEX = 'byTopic';

/** Options of the DynamoDB projection stores. */
export interface DynamoDbProjectionStoreOptions {
  tableName: string;
  /** A DynamoDB client (wrapped in a document client here). */
  client: DynamoDBClient;
}

function documentClient(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** `2026-01-01T12:00:00.000Z#<key>`: sorts by time, unique per event. */
function timeKey(time: number, key: string): string {
  return `${new Date(time).toISOString()}#${key}`;
}

/** Every item of a query, all pages. */
async function queryAll(
  doc: DynamoDBDocumentClient,
  input: QueryCommandInput,
  limit = Number.POSITIVE_INFINITY,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    for (const item of page.Items ?? []) {
      items.push(item);
      if (items.length >= limit) return items;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** A write whose condition says a later value is already there: nothing to do. */
async function unlessSuperseded(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

/**
 * {@link AgentStateStore} on DynamoDB.
 *
 * @example
 * const agents = new DynamoDbAgentStateStore({ tableName: process.env.AGENT_STATE_TABLE_NAME!, client: new DynamoDBClient({}) });
 * await agents.applyFacts(agentFactsOf(event));
 */
export class DynamoDbAgentStateStore implements AgentStateStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(options: DynamoDbProjectionStoreOptions) {
    this.#table = options.tableName;
    this.#doc = documentClient(options.client);
  }

  async applyFacts(facts: readonly AgentStateFact[]): Promise<void> {
    for (const fact of facts) {
      await this.#doc.send(
        new PutCommand({
          TableName: this.#table,
          Item: { userId: fact.userId, sk: `FACT#${fact.id}`, fact },
        }),
      );
      await unlessSuperseded(
        this.#doc.send(
          new UpdateCommand({
            TableName: this.#table,
            Key: { userId: fact.userId, sk: `CURRENT#${fact.dimension}` },
            UpdateExpression: 'SET #since = :since, #factId = :id, #fact = :fact',
            ConditionExpression:
              'attribute_not_exists(#since) OR #since < :since OR (#since = :since AND #factId < :id)',
            ExpressionAttributeNames: { '#since': 'since', '#factId': 'factId', '#fact': 'fact' },
            ExpressionAttributeValues: { ':since': fact.since, ':id': fact.id, ':fact': fact },
          }),
        ),
      );
    }
  }

  async get(userId: string): Promise<AgentStateWithHistory | undefined> {
    const items = await queryAll(this.#doc, {
      TableName: this.#table,
      KeyConditionExpression: 'userId = :u AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':u': userId, ':prefix': 'FACT#' },
      ProjectionExpression: 'fact',
      ConsistentRead: true,
    });
    if (items.length === 0) return undefined;
    return projectAgent(
      userId,
      items.map((item) => item.fact as AgentStateFact),
    );
  }
}

/**
 * {@link AuditLogStore} on DynamoDB. A query names an entity (type and id), a user, or an entity
 * type (each through its key or index), optionally a time range.
 *
 * @example
 * await audits.query({ entityType: 'Queue', entityId: '7c1…', from: Date.parse('2026-01-01'), limit: 50 });
 */
export class DynamoDbAuditLogStore implements AuditLogStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(options: DynamoDbProjectionStoreOptions) {
    this.#table = options.tableName;
    this.#doc = documentClient(options.client);
  }

  async put(entry: AuditLogEntry): Promise<void> {
    await this.#doc.send(
      new PutCommand({
        TableName: this.#table,
        Item: {
          entity: `${entry.entityType}#${entry.entityId}`,
          sk: timeKey(entry.time, entry.key),
          entityType: entry.entityType,
          ...(entry.userId ? { userId: entry.userId } : {}),
          entry,
        },
      }),
    );
  }

  /** @throws {RangeError} for a query that names neither an entity type nor a user (a table scan). */
  async query(query: AuditQuery): Promise<AuditLogEntry[]> {
    let key: { index?: string; name: string; value: string };
    if (query.entityType !== undefined && query.entityId !== undefined)
      key = { name: 'entity', value: `${query.entityType}#${query.entityId}` };
    else if (query.userId !== undefined) key = { index: AUDIT_INDEXES.byUser, name: 'userId', value: query.userId };
    else if (query.entityType !== undefined)
      key = { index: AUDIT_INDEXES.byEntityType, name: 'entityType', value: query.entityType };
    else throw new RangeError('An audit query on DynamoDB names an entity type (and id) or a user.');
    const items = await queryAll(
      this.#doc,
      {
        TableName: this.#table,
        ...(key.index ? { IndexName: key.index } : {}),
        ...timeRange(key.name, key.value, query.from, query.to),
        ScanIndexForward: false,
      },
      Number.POSITIVE_INFINITY,
    );
    // Filters the key did not apply (e.g. a user and an entity type), then the limit.
    return items
      .map((item) => item.entry as AuditLogEntry)
      .filter(
        (e) =>
          (query.entityType === undefined || e.entityType === query.entityType) &&
          (query.entityId === undefined || e.entityId === query.entityId) &&
          (query.userId === undefined || e.userId === query.userId),
      )
      .slice(0, query.limit);
  }
}

/** A key condition on `name = value` and, when given, `sk` within `[from, to)`. */
function timeRange(
  name: string,
  value: string,
  from: number | undefined,
  to: number | undefined,
): Pick<QueryCommandInput, 'KeyConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> {
  const names = { '#k': name };
  const values: Record<string, unknown> = { ':k': value };
  // Sort keys start with the ISO time, then "#": "<to ISO>" sorts before every key of that millisecond.
  if (from !== undefined && to !== undefined) {
    values[':from'] = new Date(from).toISOString();
    values[':to'] = new Date(to).toISOString();
    return {
      KeyConditionExpression: '#k = :k AND sk BETWEEN :from AND :to',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }
  if (from !== undefined) {
    values[':from'] = new Date(from).toISOString();
    return {
      KeyConditionExpression: '#k = :k AND sk >= :from',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }
  if (to !== undefined) {
    values[':to'] = new Date(to).toISOString();
    return {
      KeyConditionExpression: '#k = :k AND sk < :to',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }
  return { KeyConditionExpression: '#k = :k', ExpressionAttributeNames: names, ExpressionAttributeValues: values };
}

/**
 * {@link TranscriptStore} on DynamoDB.
 *
 * @example
 * await transcripts.putUtterances(utterancesOf(event));
 */
export class DynamoDbTranscriptStore implements TranscriptStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(options: DynamoDbProjectionStoreOptions) {
    this.#table = options.tableName;
    this.#doc = documentClient(options.client);
  }

  async putUtterances(utterances: readonly Utterance[]): Promise<void> {
    for (const utterance of utterances) {
      await unlessSuperseded(
        this.#doc.send(
          new PutCommand({
            TableName: this.#table,
            Item: {
              conversationId: utterance.conversationId,
              sk: `UTT#${utterance.utteranceId}`,
              rank: utteranceRank(utterance),
              utterance,
            },
            ConditionExpression: 'attribute_not_exists(#rank) OR #rank < :rank',
            ExpressionAttributeNames: { '#rank': 'rank' },
            ExpressionAttributeValues: { ':rank': utteranceRank(utterance) },
          }),
        ),
      );
    }
  }

  async get(conversationId: string): Promise<Transcript | undefined> {
    const items = await queryAll(this.#doc, {
      TableName: this.#table,
      KeyConditionExpression: 'conversationId = :c AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':c': conversationId, ':prefix': 'UTT#' },
      ProjectionExpression: 'utterance',
      ConsistentRead: true,
    });
    if (items.length === 0) return undefined;
    return { conversationId, utterances: items.map((item) => item.utterance as Utterance).sort(compareUtterances) };
  }
}

/**
 * {@link GenericEventStore} on DynamoDB. A query names a topic (with an entity id: the table's
 * key; without: the `byTopic` index), optionally a time range.
 */
export class DynamoDbGenericEventStore implements GenericEventStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(options: DynamoDbProjectionStoreOptions) {
    this.#table = options.tableName;
    this.#doc = documentClient(options.client);
  }

  async put(record: GenericEventRecord): Promise<void> {
    await this.#doc.send(
      new PutCommand({
        TableName: this.#table,
        Item: {
          stream: `${record.topic}#${record.entityId ?? '-'}`,
          sk: timeKey(record.time, record.key),
          topic: record.topic,
          record,
        },
      }),
    );
  }

  /** @throws {RangeError} for a query without a topic (a table scan). */
  async query(query: GenericEventQuery): Promise<GenericEventRecord[]> {
    if (query.topic === undefined) throw new RangeError('A generic event query on DynamoDB names a topic.');
    const byStream = query.entityId !== undefined;
    const items = await queryAll(
      this.#doc,
      {
        TableName: this.#table,
        ...(byStream ? {} : { IndexName: GENERIC_EVENTS_BY_TOPIC_INDEX }),
        ...timeRange(
          byStream ? 'stream' : 'topic',
          byStream ? `${query.topic}#${query.entityId}` : query.topic,
          query.from,
          query.to,
        ),
        ScanIndexForward: false,
      },
      query.limit,
    );
    return items.map((item) => item.record as GenericEventRecord);
  }
}
