/**
 * `run --lake-dir` end to end through the local runtime (in-process, real HTTP, real SQLite, real
 * files): simulated events of every family, with Genesys's re-sends, flow in through PutEvents;
 * each distinct event lands as one line in its `family=…/dt=…` partition; a second runtime on a
 * fresh data directory (its idempotency records gone) given the same events writes none again.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseGenesysEvent } from '../../src/events/index.js';
import { LakeFileSink, lakePartition, lakePartitionPath } from '../../src/processing/index.js';
import type { LakeRecord } from '../../src/processing/index.js';
import { startRuntime } from '../../src/runtime/index.js';
import { generateEvents } from '../../src/simulate/index.js';
import { tempDir } from '../support/tmp.js';
import { sendAll } from './support.js';

const dir = tempDir('gep-runtime-lake-');

/** Every record of the lake with the partition directory it is in. */
function lakeRecords(lake: string): Array<{ partition: string; record: LakeRecord }> {
  const found: Array<{ partition: string; record: LakeRecord }> = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/^part-.+\.ndjson$/.test(entry.name))
        for (const line of readFileSync(path, 'utf8').split('\n').filter(Boolean))
          found.push({ partition: relative(lake, d), record: JSON.parse(line) as LakeRecord });
    }
  };
  walk(lake);
  return found;
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('run --lake-dir: the lake through the local runtime', () => {
  it('writes each distinct event once, in its family and date partition, across runs', async () => {
    const lakeDir = join(dir, 'lake');
    const lines = [
      ...generateEvents({
        conversations: 12,
        seed: 20,
        startTime: Date.UTC(2026, 11, 7, 23, 58),
        duplicates: 0.1,
        families: ['conversation', 'user-presence', 'user-routing-status', 'user-activity', 'audit', 'transcription'],
      }),
    ];
    const events = lines.map((line) => {
      const parsed = parseGenesysEvent(JSON.parse(line) as object);
      if (!parsed.ok) throw new Error('the simulator sent an invalid event');
      return parsed.event;
    });
    const keys = new Set(events.map((e) => e.key));
    const sentFamilies = new Set(events.map((e) => e.kind));
    expect(sentFamilies.size).toBeGreaterThanOrEqual(5);
    expect(keys.size).toBeLessThan(lines.length);

    for (const run of ['first', 'second']) {
      const lake = await LakeFileSink.open({ dir: lakeDir });
      const runtime = await startRuntime({ dataDir: join(dir, run), port: 0 }, { sinks: [lake] });
      try {
        const sent = await sendAll(lines, () => runtime.url);
        expect(sent.accepted).toHaveLength(lines.length);
        await until(() => lakeRecords(lakeDir).length >= keys.size, 30_000);
        // Every event settled (processed or a duplicate): nothing more can come.
        await until(async () => {
          const stats = await runtime.telemetry.snapshot();
          return stats.processed + stats.duplicates >= lines.length;
        }, 30_000);
      } finally {
        await runtime.stop();
        lake.close();
      }
      const records = lakeRecords(lakeDir);
      expect(records).toHaveLength(keys.size);
      expect(new Set(records.map((r) => r.record.idempotency_key))).toEqual(keys);
      for (const { partition, record } of records) expect(partition).toBe(lakePartitionPath(lakePartition(record)));
      expect(new Set(records.map((r) => r.record.family))).toEqual(sentFamilies);
      // Events around midnight UTC: two days' partitions.
      expect(new Set(records.map((r) => r.partition.split('/')[1])).size).toBeGreaterThan(1);
    }
  });
});
