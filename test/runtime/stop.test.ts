/**
 * `Runtime.stop()` when one of its steps fails (the pollers', the pipeline's …): every other step
 * still runs, `stop()` rejects with the failure, `stopped` resolves (a CLI waiting on it does not
 * hang) and the data directory's lock is released, so the next start is not blocked.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startRuntime } from '../../src/runtime/index.js';
import { DataDirLock } from '../../src/runtime/lock.js';
import { tempDir } from '../support/tmp.js';

const dir = tempDir('gep-runtime-stop-');

describe('stop() with a failing step', () => {
  it('rejects with the failure, resolves `stopped`, releases the lock', async () => {
    const dataDir = join(dir, 'failing-step');
    const runtime = await startRuntime({ dataDir, port: 0 });
    const failure = new Error('closing failed');
    const p = runtime.pipeline;
    const close = p.close.bind(p);
    p.close = async () => {
      await close();
      throw failure;
    };
    await expect(runtime.stop()).rejects.toBe(failure);
    await expect(runtime.stopped).resolves.toBeUndefined();
    expect(DataDirLock.holder(dataDir)).toBeUndefined();
    const again = await startRuntime({ dataDir, port: 0 });
    await again.stop();
  });
});
