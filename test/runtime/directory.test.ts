/**
 * The directory in the local runtime (in-process runtime, real HTTP, real SQLite): names beside
 * ids in `/api/stats` and `/api/conversations`, the `/api/directory` routes, the sinks'
 * `context.directory`, names from the Genesys API (the fake) that survive a restart during an
 * outage, and a rename shown without a restart.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DirectoryEntry } from '../../src/directory/index.js';
import { GenesysDirectorySource } from '../../src/genesys/index.js';
import type { GenesysEvent } from '../../src/events/index.js';
import type { Sink, SinkContext } from '../../src/processing/index.js';
import { startRuntime } from '../../src/runtime/index.js';
import { CatalogueDirectorySource, generateEvents, simulationCatalogue } from '../../src/simulate/index.js';
import { eventually, populate } from '../directory/support.js';
import { testClient, useFakeGenesys } from '../genesys/helpers.js';
import { tempDir } from '../support/tmp.js';
import { getJson, sendAll } from './support.js';

const dir = tempDir('gep-runtime-directory-');
const catalogue = simulationCatalogue();

interface Named {
  conversationId: string;
  queueIds: string[];
  userIds: string[];
  wrapupCodes: string[];
  names: { queues: Record<string, string>; users: Record<string, string>; wrapupCodes: Record<string, string> };
}

/** A sink that asks the directory for the name of each event's queue and agent. */
class NamingSink implements Sink {
  readonly name = 'naming';
  readonly seen: Array<{ queue?: DirectoryEntry; user?: DirectoryEntry }> = [];
  async handle(event: GenesysEvent, context: SinkContext): Promise<void> {
    if (event.kind !== 'conversation') return;
    const body = event.envelope.detail.eventBody as { queueId?: string; userId?: string };
    const queue = body.queueId ? await context.directory.lookup('queue', body.queueId) : undefined;
    const user = body.userId ? await context.directory.lookup('user', body.userId) : undefined;
    if (queue || user) this.seen.push({ ...(queue ? { queue } : {}), ...(user ? { user } : {}) });
  }
}

describe('the directory in the local runtime', () => {
  it("shows the simulator's names beside ids, and gives them to sinks", async () => {
    const sink = new NamingSink();
    const runtime = await startRuntime(
      { dataDir: join(dir, 'simulated'), port: 0 },
      { directorySource: new CatalogueDirectorySource(), sinks: [sink] },
    );
    try {
      const lines = [...generateEvents({ conversations: 40, seed: 21, startTime: Date.now() })];
      const sent = await sendAll(lines, () => runtime.url);
      await eventually(async () => (await runtime.telemetry.snapshot()).processed >= sent.accepted.length - 5, 20_000);

      const { body: listing } = await getJson<{ conversations: Named[] }>(`${runtime.url}/api/conversations?limit=40`);
      const answered = listing.conversations.filter((c) => c.userIds.length > 0);
      expect(answered.length).toBeGreaterThan(0);
      for (const c of listing.conversations) {
        for (const id of c.queueIds) expect(c.names.queues[id]).toBe(catalogue.queueById.get(id)!.name);
        for (const id of c.userIds) expect(c.names.users[id]).toBe(catalogue.agentById.get(id)!.name);
        for (const id of c.wrapupCodes)
          expect(c.names.wrapupCodes[id]).toBe(catalogue.wrapupCodes.find((w) => w.id === id)?.name);
        // Ids stay the key: the projection is not rewritten.
        expect(c.queueIds.every((id) => /^[0-9a-f-]{36}$/.test(id))).toBe(true);
      }

      const { body: stats } = await getJson<{
        contactCentre: { waitingByQueue: Array<{ queueId: string; queueName?: string }> };
      }>(`${runtime.url}/api/stats`);
      for (const q of stats.contactCentre.waitingByQueue)
        expect(q.queueName).toBe(catalogue.queueById.get(q.queueId)!.name);

      const { body: status } = await getJson<{ source: string; kinds: Array<{ kind: string; entries: number }> }>(
        `${runtime.url}/api/directory`,
      );
      expect(status.source).toBe('simulator');
      expect(status.kinds.find((k) => k.kind === 'queue')?.entries).toBe(40);
      const agent = catalogue.agents[0]!;
      expect((await getJson(`${runtime.url}/api/directory/user/${agent.id}`)).body).toMatchObject({
        kind: 'user',
        id: agent.id,
        name: agent.name,
      });
      expect((await getJson(`${runtime.url}/api/directory/queue`)).body).toMatchObject({ kind: 'queue', count: 40 });
      expect((await getJson(`${runtime.url}/api/directory/planet`)).status).toBe(404);

      expect(sink.seen.length).toBeGreaterThan(0);
      for (const { queue, user } of sink.seen) {
        if (queue) expect(queue.name).toBe(catalogue.queueById.get(queue.id)!.name);
        if (user) expect(user.name).toBe(catalogue.agentById.get(user.id)!.name);
      }
    } finally {
      await runtime.stop();
    }
  }, 60_000);

  it('names from the Genesys API: a rename shows without a restart, an outage and a restart keep the names', async () => {
    const fake = await useFakeGenesys();
    populate(fake, { queues: 12 });
    const dataDir = join(dir, 'genesys');
    const source = () => new GenesysDirectorySource(testClient(fake).http);
    const queue = [...fake.directory.queues.values()][0]!;
    const name = async (url: string) =>
      (await getJson<{ name?: string }>(`${url}/api/directory/queue/${queue.id}`)).body.name;

    const first = await startRuntime(
      { dataDir, port: 0 },
      { directorySource: source(), directory: { refreshIntervalMs: 1000, retryAfterFailureMs: 1000 } },
    );
    try {
      await eventually(async () => (await name(first.url)) === queue.name);
      fake.directory.queues.set(queue.id, { ...queue, name: 'Renamed in Genesys' });
      await eventually(async () => (await name(first.url)) === 'Renamed in Genesys');
      // The API goes down: the refreshes fail, the names stay.
      fake.fault({ path: /^\/api\/v2\// }, { kind: 'status', status: 503 }, 100_000);
      await eventually(() => first.directory.status().kinds.every((k) => k.lastError !== undefined), 10_000);
      expect(await name(first.url)).toBe('Renamed in Genesys');
    } finally {
      await first.stop();
    }
    // A restart during the outage shows the last known names from directory.sqlite at once.
    const second = await startRuntime({ dataDir, port: 0 }, { directorySource: source() });
    try {
      expect(await name(second.url)).toBe('Renamed in Genesys');
      const { body } = await getJson<{ kinds: Array<{ kind: string; lastError?: string; entries: number }> }>(
        `${second.url}/api/directory`,
      );
      expect(body.kinds.find((k) => k.kind === 'queue')).toMatchObject({
        entries: 12,
        lastError: expect.stringMatching(/503/),
      });
    } finally {
      await second.stop();
    }
  }, 60_000);
});
