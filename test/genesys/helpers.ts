/**
 * Helpers for the Genesys tests: a client wired to a fake Genesys Cloud, with the production
 * retry rules but no real waiting (sleeps are recorded and skipped; the clock advances by them).
 */
import { onTestFinished } from 'vitest';
import { createGenesysClient } from '../../src/genesys/client.js';
import type { GenesysClient, GenesysClientOptions } from '../../src/genesys/client.js';
import { loadGenesysConfig } from '../../src/genesys/config.js';
import type { RetryDeps } from '../../src/genesys/retry.js';
import { startFakeGenesys } from '../support/fake-genesys.js';
import type { FakeGenesys, FakeGenesysOptions } from '../support/fake-genesys.js';

/** A client for `fake` plus the sleeps it asked for. */
export interface TestClient extends GenesysClient {
  sleeps: number[];
}

/**
 * A client whose sleeps are recorded and skipped (the virtual clock advances by them), so a
 * `Retry-After: 30` costs no real time. `random` is fixed at 0.5 unless given.
 */
export function testClient(fake: FakeGenesys, options: GenesysClientOptions & { secret?: string } = {}): TestClient {
  const sleeps: number[] = [];
  let offset = 0;
  const deps: Partial<RetryDeps> = {
    now: () => Date.now() + offset,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
      offset += ms;
    },
    ...options.deps,
  };
  const config = loadGenesysConfig({
    GENESYSCLOUD_OAUTHCLIENT_ID: fake.clientId,
    GENESYSCLOUD_OAUTHCLIENT_SECRET: options.secret ?? fake.clientSecret,
    GENESYSCLOUD_API_BASE_URL: fake.url,
    GENESYSCLOUD_LOGIN_BASE_URL: fake.url,
  });
  return { ...createGenesysClient(config, { ...options, deps }), sleeps };
}

/** Starts a fake Genesys for the current test and closes it afterwards. */
export async function useFakeGenesys(options: FakeGenesysOptions = {}): Promise<FakeGenesys> {
  const fake = await startFakeGenesys(options);
  onTestFinished(() => fake.close());
  return fake;
}
