/**
 * `npm run bench -- simulator`: the simulator writing NDJSON to a real file (the path of
 * `genesys-pipeline simulate --out FILE`), with and without faults, and generation alone (no
 * I/O). Target: ≥ 100,000 events/s to a file. Also records CPU time per event, which is steadier
 * than wall time on a shared machine.
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateEvents, writeNdjson } from '../../src/simulate/index.js';
import type { SimulationOptions } from '../../src/simulate/index.js';
import type { BenchResult, BenchSuite } from '../harness.js';
import { rate, sampleRss } from '../harness.js';

const CONVERSATIONS = 30_000;

async function toFile(name: string, options: SimulationOptions, dir: string): Promise<BenchResult> {
  const file = join(dir, 'events.ndjson');
  const rss = sampleRss();
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  const out = createWriteStream(file);
  const { lines, bytes } = await writeNdjson(generateEvents(options), out);
  await new Promise<void>((resolve, reject) => {
    out.once('error', reject);
    out.end(() => resolve());
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  const size = statSync(file).size;
  if (size !== bytes) throw new Error(`file has ${size} bytes, the writer reported ${bytes}`);
  return {
    name,
    events: lines,
    seconds,
    eventsPerSecond: rate(lines, seconds),
    peakRssBytes: rss.stop(),
    details: {
      conversations: options.conversations,
      megabytes: Math.round(bytes / 1e6),
      megabytesPerSecond: Math.round(bytes / 1e6 / seconds),
      eventsPerCpuSecond: rate(lines, cpuSeconds),
    },
  };
}

function generationOnly(options: SimulationOptions): BenchResult {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  let lines = 0;
  let chars = 0;
  for (const line of generateEvents(options)) {
    lines += 1;
    chars += line.length;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  return {
    name: 'simulator, generation only (no I/O)',
    events: lines,
    seconds,
    eventsPerSecond: rate(lines, seconds),
    details: {
      conversations: options.conversations,
      averageLineChars: Math.round(chars / lines),
      eventsPerCpuSecond: rate(lines, (used.user + used.system) / 1e6),
    },
  };
}

const suite: BenchSuite = {
  name: 'simulator',
  description: `simulate ${CONVERSATIONS.toLocaleString('en-US')} conversations to NDJSON (target ≥ 100,000 events/s to a file)`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'gep-bench-simulator-'));
    try {
      // Warm-up: JIT-compile the hot paths before measuring.
      await toFile('warm-up', { conversations: 2000, seed: 99 }, dir);
      const clean = await toFile('simulator → file', { conversations: CONVERSATIONS, seed: 1 }, dir);
      const faulty = await toFile(
        'simulator → file, faults (5 % dup/late/malformed, 0.1 % oversized)',
        {
          conversations: CONVERSATIONS,
          seed: 1,
          duplicates: 0.05,
          outOfOrder: 0.05,
          malformed: 0.05,
          oversized: 0.001,
        },
        dir,
      );
      const generation = generationOnly({ conversations: CONVERSATIONS, seed: 1 });
      clean.ratios = { 'file/generation-only': clean.eventsPerSecond! / generation.eventsPerSecond! };
      faulty.ratios = { 'faults/clean': faulty.eventsPerSecond! / clean.eventsPerSecond! };
      return [clean, faulty, generation];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default suite;
