/**
 * The failure counter in DynamoDB: one item per event key in the idempotency table (partition
 * key `id` = `failure-count#<event key>`, beside Powertools' `genesys-event#…` records), with an
 * atomic `ADD` and the table's TTL attribute `expiration`.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { FAILURE_COUNT_EXPIRES_AFTER_SECONDS } from '../failure-counter.js';
import type { FailureCounter } from '../failure-counter.js';

/** Prefix of the counter items' ids; Powertools' records start with `genesys-event#`. */
export const FAILURE_COUNT_ID_PREFIX = 'failure-count#';

/** Options of {@link DynamoDbFailureCounter}. */
export interface DynamoDbFailureCounterOptions {
  /** The idempotency table (partition key `id` (S), TTL attribute `expiration`). */
  tableName: string;
  client: DynamoDBClient;
  /** Seconds until the TTL attribute `expiration` (default 14 days). */
  expiresAfterSeconds?: number;
}

/**
 * {@link FailureCounter} on DynamoDB.
 *
 * @example
 * const failures = new DynamoDbFailureCounter({ tableName: process.env.IDEMPOTENCY_TABLE_NAME!, client });
 * if ((await failures.increment(event.key)) >= 9) deadLetter(event);
 */
export class DynamoDbFailureCounter implements FailureCounter {
  readonly #doc: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #expiresAfterSeconds: number;

  constructor(options: DynamoDbFailureCounterOptions) {
    this.#table = options.tableName;
    this.#doc = DynamoDBDocumentClient.from(options.client);
    this.#expiresAfterSeconds = options.expiresAfterSeconds ?? FAILURE_COUNT_EXPIRES_AFTER_SECONDS;
  }

  async increment(key: string): Promise<number> {
    const { Attributes } = await this.#doc.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: { id: FAILURE_COUNT_ID_PREFIX + key },
        UpdateExpression: 'ADD failures :one SET expiration = :expiration',
        ExpressionAttributeValues: {
          ':one': 1,
          ':expiration': Math.floor(Date.now() / 1000) + this.#expiresAfterSeconds,
        },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(Attributes?.failures ?? 1);
  }

  async reset(key: string): Promise<void> {
    await this.#doc.send(new DeleteCommand({ TableName: this.#table, Key: { id: FAILURE_COUNT_ID_PREFIX + key } }));
  }
}
