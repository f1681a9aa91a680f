/**
 * The directory in DynamoDB (the AWS deployment's directory table): partition key `kind` (S),
 * sort key `id` (S).
 *
 * | item | `kind` | `id` | other attributes |
 * | --- | --- | --- | --- |
 * | an entry | `queue`, `user`, … | the Genesys id | `name`, `attributes` (map), `updatedAt`, `removedAt` |
 * | a kind's sync state | `#sync` | the kind | `source`, `lastAttemptAt`, `lastSuccessAt`, `lastError`, `listed` |
 * | an id the API did not have | `#missing` | `<kind>#<id>` | `checkedAt`, `expiresAt` (TTL, epoch s) |
 *
 * One query reads a kind; `BatchGetItem` reads ids (100 a call), `BatchWriteItem` writes (25 a
 * call); unprocessed keys and items are sent again with backoff (DynamoDB returns them under
 * throttling instead of failing the call).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { compactAttributes, DIRECTORY_KINDS, isDirectoryKind } from '../entry.js';
import type { DirectoryEntry, DirectoryKind } from '../entry.js';
import type { DirectoryStore, DirectorySyncState } from '../ports.js';
import { DirectoryStoreError } from '../errors.js';

const SYNC = '#sync';
const MISSING = '#missing';
const MAX_ROUNDS = 8;

/** Options of {@link DynamoDbDirectoryStore}. */
export interface DynamoDbDirectoryStoreOptions {
  tableName: string;
  client: DynamoDBClient;
  /** Sleep between rounds of unprocessed items (tests pass a fast one). Default: real time. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * {@link DirectoryStore} on DynamoDB, plus the table-wide memory of ids the API did not have
 * (so that many Lambda instances do not each ask the API about the same unknown id).
 *
 * @example
 * const store = new DynamoDbDirectoryStore({ tableName: process.env.DIRECTORY_TABLE_NAME!, client });
 * const directory = await Directory.open({ store, preload: false });
 */
export class DynamoDbDirectoryStore implements DirectoryStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(options: DynamoDbDirectoryStoreOptions) {
    this.#table = options.tableName;
    this.#doc = DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async all(kind?: DirectoryKind): Promise<DirectoryEntry[]> {
    const out: DirectoryEntry[] = [];
    for (const k of kind ? [kind] : DIRECTORY_KINDS)
      for (const item of await this.#query(k)) out.push(...toEntry(item));
    return out;
  }

  async get(kind: DirectoryKind, ids: readonly string[]): Promise<DirectoryEntry[]> {
    const items = await this.#batchGet(ids.map((id) => ({ kind, id })));
    return items.flatMap(toEntry);
  }

  async put(entries: readonly DirectoryEntry[]): Promise<void> {
    await this.#batchWrite(
      entries.map((e) => ({
        kind: e.kind,
        id: e.id,
        name: e.name,
        attributes: compactAttributes(e.attributes),
        updatedAt: e.updatedAt,
        ...(e.removedAt !== undefined ? { removedAt: e.removedAt } : {}),
      })),
    );
  }

  async syncStates(): Promise<DirectorySyncState[]> {
    return (await this.#query(SYNC)).flatMap((item) => {
      const kind = item.id;
      if (!isDirectoryKind(kind)) return [];
      const { kind: _k, id: _id, ...rest } = item;
      return [{ ...(rest as Omit<DirectorySyncState, 'kind'>), kind }];
    });
  }

  async putSyncState(state: DirectorySyncState): Promise<void> {
    const { kind, ...rest } = state;
    await this.#doc.send(new PutCommand({ TableName: this.#table, Item: { kind: SYNC, id: kind, ...rest } }));
  }

  /** The ids among `ids` that were checked and missing since `since` (epoch ms). */
  async recentlyMissing(kind: DirectoryKind, ids: readonly string[], since: number): Promise<Set<string>> {
    const items = await this.#batchGet(ids.map((id) => ({ kind: MISSING, id: `${kind}#${id}` })));
    return new Set(
      items
        .filter((i) => typeof i.checkedAt === 'number' && i.checkedAt >= since)
        .map((i) => i.id.slice(kind.length + 1)),
    );
  }

  /** Remembers that the API did not have `ids` (until `expiresAt`, epoch ms; the table's TTL removes the items). */
  async markMissing(kind: DirectoryKind, ids: readonly string[], checkedAt: number, expiresAt: number): Promise<void> {
    await this.#batchWrite(
      ids.map((id) => ({ kind: MISSING, id: `${kind}#${id}`, checkedAt, expiresAt: Math.ceil(expiresAt / 1000) })),
    );
  }

  async #query(kind: string): Promise<Array<Record<string, unknown> & { id: string }>> {
    const items: Array<Record<string, unknown> & { id: string }> = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#doc.send(
        new QueryCommand({
          TableName: this.#table,
          KeyConditionExpression: '#kind = :kind',
          ExpressionAttributeNames: { '#kind': 'kind' },
          ExpressionAttributeValues: { ':kind': kind },
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...((page.Items ?? []) as Array<Record<string, unknown> & { id: string }>));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  async #batchGet(keys: Array<{ kind: string; id: string }>): Promise<Array<Record<string, unknown> & { id: string }>> {
    const out: Array<Record<string, unknown> & { id: string }> = [];
    const unique = [...new Map(keys.map((k) => [`${k.kind}\u0000${k.id}`, k])).values()];
    for (let i = 0; i < unique.length; i += 100) {
      let pending: Array<Record<string, unknown>> = unique.slice(i, i + 100);
      for (let round = 0; pending.length; round++) {
        if (round >= MAX_ROUNDS)
          throw new DirectoryStoreError(`DynamoDB kept ${pending.length} keys of ${this.#table} unprocessed.`);
        if (round) await this.#sleep(50 * 2 ** round);
        const answer = await this.#doc.send(
          new BatchGetCommand({ RequestItems: { [this.#table]: { Keys: pending } } }),
        );
        out.push(...((answer.Responses?.[this.#table] ?? []) as Array<Record<string, unknown> & { id: string }>));
        pending = answer.UnprocessedKeys?.[this.#table]?.Keys ?? [];
      }
    }
    return out;
  }

  async #batchWrite(items: Array<Record<string, unknown>>): Promise<void> {
    for (let i = 0; i < items.length; i += 25) {
      let pending = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      for (let round = 0; pending.length; round++) {
        if (round >= MAX_ROUNDS)
          throw new DirectoryStoreError(`DynamoDB kept ${pending.length} writes to ${this.#table} unprocessed.`);
        if (round) await this.#sleep(50 * 2 ** round);
        const answer = await this.#doc.send(new BatchWriteCommand({ RequestItems: { [this.#table]: pending } }));
        pending = (answer.UnprocessedItems?.[this.#table] ?? []) as typeof pending;
      }
    }
  }
}

function toEntry(item: Record<string, unknown>): DirectoryEntry[] {
  const { kind, id, name, attributes, updatedAt, removedAt } = item;
  if (!isDirectoryKind(kind) || typeof id !== 'string' || typeof name !== 'string') return [];
  const entry: DirectoryEntry = {
    kind,
    id,
    name,
    attributes: (attributes ?? {}) as DirectoryEntry['attributes'],
    updatedAt: typeof updatedAt === 'number' ? updatedAt : 0,
  };
  if (typeof removedAt === 'number') entry.removedAt = removedAt;
  return [entry];
}
