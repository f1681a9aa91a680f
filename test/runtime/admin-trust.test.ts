/**
 * The admin client (`dlq`, `replay` beside a running runtime) sends the bearer token only where a
 * trustworthy lock file says the runtime is: a file of this user, not writable by others, naming
 * an address of this machine. A lock file rewritten to name another server gets a clear refusal,
 * not the token.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startRuntime } from '../../src/runtime/index.js';
import { withPipelineAdmin } from '../../src/runtime/admin-client.js';
import { tempDir } from '../support/tmp.js';

const dir = tempDir('gep-runtime-admin-trust-');
const token = 'a-token-of-at-least-16-chars';

describe('admin client: the token goes only to a trusted runtime URL', () => {
  it('uses the lock file of this user naming a local address; refuses a foreign URL or a file others can write', async () => {
    const dataDir = join(dir, 'trust');
    const runtime = await startRuntime({ dataDir, port: 0, token });
    const lockFile = join(dataDir, 'runtime.lock');
    const original = readFileSync(lockFile, 'utf8');
    const list = (): Promise<unknown> => withPipelineAdmin(dataDir, { token }, (api) => api.listDeadLetters({}));
    try {
      await expect(list()).resolves.toMatchObject({ deadLetters: [] });

      writeFileSync(lockFile, original.replace(runtime.url, 'http://192.0.2.10:4010'), { mode: 0o600 });
      await expect(list()).rejects.toThrow(
        /The token is not sent to http:\/\/192\.0\.2\.10:4010: 192\.0\.2\.10 is not an address of this machine/,
      );

      writeFileSync(lockFile, original, { mode: 0o600 });
      chmodSync(lockFile, 0o666);
      await expect(list()).rejects.toThrow(/the lock file is writable by other users \(mode 666\)/);
      chmodSync(lockFile, 0o600);
      await expect(list()).resolves.toMatchObject({ deadLetters: [] });
    } finally {
      await runtime.stop();
    }
  });
});
