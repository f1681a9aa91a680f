/**
 * Lambda entry point of the directory refresher (run by EventBridge Scheduler, and invoked
 * asynchronously by the processor with ids it missed). Reads DIRECTORY_TABLE_NAME,
 * GENESYS_SECRET_ARN (a Secrets Manager secret holding `{"clientId": "…", "clientSecret": "…"}`
 * of a Genesys OAuth client of grant type Client Credentials) and GENESYSCLOUD_REGION.
 *
 * - `{}` (the schedule) or `{ "kinds": [...] }`: lists every kind in the Genesys Platform API and
 *   writes what changed to the table; a kind that fails keeps its entries. When any kind failed
 *   the invocation fails (after writing what it could), so the function's `Errors` metric — and
 *   the alarm on it — counts failed refreshes.
 * - `{ "lookup": { "kind": "queue", "ids": [...] } }`: looks up the ids the table does not have
 *   and that were not found missing in the last 5 minutes (`resolveSharedMisses`).
 *
 * The secret is read with Powertools Parameters (cached 5 minutes, so a rotated secret is used
 * within 5 minutes) and held in a `Secret`, which never prints: it is in no environment variable
 * and no log line.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import type { Context } from 'aws-lambda';
import { Directory } from '../directory/directory.js';
import type { RefreshReport } from '../directory/directory.js';
import { isDirectoryKind } from '../directory/entry.js';
import { resolveSharedMisses } from '../directory/shared-misses.js';
import type { SharedMissResult } from '../directory/shared-misses.js';
import { DynamoDbDirectoryStore } from '../directory/stores/dynamodb.js';
import { createGenesysClient } from '../genesys/client.js';
import type { GenesysClientOptions } from '../genesys/client.js';
import { loadGenesysConfig } from '../genesys/config.js';
import { GenesysDirectorySource } from '../genesys/directory-api.js';
import type { RefresherEvent } from './directory.js';
import { dynamoDbClient, observability, requireEnv } from './environment.js';
import { DirectoryRefreshError, FunctionConfigError } from './errors.js';
import type { Env } from './environment.js';
import { FUNCTION_ENV, REFRESHER_ENV } from './index.js';
import { errorMessage } from '../shared/index.js';

/** Where the OAuth client credentials come from. */
interface CredentialsLoader {
  (secretArn: string): Promise<unknown>;
}

/** Dependencies of {@link createRefresher} (tests point them at local endpoints). */
interface RefresherDeps {
  dynamodb?: DynamoDBClient;
  /** Reads the secret (default: Powertools `SecretsProvider`, JSON, cached 300 s). */
  loadCredentials?: CredentialsLoader;
  /** Tuning of the Genesys client (retries; tests shorten the waits). */
  genesys?: GenesysClientOptions;
}

/** The answer of one invocation. */
type RefresherResult = { refresh: RefreshReport } | { lookup: SharedMissResult };

/**
 * The refresher, configured from `env`.
 *
 * @example
 * const refresh = createRefresher(process.env);
 * await refresh({});                                           // a full refresh
 * await refresh({ lookup: { kind: 'queue', ids: [queueId] } }); // ids a processor missed
 */
export function createRefresher(
  env: Env,
  deps: RefresherDeps = {},
): (event: RefresherEvent) => Promise<RefresherResult> {
  const tableName = requireEnv(env, FUNCTION_ENV.DIRECTORY_TABLE_NAME);
  const secretArn = requireEnv(env, REFRESHER_ENV.GENESYS_SECRET_ARN);
  const store = new DynamoDbDirectoryStore({ tableName, client: deps.dynamodb ?? dynamoDbClient() });
  const provider = deps.loadCredentials ? undefined : new SecretsProvider();
  const loadCredentials: CredentialsLoader =
    deps.loadCredentials ?? ((arn) => provider!.get(arn, { transform: 'json', maxAge: 300 }));
  let cached: { key: string; source: GenesysDirectorySource } | undefined;

  const source = async (): Promise<GenesysDirectorySource> => {
    const credentials = await loadCredentials(secretArn);
    const { clientId, clientSecret } = readCredentials(credentials);
    const key = `${clientId}\u0000${clientSecret}`;
    if (cached?.key !== key) {
      const config = loadGenesysConfig({
        GENESYSCLOUD_OAUTHCLIENT_ID: clientId,
        GENESYSCLOUD_OAUTHCLIENT_SECRET: clientSecret,
        GENESYSCLOUD_REGION: env[REFRESHER_ENV.GENESYSCLOUD_REGION],
        GENESYSCLOUD_API_BASE_URL: env.GENESYSCLOUD_API_BASE_URL,
        GENESYSCLOUD_LOGIN_BASE_URL: env.GENESYSCLOUD_LOGIN_BASE_URL,
      });
      cached = { key, source: new GenesysDirectorySource(createGenesysClient(config, deps.genesys).http) };
    }
    return cached.source;
  };

  return async (event) => {
    const genesys = await source();
    if (event.lookup) {
      const { kind, ids } = event.lookup;
      if (!isDirectoryKind(kind) || !Array.isArray(ids))
        throw new TypeError('lookup must be { kind: one of the directory kinds, ids: [string, …] }.');
      return {
        lookup: await resolveSharedMisses(
          store,
          genesys,
          kind,
          ids.filter((id) => typeof id === 'string'),
        ),
      };
    }
    const kinds = event.kinds?.filter(isDirectoryKind);
    const directory = await Directory.open({ store, source: genesys, preload: false, misses: false });
    const report = await directory.refresh(kinds?.length ? kinds : undefined);
    if (!report.ok) throw new DirectoryRefreshError(report);
    return { refresh: report };
  };
}

function readCredentials(value: unknown): { clientId: string; clientSecret: string } {
  const record = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const clientId = record.clientId;
  const clientSecret = record.clientSecret;
  if (typeof clientId !== 'string' || !clientId || typeof clientSecret !== 'string' || !clientSecret) {
    throw new FunctionConfigError(
      REFRESHER_ENV.GENESYS_SECRET_ARN,
      'The Genesys OAuth client secret must be a JSON object {"clientId": "…", "clientSecret": "…"} (see docs/directory.md).',
    );
  }
  return { clientId, clientSecret };
}

const { logger, metrics } = observability(process.env);
let refresher: ((event: RefresherEvent) => Promise<RefresherResult>) | undefined;

/** EventBridge Scheduler's invocation (and the processor's lookups). */
export async function handler(event: RefresherEvent | null, context?: Context): Promise<RefresherResult> {
  if (context) logger.addContext(context);
  refresher ??= createRefresher(process.env);
  try {
    const result = await refresher(event ?? {});
    if ('refresh' in result) {
      logger.info('Directory refreshed', { kinds: result.refresh.kinds });
      metrics.addMetric('DirectoryRefreshSucceeded', MetricUnit.Count, 1);
    } else {
      logger.info('Directory lookup', { ...result.lookup });
    }
    return result;
  } catch (error) {
    metrics.addMetric('DirectoryRefreshFailed', MetricUnit.Count, 1);
    logger.error('Directory refresh failed', { error: errorMessage(error) });
    throw error;
  } finally {
    metrics.publishStoredMetrics();
  }
}
