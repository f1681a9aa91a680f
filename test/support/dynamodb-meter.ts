/**
 * A counting middleware on a real AWS SDK v3 DynamoDB client: every request the code sends, by
 * operation, with the capacity units it consumed — asked of the server with
 * `ReturnConsumedCapacity: TOTAL` (dynalite computes them by DynamoDB's item-size rules, the
 * larger of the old and new item for a write).
 *
 * What dynalite does not report, the meter adds by DynamoDB's billing rules:
 * - a write to a table with global secondary indexes is billed again on each index that holds
 *   the item (the item has the index's key attribute): `indexKeys` names them per table;
 * - a conditional write whose condition fails is billed too; dynalite answers it with an error
 *   and no capacity, so the meter counts one unit (every item this project writes conditionally
 *   is under 1 KB — an assumption the model shares).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand']);
const READS = new Set(['GetItemCommand', 'QueryCommand', 'ScanCommand']);

/** What the code sent through the metered client since it was created (or reset). */
export interface DynamoDbUsage {
  writeRequests: number;
  writeUnits: number;
  readRequests: number;
  readUnits: number;
  /** Conditional writes whose condition failed (billed, counted in `writeUnits`). */
  failedConditions: number;
  /** Requests by command name, e.g. `PutItemCommand`. */
  byCommand: Record<string, number>;
}

/** A meter on one client. */
export interface DynamoDbMeter {
  readonly usage: DynamoDbUsage;
  reset(): void;
}

const empty = (): DynamoDbUsage => ({
  writeRequests: 0,
  writeUnits: 0,
  readRequests: 0,
  readUnits: 0,
  failedConditions: 0,
  byCommand: {},
});

/**
 * Meters `client` from now on.
 *
 * @example
 * const meter = meterDynamoDb(client, { audits: ['userId', 'entityType'] });
 * await store.put(entry);
 * meter.usage.writeUnits // 3: the table and its two indexes
 */
export function meterDynamoDb(
  client: DynamoDBClient,
  indexKeys: Record<string, readonly string[]> = {},
): DynamoDbMeter {
  const meter = { usage: empty(), reset: () => void (meter.usage = empty()) };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName);
      const input = args.input as {
        TableName?: string;
        Item?: Record<string, unknown>;
        ReturnConsumedCapacity?: string;
      };
      const write = WRITES.has(command);
      const read = READS.has(command);
      if (write || read) input.ReturnConsumedCapacity = 'TOTAL';
      const u = meter.usage;
      u.byCommand[command] = (u.byCommand[command] ?? 0) + 1;
      if (write) u.writeRequests++;
      if (read) u.readRequests++;
      // The index copies of a put: one per index whose key the item carries.
      const indexes =
        write && input.Item ? (indexKeys[input.TableName ?? ''] ?? []).filter((k) => k in input.Item!) : [];
      try {
        const result = await next(args);
        const units = Number(
          (result.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity?.CapacityUnits ?? 0,
        );
        if (write) u.writeUnits += units * (1 + indexes.length);
        if (read) u.readUnits += units;
        return result;
      } catch (error) {
        if (write && (error as Error).name === 'ConditionalCheckFailedException') {
          u.failedConditions++;
          u.writeUnits += 1;
        }
        throw error;
      }
    },
    { step: 'initialize', name: 'meterDynamoDb', priority: 'high' },
  );
  return meter;
}
