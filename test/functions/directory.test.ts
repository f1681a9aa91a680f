/**
 * The directory on AWS, as Lambda runs it: the refresher (secret from a fake Secrets Manager,
 * the fake Genesys API, the table in dynalite) and the processor's read-only directory whose
 * misses go to the refresher through a fake Lambda Invoke endpoint.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbDirectoryStore } from '../../src/directory/stores/dynamodb.js';
import { directoryFromEnv } from '../../src/functions/directory.js';
import { createRefresher } from '../../src/functions/directory-refresher.js';
import { DirectoryRefreshError, FunctionConfigError } from '../../src/functions/errors.js';
import { FUNCTION_ENV } from '../../src/functions/index.js';
import { PIPELINE_TABLES, startDynalite } from '../support/dynalite.js';
import type { DynaliteServer } from '../support/dynalite.js';
import { startFakeLambda, startFakeSecretsManager } from '../support/fake-aws.js';
import type { FakeLambda, FakeSecretsManager } from '../support/fake-aws.js';
import { startFakeGenesys } from '../support/fake-genesys.js';
import type { FakeGenesys } from '../support/fake-genesys.js';
import { populate } from '../directory/support.js';

const TABLE = 'fn-directory';
/** Production retry rules with short waits. */
const FAST = { retry: { baseDelayMs: 1, maxDelayMs: 5 } };
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:genesys/oauth-client-AbCdEf';
let dynalite: DynaliteServer;
let secrets: FakeSecretsManager;
let lambda: FakeLambda;
let fake: FakeGenesys;
let env: Record<string, string>;

beforeAll(async () => {
  dynalite = await startDynalite([PIPELINE_TABLES.directory(TABLE)]);
  secrets = await startFakeSecretsManager();
  lambda = await startFakeLambda();
  fake = await startFakeGenesys();
  populate(fake, { queues: 120, users: 60 });
  secrets.secrets.set(SECRET_ARN, JSON.stringify({ clientId: fake.clientId, clientSecret: fake.clientSecret }));
  env = {
    ...dynalite.env,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url,
    AWS_ENDPOINT_URL_LAMBDA: lambda.url,
    [FUNCTION_ENV.DIRECTORY_TABLE_NAME]: TABLE,
    GENESYS_SECRET_ARN: SECRET_ARN,
    GENESYSCLOUD_API_BASE_URL: fake.url,
    GENESYSCLOUD_LOGIN_BASE_URL: fake.url,
  };
  // The SDK clients the functions build read their endpoints and credentials from the environment.
  Object.assign(process.env, env);
  return () => fake.close();
});

describe('the directory refresher function', () => {
  it('fills the table from Genesys with the credentials of the secret', async () => {
    const refresh = createRefresher(env, { dynamodb: dynalite.client, genesys: FAST });
    const result = await refresh({});
    expect('refresh' in result && result.refresh.ok).toBe(true);
    expect(secrets.reads).toEqual([SECRET_ARN]);
    const store = new DynamoDbDirectoryStore({ tableName: TABLE, client: dynalite.client });
    expect(await store.all('queue')).toHaveLength(120);
    const queue = [...fake.directory.queues.values()][7]!;
    const doc = DynamoDBDocumentClient.from(dynalite.client);
    const item = (await doc.send(new GetCommand({ TableName: TABLE, Key: { kind: 'queue', id: queue.id } }))).Item;
    expect(item).toMatchObject({
      kind: 'queue',
      id: queue.id,
      name: queue.name,
      attributes: { divisionId: queue.divisionId },
    });
    const states = await store.syncStates();
    expect(states.find((s) => s.kind === 'user')).toMatchObject({ source: 'genesys', listed: 60 });
    // Nothing of the secret is stored.
    expect(JSON.stringify(await store.all())).not.toContain(fake.clientSecret);
  });

  it('fails the invocation on an outage and keeps the table as it was', async () => {
    const refresh = createRefresher(env, { dynamodb: dynalite.client, genesys: FAST });
    fake.fault({ path: '/api/v2/routing/queues' }, { kind: 'status', status: 503 }, 100);
    const outcome = await refresh({ kinds: ['queue', 'division'] }).catch((error: unknown) => error);
    fake.clearFaults();
    expect(outcome).toBeInstanceOf(DirectoryRefreshError);
    expect((outcome as DirectoryRefreshError).message).toMatch(/queue \(GET \/api\/v2\/routing\/queues failed: 503/);
    expect((outcome as DirectoryRefreshError).message).not.toContain(fake.clientSecret);
    const store = new DynamoDbDirectoryStore({ tableName: TABLE, client: dynalite.client });
    expect(await store.all('queue')).toHaveLength(120);
    expect((await store.syncStates()).find((s) => s.kind === 'queue')?.lastError).toMatch(/503/);
  });

  it('looks up missed ids once, however many instances missed them', async () => {
    const refresh = createRefresher(env, { dynamodb: dynalite.client, genesys: FAST });
    const added = randomUUID();
    fake.directory.queues.set(added, { id: added, name: 'Added since the last refresh' });
    const unknown = randomUUID();
    fake.resetLog();
    const first = await refresh({ lookup: { kind: 'queue', ids: [added, unknown, 'not-an-id'] } });
    expect(first).toEqual({ lookup: { kind: 'queue', requested: 2, known: 0, found: 1, missing: 1, calls: 1 } });
    const again = await refresh({ lookup: { kind: 'queue', ids: [added, unknown] } });
    expect(again).toMatchObject({ lookup: { known: 2, calls: 0 } });
    expect(fake.apiCalls('/api/v2/routing/queues')).toHaveLength(1);
    const store = new DynamoDbDirectoryStore({ tableName: TABLE, client: dynalite.client });
    expect((await store.get('queue', [added]))[0]?.name).toBe('Added since the last refresh');
  });

  it('says what is wrong with a secret of the wrong shape', async () => {
    secrets.secrets.set(`${SECRET_ARN}-bad`, JSON.stringify({ id: 'x' }));
    const refresh = createRefresher(
      { ...env, GENESYS_SECRET_ARN: `${SECRET_ARN}-bad` },
      { dynamodb: dynalite.client, genesys: FAST },
    );
    await expect(refresh({})).rejects.toThrow(FunctionConfigError);
  });
});

describe("the processor's directory", () => {
  it('reads names from the table and hands bursts of misses to the refresher, bounded', async () => {
    const directory = directoryFromEnv(
      { ...env, [FUNCTION_ENV.DIRECTORY_REFRESHER_FUNCTION_NAME]: 'directory-refresher' },
      dynalite.client,
    )!;
    const queue = { kind: 'queue' as const, id: randomUUID(), name: 'Voice - Billing', attributes: {}, updatedAt: 1 };
    await new DynamoDbDirectoryStore({ tableName: TABLE, client: dynalite.client }).put([queue]);
    expect((await directory.lookup('queue', queue.id))?.name).toBe('Voice - Billing');

    const unknown = Array.from({ length: 30 }, () => randomUUID());
    const answers = await Promise.all(
      Array.from({ length: 600 }, (_, i) => directory.lookup('user', unknown[i % unknown.length]!)),
    );
    expect(answers.every((a) => a === undefined)).toBe(true);
    // The 600 misses of 30 distinct ids leave as one asynchronous invocation carrying them all.
    expect(lambda.invocations).toHaveLength(1);
    expect(lambda.invocations[0]).toMatchObject({ functionName: 'directory-refresher', invocationType: 'Event' });
    expect((lambda.invocations[0]!.payload as { lookup: { kind: string; ids: string[] } }).lookup).toEqual({
      kind: 'user',
      ids: expect.arrayContaining(unknown),
    });
    await Promise.all(unknown.map((id) => directory.lookup('user', id)));
    expect(lambda.invocations).toHaveLength(1);
  });

  it('is absent without a table', () => {
    expect(directoryFromEnv({}, dynalite.client)).toBeUndefined();
  });
});
