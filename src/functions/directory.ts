/**
 * The Genesys directory in the Lambda functions: the processor reads it (names for the sinks'
 * `context.directory`) and sends the ids it misses to the refresher function, which alone calls
 * the Genesys API and writes the table.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Directory } from '../directory/directory.js';
import type { DirectoryEntry, DirectoryKind } from '../directory/entry.js';
import type { DirectoryLookup, DirectorySource } from '../directory/ports.js';
import { DynamoDbDirectoryStore } from '../directory/stores/dynamodb.js';
import type { Env } from './environment.js';
import { FUNCTION_ENV } from './index.js';

/** What the refresher function accepts: nothing (a scheduled full refresh), some kinds, or ids to look up. */
export interface RefresherEvent {
  /** Refresh only these kinds (default: all). */
  kinds?: DirectoryKind[];
  /** Look up these ids (a processor missed them) instead of refreshing. */
  lookup?: { kind: DirectoryKind; ids: string[] };
}

/**
 * A directory source that hands misses to the refresher function (asynchronous invocation) and
 * answers "not yet": the entry is in the table for the next read after the refresher ran.
 */
export class RefresherInvokeSource implements DirectorySource {
  readonly name = 'refresher';
  readonly maxLookupBatch = 100;

  constructor(
    private readonly functionName: string,
    private readonly lambda: LambdaClient = new LambdaClient({}),
  ) {}

  // eslint-disable-next-line require-yield
  async *list(): AsyncIterable<DirectoryEntry[]> {
    throw new Error('The processor does not list the directory; the refresher function does.');
  }

  async lookup(kind: DirectoryKind, ids: readonly string[]): Promise<DirectoryEntry[]> {
    const event: RefresherEvent = { lookup: { kind, ids: [...ids] } };
    await this.lambda.send(
      new InvokeCommand({
        FunctionName: this.functionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
    return [];
  }
}

/**
 * The processor's directory from its environment: read-only over `DIRECTORY_TABLE_NAME` (entries
 * cached 60 s per instance), misses sent to `DIRECTORY_REFRESHER_FUNCTION_NAME` (coalesced and
 * rate-limited per instance); `undefined` when the deployment has no directory.
 */
export function directoryFromEnv(env: Env, client: DynamoDBClient): DirectoryLookup | undefined {
  const tableName = env[FUNCTION_ENV.DIRECTORY_TABLE_NAME]?.trim();
  if (!tableName) return undefined;
  const refresher = env[FUNCTION_ENV.DIRECTORY_REFRESHER_FUNCTION_NAME]?.trim();
  let opened: Promise<Directory> | undefined;
  const open = () =>
    (opened ??= Directory.open({
      store: new DynamoDbDirectoryStore({ tableName, client }),
      preload: false,
      cacheTtlMs: 60_000,
      ...(refresher
        ? {
            source: new RefresherInvokeSource(refresher),
            misses: { coalesceMs: 100, maxCallsPerMinute: 12, burst: 2, negativeTtlMs: 60_000, maxPending: 500 },
          }
        : {}),
    }).catch((error: unknown) => {
      opened = undefined;
      throw error;
    }));
  return {
    lookup: async (kind, id) => {
      try {
        return await (await open()).lookup(kind, id);
      } catch {
        // A name is a nicety: a table read that fails leaves the sink without it, never fails the event.
        return undefined;
      }
    },
  };
}
