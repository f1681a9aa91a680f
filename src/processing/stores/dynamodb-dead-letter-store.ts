/**
 * The dead-letter store in DynamoDB: one item per entry, partition key `id` (S). Items carry
 * `expiresAt` (epoch seconds) for the table's TTL.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DeadLetterEntry, DeadLetterStore } from './dead-letter.js';

/** Default lifetime of an entry: 14 days (the longest SQS retention). */
export const DEFAULT_DEAD_LETTER_EXPIRES_AFTER_SECONDS = 14 * 24 * 3600;

/** Options of {@link DynamoDbDeadLetterStore}. */
export interface DynamoDbDeadLetterStoreOptions {
  tableName: string;
  client: DynamoDBClient;
  /** Seconds until the TTL attribute `expiresAt` (default 14 days). */
  expiresAfterSeconds?: number;
}

/**
 * {@link DeadLetterStore} on DynamoDB.
 *
 * @example
 * const deadLetters = new DynamoDbDeadLetterStore({ tableName: process.env.DEAD_LETTER_TABLE_NAME!, client });
 */
export class DynamoDbDeadLetterStore implements DeadLetterStore {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #expiresAfterSeconds: number;

  constructor(options: DynamoDbDeadLetterStoreOptions) {
    this.#table = options.tableName;
    this.#doc = DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
    this.#expiresAfterSeconds = options.expiresAfterSeconds ?? DEFAULT_DEAD_LETTER_EXPIRES_AFTER_SECONDS;
  }

  async put(entry: DeadLetterEntry): Promise<void> {
    const expiresAt = Math.floor(Date.parse(entry.deadLetteredAt) / 1000) + this.#expiresAfterSeconds;
    await this.#doc.send(new PutCommand({ TableName: this.#table, Item: { ...entry, expiresAt } }));
  }

  async list(options: { limit?: number } = {}): Promise<DeadLetterEntry[]> {
    const limit = options.limit ?? 1000;
    const entries: DeadLetterEntry[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.#doc.send(new ScanCommand({ TableName: this.#table, ExclusiveStartKey: startKey }));
      for (const item of page.Items ?? []) {
        const { expiresAt: _expiresAt, ...entry } = item;
        entries.push(entry as DeadLetterEntry);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return entries
      .sort((a, b) => a.deadLetteredAt.localeCompare(b.deadLetteredAt) || a.id.localeCompare(b.id))
      .slice(0, limit);
  }
}
