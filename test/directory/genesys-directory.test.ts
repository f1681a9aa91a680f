/**
 * The directory against the fake Genesys Cloud API on real HTTP: paginated listings, 429s,
 * expiring tokens, a renamed queue, an outage, a missing permission and a burst of unknown ids.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Directory } from '../../src/directory/directory.js';
import type { DirectoryOptions } from '../../src/directory/directory.js';
import { SqliteDirectoryStore } from '../../src/directory/stores/sqlite.js';
import { GenesysDirectorySource } from '../../src/genesys/directory-api.js';
import type { FakeGenesys } from '../support/fake-genesys.js';
import { testClient, useFakeGenesys } from '../genesys/helpers.js';
import { eventually, populate, tempStore } from './support.js';

async function openDirectory(fake: FakeGenesys, options: Partial<DirectoryOptions> = {}, client = testClient(fake)) {
  const store = options.store ?? tempStore().store;
  const directory = await Directory.open({ store, source: new GenesysDirectorySource(client.http), ...options });
  onTestFinished(() => directory.stop());
  return directory;
}

describe('the directory over the Genesys Platform API', () => {
  it('converges: every kind, every page, through 429s and an expiring token', async () => {
    const fake = await useFakeGenesys({ tokenLifetimeSeconds: 1 });
    populate(fake, { queues: 250, users: 230 });
    fake.fault({ path: '/api/v2/routing/queues' }, { kind: 'status', status: 429, retryAfter: '3' }, 2);
    fake.fault({ path: '/api/v2/users' }, { kind: 'status', status: 429, retryAfter: '1' });
    // A page slower than the token's lifetime: the next call meets an expired token (401) and logs in again.
    fake.fault({ path: '/api/v2/routing/queues' }, { kind: 'delay', ms: 1100 });
    const client = testClient(fake, { deps: { now: () => 0 } });
    const directory = await openDirectory(fake, {}, client);

    const report = await directory.refresh();

    expect(report.ok).toBe(true);
    const byKind = Object.fromEntries(report.kinds.map((k) => [k.kind, k.listed]));
    expect(byKind).toEqual({ queue: 250, user: 230, wrapupCode: 5, division: 2, flow: 4, presenceDefinition: 3 });
    // Pages of 100, as the listings report them.
    const queuePages = fake.requests.filter((r) => r.path === '/api/v2/routing/queues' && r.status === 200);
    expect(queuePages.map((r) => r.query.pageNumber)).toEqual(['1', '2', '3']);
    expect(queuePages.every((r) => r.query.pageSize === '100')).toBe(true);
    // Users in every state (their names label past conversations).
    expect(fake.requests.find((r) => r.path === '/api/v2/users')!.query.state).toBe('any');
    expect(client.sleeps).toEqual(expect.arrayContaining([3000, 3000, 1000]));
    expect(fake.requests.some((r) => r.status === 401)).toBe(true);
    expect(fake.tokenRequests.length).toBeGreaterThanOrEqual(2);

    for (const q of fake.directory.queues.values()) expect(directory.peek('queue', q.id)?.name).toBe(q.name);
    const user = [...fake.directory.users.values()][3]!;
    expect(directory.peek('user', user.id)).toMatchObject({
      name: user.name,
      attributes: { email: user.email, divisionId: user.divisionId, state: 'active' },
    });
    const lunch = [...fake.directory.presenceDefinitions.values()].find((p) => p.deactivated)!;
    expect(directory.peek('presenceDefinition', lunch.id)).toMatchObject({
      name: 'Lunch',
      attributes: { systemPresence: 'AWAY', label: 'Lunch', deactivated: true },
    });
    const home = [...fake.directory.divisions.values()].find((d) => d.homeDivision)!;
    expect(directory.peek('division', home.id)?.attributes.homeDivision).toBe(true);

    // A second refresh with nothing changed writes nothing.
    const again = await directory.refresh();
    expect(again.kinds.every((k) => k.added + k.renamed + k.changed + k.removed === 0)).toBe(true);
  });

  it('shows a renamed queue without a restart, and keeps a deleted one’s last name', async () => {
    const fake = await useFakeGenesys();
    populate(fake, { queues: 3 });
    const directory = await openDirectory(fake, { refreshIntervalMs: 1000 });
    await directory.refresh();
    const [renamed, deleted] = [...fake.directory.queues.values()];
    directory.start();

    fake.directory.queues.set(renamed!.id, { ...renamed!, name: 'Billing (renamed)' });
    fake.directory.queues.delete(deleted!.id);
    await eventually(() => directory.peek('queue', renamed!.id)?.name === 'Billing (renamed)');
    await eventually(() => directory.peek('queue', deleted!.id)?.removedAt !== undefined);
    expect(directory.peek('queue', deleted!.id)?.name).toBe(deleted!.name);
  });

  it('keeps the last known names through an outage and a restart', async () => {
    const fake = await useFakeGenesys();
    populate(fake, { queues: 10 });
    const { store, path } = tempStore();
    const directory = await openDirectory(fake, { store });
    await directory.refresh();
    const queue = [...fake.directory.queues.values()][0]!;

    fake.fault({ path: /^\/api\/v2\// }, { kind: 'status', status: 503 }, 10_000);
    const report = await directory.refresh();
    expect(report.ok).toBe(false);
    expect(report.kinds.every((k) => !k.ok && /503/.test(k.error ?? ''))).toBe(true);
    expect(directory.peek('queue', queue.id)?.name).toBe(queue.name);
    const status = directory.status().kinds.find((k) => k.kind === 'queue')!;
    expect(status.lastError).toMatch(/GET \/api\/v2\/routing\/queues failed: 503/);
    expect(status.lastSuccessAt).toBeDefined();
    expect(status.entries).toBe(10);

    // A restart during the outage: the names come from the store.
    await directory.stop();
    store.close();
    const reopened = await openDirectory(fake, { store: SqliteDirectoryStore.open(path) });
    expect(reopened.peek('queue', queue.id)?.name).toBe(queue.name);
    expect((await reopened.refresh()).ok).toBe(false);
    expect(reopened.peek('queue', queue.id)?.name).toBe(queue.name);
  });

  it('names the missing permission and still refreshes the other kinds', async () => {
    const fake = await useFakeGenesys();
    populate(fake);
    fake.missingPermissions.add('routing:queue:view');
    const directory = await openDirectory(fake);
    const report = await directory.refresh();
    const queues = report.kinds.find((k) => k.kind === 'queue')!;
    expect(queues.ok).toBe(false);
    expect(queues.error).toContain('routing:queue:view');
    expect(report.kinds.filter((k) => k.ok).map((k) => k.kind)).toEqual([
      'user',
      'wrapupCode',
      'division',
      'flow',
      'presenceDefinition',
    ]);
  });

  it('turns a burst of unknown ids into a bounded number of API calls', async () => {
    const fake = await useFakeGenesys();
    populate(fake, { queues: 200 });
    const directory = await openDirectory(fake, { misses: { burst: 10, maxCallsPerMinute: 60, coalesceMs: 20 } });
    const known = [...fake.directory.queues.keys()];
    const unknown = Array.from({ length: 100 }, () => randomUUID());
    const ids = [...known, ...unknown];
    fake.resetLog();

    // 3,000 lookups of 300 distinct ids, all at once (each id asked for ten times).
    const answers = await Promise.all(
      Array.from({ length: 3000 }, (_, i) => directory.lookup('queue', ids[i % ids.length]!)),
    );

    const calls = fake.apiCalls('/api/v2/routing/queues');
    // 300 distinct ids in batches of 50: six calls, whatever the number of lookups.
    expect(calls.length).toBe(6);
    expect(calls.every((c) => c.queryAll.id!.length <= 50)).toBe(true);
    expect(answers.filter((a) => a !== undefined)).toHaveLength(2000);
    expect(directory.peek('queue', known[0]!)?.name).toBe(fake.directory.queues.get(known[0]!)!.name);

    // Again: known ids come from memory, unknown ones from the negative cache — no call at all.
    await Promise.all(ids.map((id) => directory.lookup('queue', id)));
    expect(fake.apiCalls('/api/v2/routing/queues')).toHaveLength(6);
    expect(directory.status().misses).toMatchObject({ calls: 6, found: 200, notFound: 100 });
  });

  it('rate-limits on-miss lookups and bounds what waits', async () => {
    const fake = await useFakeGenesys();
    const directory = await openDirectory(fake, {
      misses: { burst: 2, maxCallsPerMinute: 6, coalesceMs: 5, maxPending: 500 },
    });
    const ids = Array.from({ length: 1000 }, () => randomUUID());
    const answers = ids.map((id) => directory.lookup('user', id));
    // 500 wait (the bound), 500 are answered "unknown" at once.
    expect(directory.status().misses).toMatchObject({ pending: 500, dropped: 500 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Two calls (the burst); the next token comes after 10 s.
    expect(fake.apiCalls('/api/v2/users')).toHaveLength(2);
    await directory.stop();
    expect(await Promise.all(answers)).toEqual(ids.map(() => undefined));
  });

  it('never asks the API for ids that are not Genesys ids', async () => {
    const fake = await useFakeGenesys();
    const directory = await openDirectory(fake);
    expect(await directory.lookup('wrapupCode', 'ININ-WRAP-UP-TIMEOUT')).toBeUndefined();
    expect(fake.apiCalls()).toHaveLength(0);
  });
});
