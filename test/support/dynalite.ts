/**
 * dynalite (an in-memory DynamoDB) for tests: started on 127.0.0.1, port 0, through its
 * programmatic API, with the tables a test asks for; stopped after the test file.
 *
 * Use the real AWS SDK v3 client it returns (`client`), or point code that builds its own
 * client at it with {@link DynaliteServer.env} (`AWS_ENDPOINT_URL_DYNAMODB` and dummy
 * credentials). dynalite implements conditional writes and `ReturnValues`, but not TTL
 * deletion or transactions.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { afterAll } from 'vitest';
import { FUNCTION_ENV } from '../../src/functions/index.js';

const require = createRequire(import.meta.url);
const dynalite = require('dynalite') as (options: {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;

/** A table to create: hash key and optional range key, both strings; global secondary indexes likewise. */
export interface TableSpec {
  name: string;
  hashKey: string;
  rangeKey?: string;
  indexes?: { name: string; hashKey: string; rangeKey?: string }[];
}

/** A running dynalite. */
export interface DynaliteServer {
  endpoint: string;
  /** A DynamoDB client on this server (region us-east-1, dummy credentials). */
  client: DynamoDBClient;
  /** Environment variables that point an SDK client built elsewhere (e.g. in a Lambda handler) here. */
  env: Record<string, string>;
  createTable(spec: TableSpec): Promise<void>;
  stop(): Promise<void>;
}

/** The tables the pipeline uses, with the keys the CDK stack gives them. */
export const PIPELINE_TABLES = {
  idempotency: (name = 'idempotency'): TableSpec => ({ name, hashKey: 'id' }),
  conversations: (name = 'conversations'): TableSpec => ({ name, hashKey: 'conversationId', rangeKey: 'sk' }),
  deadLetters: (name = 'dead-letters'): TableSpec => ({ name, hashKey: 'id' }),
  agentStates: (name = 'agent-states'): TableSpec => ({ name, hashKey: 'userId', rangeKey: 'sk' }),
  audits: (name = 'audits'): TableSpec => ({
    name,
    hashKey: 'entity',
    rangeKey: 'sk',
    indexes: [
      { name: 'byUser', hashKey: 'userId', rangeKey: 'sk' },
      { name: 'byEntityType', hashKey: 'entityType', rangeKey: 'sk' },
    ],
  }),
  transcripts: (name = 'transcripts'): TableSpec => ({ name, hashKey: 'conversationId', rangeKey: 'sk' }),
  genericEvents: (name = 'generic-events'): TableSpec => ({
    name,
    hashKey: 'stream',
    rangeKey: 'sk',
    indexes: [{ name: 'byTopic', hashKey: 'topic', rangeKey: 'sk' }],
  }),
  directory: (name = 'directory'): TableSpec => ({ name, hashKey: 'kind', rangeKey: 'id' }),
};

/**
 * The processor's tables (idempotency, conversations, dead letters, agent states, audits) named
 * `<prefix>-…`, and the environment that names them to the functions, as the construct sets it.
 *
 * @example
 * const { tables, env } = processorTables('fn');
 * const db = await startDynalite(tables);
 * Object.assign(process.env, db.env, env);
 */
export function processorTables(prefix: string): { tables: TableSpec[]; env: Record<string, string> } {
  const name = (table: string): string => `${prefix}-${table}`;
  return {
    tables: [
      PIPELINE_TABLES.idempotency(name('idempotency')),
      PIPELINE_TABLES.conversations(name('conversations')),
      PIPELINE_TABLES.deadLetters(name('dead-letters')),
      PIPELINE_TABLES.agentStates(name('agents')),
      PIPELINE_TABLES.audits(name('audits')),
    ],
    env: {
      [FUNCTION_ENV.IDEMPOTENCY_TABLE_NAME]: name('idempotency'),
      [FUNCTION_ENV.CONVERSATIONS_TABLE_NAME]: name('conversations'),
      [FUNCTION_ENV.DEAD_LETTER_TABLE_NAME]: name('dead-letters'),
      [FUNCTION_ENV.AGENT_STATE_TABLE_NAME]: name('agents'),
      [FUNCTION_ENV.AUDIT_TABLE_NAME]: name('audits'),
    },
  };
}

/**
 * Starts dynalite and creates `tables`; stops it after all tests of the calling file.
 *
 * @example
 * const db = await startDynalite([PIPELINE_TABLES.conversations()]);
 * const store = new DynamoDbConversationStore({ tableName: 'conversations', client: db.client });
 */
export async function startDynalite(tables: readonly TableSpec[] = []): Promise<DynaliteServer> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 3 });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  afterAll(stop);
  const createTable = async (spec: TableSpec): Promise<void> => {
    const keys: KeySchemaElement[] = [{ AttributeName: spec.hashKey, KeyType: 'HASH' }];
    const attributes = [{ AttributeName: spec.hashKey, AttributeType: 'S' as const }];
    const attribute = (name: string): void => {
      if (!attributes.some((a) => a.AttributeName === name))
        attributes.push({ AttributeName: name, AttributeType: 'S' });
    };
    if (spec.rangeKey) {
      keys.push({ AttributeName: spec.rangeKey, KeyType: 'RANGE' });
      attribute(spec.rangeKey);
    }
    const indexes = (spec.indexes ?? []).map((index) => {
      attribute(index.hashKey);
      if (index.rangeKey) attribute(index.rangeKey);
      return {
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.hashKey, KeyType: 'HASH' as const },
          ...(index.rangeKey ? [{ AttributeName: index.rangeKey, KeyType: 'RANGE' as const }] : []),
        ],
        Projection: { ProjectionType: 'ALL' as const },
      };
    });
    await client.send(
      new CreateTableCommand({
        TableName: spec.name,
        KeySchema: keys,
        AttributeDefinitions: attributes,
        BillingMode: 'PAY_PER_REQUEST',
        ...(indexes.length ? { GlobalSecondaryIndexes: indexes } : {}),
      }),
    );
    for (let i = 0; i < 100; i++) {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: spec.name }));
      if (Table?.TableStatus === 'ACTIVE') return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`dynalite table ${spec.name} did not become ACTIVE`);
  };
  for (const table of tables) await createTable(table);
  return {
    endpoint,
    client,
    env: {
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    },
    createTable,
    stop,
  };
}
