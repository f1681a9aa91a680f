/**
 * `genesys-pipeline directory sync|show` as an operator runs them (child processes of the real
 * CLI) against the fake Genesys Cloud on loopback, on a data directory's `directory.sqlite`; the
 * secret never printed; and `run --simulate --genesys` refused with a reason.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import type { FakeGenesys } from '../support/fake-genesys.js';
import { tempDir } from '../support/tmp.js';
import { useFakeGenesys } from '../genesys/helpers.js';
import { populate } from '../directory/support.js';

const dir = tempDir('gep-cli-directory-');

function env(fake: FakeGenesys): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(GENESYS|AWS_)/.test(k)));
  return {
    ...clean,
    NO_COLOR: '1',
    GENESYSCLOUD_OAUTHCLIENT_ID: fake.clientId,
    GENESYSCLOUD_OAUTHCLIENT_SECRET: fake.clientSecret,
    GENESYSCLOUD_API_BASE_URL: fake.url,
    GENESYSCLOUD_LOGIN_BASE_URL: fake.url,
  };
}

describe('genesys-pipeline directory', () => {
  it('syncs from Genesys Cloud, shows counts and entries, and reports a failing kind', async () => {
    const fake = await useFakeGenesys();
    populate(fake, { queues: 130 });
    const dataDir = join(dir, 'data');

    const sync = await runCli(['directory', 'sync', '--data-dir', dataDir], { env: env(fake) });
    expect(sync.stderr).toContain('queue: listed 130');
    expect(sync.code).toBe(0);
    expect(sync.stdout).toMatch(/Directory refreshed from genesys:\n {2}queue +130 listed: 130 added/);

    const show = await runCli(['directory', 'show', '--data-dir', dataDir, '--json'], { env: env(fake) });
    const status = JSON.parse(show.stdout) as { kinds: Array<{ kind: string; entries: number; source?: string }> };
    expect(status.kinds.find((k) => k.kind === 'queue')).toMatchObject({ entries: 130, source: 'genesys' });
    expect(status.kinds.find((k) => k.kind === 'presenceDefinition')).toMatchObject({ entries: 3 });

    const queue = [...fake.directory.queues.values()][5]!;
    const one = await runCli(['directory', 'show', '--data-dir', dataDir, '--kind', 'queue', '--id', queue.id], {
      env: env(fake),
    });
    expect(one.stdout).toContain(`${queue.id}  ${queue.name}  (divisionId=${queue.divisionId})`);

    fake.missingPermissions.add('architect:flow:view');
    const partial = await runCli(['directory', 'sync', '--data-dir', dataDir, '--kind', 'flow', 'queue'], {
      env: env(fake),
    });
    expect(partial.code).toBe(1);
    expect(partial.stdout).toMatch(/flow +FAILED \(kept its names\): GET \/api\/v2\/flows failed: 403/);
    expect(partial.stdout).toContain('architect:flow:view');
    expect(partial.stdout).toMatch(/queue +130 listed: 0 added, 0 renamed/);
    for (const run of [sync, show, one, partial]) expect(run.stdout + run.stderr).not.toContain(fake.clientSecret);
  }, 60_000);

  it('refuses run --simulate --genesys, and --genesys without credentials', async () => {
    const both = await runCli(['run', '--simulate', '--genesys', '--data-dir', join(dir, 'x')]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--simulate and --genesys exclude each other');
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^GENESYS/.test(k)));
    const none = await runCli(['run', '--genesys', '--data-dir', join(dir, 'y')], { env: clean });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('GENESYSCLOUD_OAUTHCLIENT_ID is not set');
  }, 60_000);
});
