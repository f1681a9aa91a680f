/**
 * `durability: 'full'` (`run --durability full`): both SQLite files sync their WAL at every commit
 * (`synchronous = FULL`), so that what was acknowledged survives an OS crash or power loss; the
 * default, `normal`, keeps `synchronous = NORMAL` (docs/runtime.md, "The guarantee"). What each
 * costs is measured by the benchmark (`npm run bench -- pipeline`, phase (b) with `full`).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InlineExecutions } from '../../src/runtime/executions.js';
import { resolveRuntimeOptions, startRuntime } from '../../src/runtime/index.js';
import { tempDir } from '../support/tmp.js';

const dir = tempDir('gep-runtime-durability-');
const FULL = 2;
const NORMAL = 1;

describe('durability', () => {
  for (const [durability, level] of [
    ['full', FULL],
    ['normal', NORMAL],
  ] as const) {
    it(`${durability}: synchronous = ${durability.toUpperCase()} on pipeline.sqlite and processing.sqlite`, async () => {
      const runtime = await startRuntime(
        { dataDir: join(dir, durability), port: 0, durability },
        { processingThread: 'main' },
      );
      try {
        expect(runtime.options.durability).toBe(durability);
        expect(runtime.pipeline.database.pragma('synchronous', { simple: true })).toBe(level);
        const processing = (runtime.pipeline.executions as InlineExecutions).host.database;
        expect(processing.pragma('synchronous', { simple: true })).toBe(level);
      } finally {
        await runtime.stop();
      }
    });
  }

  it('defaults to normal and explains a wrong level', () => {
    expect(resolveRuntimeOptions({ dataDir: 'x' }).durability).toBe('normal');
    expect(() => resolveRuntimeOptions({ dataDir: 'x', durability: 'paranoid' as never })).toThrow(
      /durability \(--durability\) must be "normal" .* or "full"/,
    );
  });
});
