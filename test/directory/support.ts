/** Helpers of the directory tests: a fake org's directory, a store in a temp dir. */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { SqliteDirectoryStore } from '../../src/directory/stores/sqlite.js';
import type { FakeGenesys } from '../support/fake-genesys.js';
import { tempDir } from '../support/tmp.js';

/** Sizes of {@link populate}. */
export interface OrgSize {
  queues?: number;
  users?: number;
  wrapupCodes?: number;
  flows?: number;
}

/**
 * Fills the fake org: 2 divisions, `queues` queues, `users` users (every 10th inactive, every
 * 25th deleted), wrap-up codes, flows, and 3 presence definitions (one deactivated).
 */
export function populate(fake: FakeGenesys, size: OrgSize = {}): void {
  const d = fake.directory;
  const home = randomUUID();
  const premier = randomUUID();
  d.divisions.set(home, { id: home, name: 'Home', homeDivision: true });
  d.divisions.set(premier, { id: premier, name: 'Premier Services' });
  for (let i = 0; i < (size.queues ?? 30); i++) {
    const id = randomUUID();
    d.queues.set(id, { id, name: `Queue ${String(i).padStart(4, '0')}`, divisionId: i % 2 ? premier : home });
  }
  for (let i = 0; i < (size.users ?? 40); i++) {
    const id = randomUUID();
    const state = i % 25 === 24 ? 'deleted' : i % 10 === 9 ? 'inactive' : 'active';
    d.users.set(id, { id, name: `Agent ${i}`, email: `agent${i}@example.com`, state, divisionId: home });
  }
  for (let i = 0; i < (size.wrapupCodes ?? 5); i++) {
    const id = randomUUID();
    d.wrapupCodes.set(id, { id, name: `Wrap-up ${i}`, divisionId: home });
  }
  for (let i = 0; i < (size.flows ?? 4); i++) {
    const id = randomUUID();
    d.flows.set(id, { id, name: `Flow ${i}`, type: 'INBOUNDCALL', divisionId: home });
  }
  const presence = [
    { systemPresence: 'AVAILABLE', name: 'Available' },
    { systemPresence: 'BUSY', name: 'Busy' },
    { systemPresence: 'AWAY', name: 'Lunch', deactivated: true },
  ];
  for (const p of presence) {
    const id = randomUUID();
    d.presenceDefinitions.set(id, { id, ...p, languageLabels: { en_US: p.name } });
  }
}

/** A SQLite directory store in a fresh temp file, closed after the test; `path` to reopen it. */
export function tempStore(): { store: SqliteDirectoryStore; path: string } {
  const path = join(tempDir('gep-directory-'), 'directory.sqlite');
  const store = SqliteDirectoryStore.open(path);
  onTestFinished(() => store.close());
  return { store, path };
}

/** Waits until `check` returns true (every 20 ms, at most `timeoutMs`). */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('eventually: condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
