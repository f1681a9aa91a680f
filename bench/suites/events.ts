/**
 * `npm run bench -- events`: validating the simulator's events (50,000 from 8,000 conversations,
 * 1 % duplicates) with the event model — µs of CPU per event for
 *
 * - `parseGenesysEvent` on the JSON text (compiled fast path, zod for anything else),
 * - the same with zod alone (`parseGenesysEventWithZod`, the reference the fast path is tested
 *   against, as the event model first did it),
 * - `parseGenesysEvent` on the parsed object (what the processor does on AWS),
 * - `eventKey` alone,
 * - the validator over Pipe-like batches of 10 records (one JSON.parse per record).
 *
 * Each figure is the best of several passes over all events (other processes share the CPUs);
 * every pass's figure is in `details.passesMicroseconds`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventKey, parseGenesysEvent } from '../../src/events/index.js';
import { parseGenesysEventWithZod } from '../../src/events/parse.js';
import { createValidator, openSqliteDatabase, SqliteDeadLetterStore } from '../../src/processing/index.js';
import { ParsedEventHandoff } from '../../src/processing/parsed-events.js';
import type { SqsRecord } from '../../src/processing/index.js';
import { generateEvents } from '../../src/simulate/index.js';
import { rate } from '../harness.js';
import type { BenchResult, BenchSuite } from '../harness.js';

const EVENTS = 50_000;
const PASSES = 5;
const BATCH = 10;

/** CPU µs per event of `run` (one pass over all events), best of PASSES after a warm-up pass. */
async function measure(name: string, events: number, run: () => unknown): Promise<BenchResult> {
  await run();
  const passes: number[] = [];
  for (let i = 0; i < PASSES; i++) {
    const cpu = process.cpuUsage();
    await run();
    const used = process.cpuUsage(cpu);
    passes.push((used.user + used.system) / events);
  }
  const best = Math.min(...passes);
  return {
    name,
    events,
    seconds: (best * events) / 1e6,
    eventsPerSecond: rate(events, (best * events) / 1e6),
    details: { microsecondsPerEvent: round(best), passesMicroseconds: passes.map(round) },
  };
}

const round = (n: number) => Math.round(n * 100) / 100;

const suite: BenchSuite = {
  name: 'events',
  description: `parseGenesysEvent, eventKey and the validator on ${EVENTS.toLocaleString('en-US')} simulated events (µs CPU per event)`,
  async run() {
    const lines: string[] = [];
    for (const line of generateEvents({ conversations: 8000, seed: 42, duplicates: 0.01 })) {
      lines.push(line);
      if (lines.length === EVENTS) break;
    }
    const values = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const keyInputs = values.map((value) => value.detail as { topicName: string; eventBody: unknown });
    let valid = 0;
    for (const line of lines) if (parseGenesysEvent(line).ok) valid++;
    if (valid !== lines.length) throw new Error(`${lines.length - valid} of the simulated events are invalid`);

    const results: BenchResult[] = [];
    results.push(
      await measure('JSON.parse alone (the floor)', lines.length, () => lines.forEach((line) => JSON.parse(line))),
    );
    const fast = await measure('parseGenesysEvent(text)', lines.length, () =>
      lines.forEach((line) => parseGenesysEvent(line)),
    );
    const zod = await measure('parseGenesysEvent(text), zod alone', lines.length, () =>
      lines.forEach((line) => parseGenesysEventWithZod(line)),
    );
    fast.ratios = {
      'fast/zod-alone': (fast.details!.microsecondsPerEvent as number) / (zod.details!.microsecondsPerEvent as number),
    };
    results.push(fast, zod);
    results.push(
      await measure('parseGenesysEvent(object)', values.length, () =>
        values.forEach((value) => parseGenesysEvent(value)),
      ),
    );
    results.push(
      await measure('eventKey', keyInputs.length, () => keyInputs.forEach((d) => eventKey(d.topicName, d.eventBody))),
    );

    const dir = mkdtempSync(join(tmpdir(), 'gep-bench-events-'));
    const db = openSqliteDatabase(join(dir, 'bench.db'));
    try {
      const validator = createValidator({
        deadLetters: new SqliteDeadLetterStore(db),
        parsedEvents: new ParsedEventHandoff(BATCH),
      });
      const batches: SqsRecord[][] = [];
      for (let i = 0; i < lines.length; i += BATCH) {
        batches.push(
          lines
            .slice(i, i + BATCH)
            .map((body, j) => ({ messageId: `m-${i + j}`, body, attributes: { ApproximateReceiveCount: '1' } })),
        );
      }
      results.push(
        await measure(`validator, batches of ${BATCH}`, lines.length, async () => {
          for (const records of batches) await validator.validate({ source: 'sqs', records });
        }),
      );
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
    return results;
  },
};

export default suite;
