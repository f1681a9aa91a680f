/**
 * `npm run bench -- pipeline`: the local runtime end to end, on the same simulated events
 * (`BENCH_EVENTS`, default 1,000,000; 1 % duplicates):
 *
 * (a) the bare durable queue round trip — send + receive + delete in batches of 100: the floor;
 * (b) the full pipeline in `buffered` mode — PutEvents (in-process, 10 entries per call, 16 calls
 *     in flight) → archive + queue (group commit) → Pipe pollers → buffered state machine →
 *     validator, idempotent processor, projection — durability and idempotency on, until every
 *     event has an outcome;
 * (b') (b) with `--durability full` (`synchronous = FULL` on both files: a WAL sync per group
 *     commit, what an OS crash or power loss needs) on the first `BENCH_FULL_EVENTS` events
 *     (default 200,000), beside (b) on as many, for the ratio;
 * (c) the same in `direct` mode (one execution per event), on the first `BENCH_DIRECT_EVENTS`
 *     events (default 50,000: it is much slower);
 * (d) the state machine alone, with trivial handlers, on each executor (`fast`, the runtime's
 *     default, and `reference`, aws-local-stepfunctions): what the executor itself costs.
 *
 * `BENCH_EXECUTOR=reference` runs (b) and (c) on the reference executor.
 *
 * Each measurement runs in a child process of its own (this file, `--phase …`), so that its peak
 * RSS (`process.resourceUsage().maxRSS`) is its own. Ingestion is paused while more than
 * 20,000 events wait, so (b) and (c) measure sustained processing with a bounded backlog.
 * HTTP ingestion with the AWS SDK is measured separately by `npm run bench -- queue`.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { QueueStore } from '../../src/queue/index.js';
import { startRuntime } from '../../src/runtime/index.js';
import { applyRuntimeV8Flags } from '../../src/runtime/v8-flags.js';
import type { Durability } from '../../src/runtime/options.js';
import {
  buildStateMachineDefinition,
  createWorkflowExecutor,
  FUNCTION_PLACEHOLDERS,
} from '../../src/workflow/index.js';
import type { JsonValue, LocalLambdaHandler, WorkflowExecutorKind, WorkflowMode } from '../../src/workflow/index.js';
import { generateEvents } from '../../src/simulate/index.js';
import type { BenchResult, BenchSuite } from '../harness.js';
import { rate } from '../harness.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const DIRECT_EVENTS = Math.min(EVENTS, Number(process.env.BENCH_DIRECT_EVENTS ?? 50_000));
const FULL_EVENTS = Math.min(EVENTS, Number(process.env.BENCH_FULL_EVENTS ?? 200_000));
const MAX_BACKLOG = 20_000;
const IN_FLIGHT_CALLS = 16;
const here = fileURLToPath(import.meta.url);
/**
 * V8 heap flags of the measured process's main thread, as `npm start` runs the runtime (the
 * processing thread has its own limits, `WORKER_HEAP` in src/runtime/processing.ts; see
 * docs/runtime.md, "Memory"). The main thread's live heap is ~30–50 MB; a 16 MB semi-space lets
 * the per-event garbage of ingestion die young instead of being promoted.
 */
const HEAP_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '--max-old-space-size=128 --max-semi-space-size=16')
  .split(' ')
  .filter(Boolean);

interface PhaseResult {
  events: number;
  seconds: number;
  peakRssBytes: number;
  details: Record<string, unknown>;
}

/** Writes the events once: an NDJSON file every phase reads. */
async function writeEvents(file: string, count: number): Promise<void> {
  const out = createWriteStream(file);
  let n = 0;
  for (const line of generateEvents({ conversations: Math.ceil(count / 7), seed: 42, duplicates: 0.01 })) {
    if (!out.write(`${line}\n`)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
    if (++n >= count) break;
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  if (n < count) throw new Error(`the simulator produced ${n} events, fewer than ${count}`);
}

/** A PutEvents request entry, without its bus. */
interface EntryLine {
  Source: string;
  DetailType: string;
  Detail: string;
  Time: string;
}

/**
 * The events as PutEvents entries (`Detail` as text), one JSON object per line, written before a
 * measurement starts: the measured process then only reads and parses a line per event, as a
 * PutEvents endpoint parses its request — not the event re-serialised.
 */
async function writeEntries(file: string, out: string, count: number): Promise<void> {
  const stream = createWriteStream(out);
  for await (const line of readLines(file, count)) {
    const e = JSON.parse(line) as { source: string; 'detail-type': string; detail: unknown; time: string };
    const entry: EntryLine = {
      Source: e.source,
      DetailType: e['detail-type'],
      Detail: JSON.stringify(e.detail),
      Time: e.time,
    };
    if (!stream.write(`${JSON.stringify(entry)}\n`))
      await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) =>
    stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
}

/**
 * The non-empty lines of an NDJSON file, at most `limit`. Reads the file into one reused 1 MiB
 * buffer and decodes each line alone: `readline` (or decoding whole chunks) allocates several
 * times the text per line, and a new buffer per chunk is one more piece of external memory for
 * V8 to track and free — work the measured process would do on the main thread it shares with
 * ingestion.
 */
async function* readLines(file: string, limit: number): AsyncGenerator<string> {
  let n = 0;
  const handle = await open(file, 'r');
  try {
    let buffer = Buffer.allocUnsafeSlow(1 << 20);
    let filled = 0;
    for (;;) {
      if (filled === buffer.length) {
        // One line longer than the buffer: a larger one.
        const larger = Buffer.allocUnsafeSlow(buffer.length * 2);
        buffer.copy(larger, 0, 0, filled);
        buffer = larger;
      }
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
      if (bytesRead === 0) break;
      const end = filled + bytesRead;
      let start = 0;
      for (
        let newline = buffer.indexOf(10, filled);
        newline !== -1 && newline < end;
        newline = buffer.indexOf(10, start)
      ) {
        if (newline > start) {
          yield buffer.toString('utf8', start, newline);
          if (++n >= limit) return;
        }
        start = newline + 1;
        if (start >= end) break;
      }
      filled = end - start;
      if (start > 0 && filled > 0) buffer.copy(buffer, 0, start, end);
    }
    if (filled > 0 && n < limit) yield buffer.toString('utf8', 0, filled);
  } finally {
    await handle.close();
  }
}

/**
 * CPU seconds of each thread of this process, as `main` or `<name>#<tid>` (since `since`, a
 * previous result), from `/proc/self/task/<tid>/stat` (Linux; elsewhere empty): which thread a
 * phase is bound by — `main` (ingestion), the processing worker (the busiest `node#…`), V8's GC
 * helpers, libuv's pool.
 */
function threadCpu(since: ReadonlyMap<string, number> = new Map()): Map<string, number> {
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return new Map();
  }
  const ticks = 100; // USER_HZ: 100 on Linux
  const byName = new Map<string, number>();
  for (const tid of tids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    } catch {
      continue;
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const seconds = (Number(fields[11]) + Number(fields[12])) / ticks;
    const label = tid === String(process.pid) ? 'main' : `${name}#${tid}`;
    byName.set(label, (byName.get(label) ?? 0) + seconds);
  }
  for (const [name, seconds] of since) byName.set(name, (byName.get(name) ?? 0) - seconds);
  return byName;
}

/** {@link threadCpu} as µs per event, busiest thread first. */
function perEvent(cpu: ReadonlyMap<string, number>, events: number): Record<string, number> {
  return Object.fromEntries(
    [...cpu]
      .filter(([, s]) => s >= 0.01)
      .sort((a, b) => b[1] - a[1])
      .map(([name, s]) => [name, +((s * 1e6) / events).toFixed(1)]),
  );
}

async function queuePhase(file: string, dir: string, count: number): Promise<PhaseResult> {
  const store = QueueStore.open(join(dir, 'queue.sqlite'));
  const queue = store.queue('events');
  const started = process.hrtime.bigint();
  let batch: string[] = [];
  let done = 0;
  const flush = async (): Promise<void> => {
    queue.sendBatch(batch.map((body) => ({ body })));
    const got = await queue.receive({ max: batch.length, visibilityTimeoutMs: 60_000 });
    const { deleted } = queue.deleteMessages(got.map((m) => m.receiptHandle));
    if (deleted !== batch.length) throw new Error(`round trip deleted ${deleted} of ${batch.length}`);
    done += deleted;
    batch = [];
  };
  for await (const line of readLines(file, count)) {
    batch.push(line);
    if (batch.length === 100) await flush();
  }
  if (batch.length) await flush();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  store.close();
  return { events: done, seconds, peakRssBytes: process.resourceUsage().maxRSS * 1024, details: { batch: 100 } };
}

async function pipelinePhase(
  file: string,
  dir: string,
  count: number,
  mode: WorkflowMode,
  durability: Durability = 'normal',
): Promise<PhaseResult> {
  // Plain counters of the outcomes (the telemetry snapshot is for the dashboard: it reads the
  // projection's figures from SQLite, too costly to call after every PutEvents call).
  const outcomes = { processed: 0, duplicates: 0, deadLettered: 0 };
  const counting = {
    processed: (n: number) => void (outcomes.processed += n),
    duplicate: (n = 1) => void (outcomes.duplicates += n),
    deadLettered: (n = 1) => void (outcomes.deadLettered += n),
  };
  applyRuntimeV8Flags(); // as `genesys-pipeline run` does, before anything else runs
  const entriesFile = join(dir, `entries-${mode}-${durability}.ndjson`);
  await writeEntries(file, entriesFile, count);
  const runtime = await startRuntime(
    {
      dataDir: join(dir, `pipeline-${mode}-${durability}-${count}`),
      port: 0,
      mode,
      durability,
      archiveRetentionDays: 1,
      ...(process.env.BENCH_COMMIT_MS ? { commitIntervalMs: Number(process.env.BENCH_COMMIT_MS) } : {}),
      ...(process.env.BENCH_POLLERS ? { pollers: Number(process.env.BENCH_POLLERS) } : {}),
      ...(process.env.BENCH_RETRY_PAUSE_MS ? { retryPauseMs: Number(process.env.BENCH_RETRY_PAUSE_MS) } : {}),
      ...(process.env.BENCH_EXECUTOR ? { executor: process.env.BENCH_EXECUTOR as WorkflowExecutorKind } : {}),
    },
    {
      outcomes: {
        ...counting,
        processingStarted() {},
        processingFinished() {},
        invalid() {},
        failed() {},
        retried() {},
        throttled() {},
      },
      ...(process.env.BENCH_PROCESSING_THREAD
        ? { processingThread: process.env.BENCH_PROCESSING_THREAD as 'main' | 'worker' }
        : {}),
    },
  );
  const t = runtime.telemetry;
  const finished = (): number => outcomes.processed + outcomes.duplicates + outcomes.deadLettered;
  const threadsAtStart = threadCpu();
  const started = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  // PutEvents calls in flight, and a wake-up for the feeder when one ends (a counter and one
  // waiter, not Promise.race over a set: that subscribes to every call in flight each time).
  let inFlight = 0;
  let callEnded: (() => void) | undefined;
  let entries: Array<{ Source: string; DetailType: string; Detail: string; Time: string; EventBusName: string }> = [];
  let sent = 0;
  let rejected = 0;
  let failure: unknown;
  const put = (batch: typeof entries): void => {
    inFlight++;
    runtime.pipeline.eventBridge
      .putEvents({ Entries: batch })
      .then(
        (r) => {
          rejected += r.FailedEntryCount;
        },
        (error: unknown) => {
          failure ??= error;
        },
      )
      .finally(() => {
        inFlight--;
        const wake = callEnded;
        callEnded = undefined;
        wake?.();
      });
  };
  const fewerCallsThan = async (limit: number): Promise<void> => {
    while (inFlight >= limit) await new Promise<void>((resolve) => (callEnded = resolve));
  };
  const busName = runtime.options.busName;
  for await (const line of readLines(entriesFile, count)) {
    const e = JSON.parse(line) as EntryLine;
    entries.push({ Source: e.Source, DetailType: e.DetailType, Detail: e.Detail, Time: e.Time, EventBusName: busName });
    sent++;
    if (entries.length === 10) {
      put(entries);
      entries = [];
      await fewerCallsThan(IN_FLIGHT_CALLS);
      while (sent - finished() > MAX_BACKLOG) await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  if (entries.length) put(entries);
  await fewerCallsThan(1);
  if (failure !== undefined) throw failure;
  while (finished() < sent - rejected) await new Promise((resolve) => setTimeout(resolve, 5));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const stats = await t.snapshot();
  const commits = runtime.pipeline.commits.stats();
  const threads = perEvent(threadCpu(threadsAtStart), sent);
  await runtime.stop();
  return {
    events: sent,
    seconds,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    details: {
      processed: stats.processed,
      duplicates: stats.duplicates,
      deadLettered: stats.deadLettered,
      retried: stats.retried,
      rejected,
      processorConcurrencyPeak: stats.processorConcurrencyPeak,
      cpuMicrosecondsPerEvent: Math.round((cpu.user + cpu.system) / sent),
      commits: commits.commits,
      cpuMicrosecondsPerEventByThread: threads,
      options: {
        batchSize: runtime.options.batchSize,
        pollers: runtime.options.pollers,
        maxConcurrency: runtime.options.maxConcurrency,
        commitIntervalMs: runtime.options.commitIntervalMs,
        durability: runtime.options.durability,
      },
    },
  };
}

/**
 * (d) The state machine alone: the buffered definition on one executor with trivial handlers
 * (the validator returns every record as an item, the processor `processed`, the reporter the
 * counts), batches of 100, 4 executions at once (as the runtime's default 4 pollers), a Map of
 * 10, the processor capped at 10 at once — what the executor itself costs per event, Lambda
 * emulation included.
 */
async function executorPhase(kind: WorkflowExecutorKind, seconds: number): Promise<PhaseResult> {
  const functions: Record<string, LocalLambdaHandler> = {
    [FUNCTION_PLACEHOLDERS.validator]: (p) => {
      const records = (p as { records: Array<{ messageId: string; body: string }> }).records;
      return {
        items: records.map((r) => ({
          messageId: r.messageId,
          receiveCount: 1,
          event: JSON.parse(r.body) as JsonValue,
        })),
        invalid: 0,
      };
    },
    [FUNCTION_PLACEHOLDERS.processor]: (p) => ({
      messageId: (p as { messageId: string }).messageId,
      status: 'processed',
    }),
    [FUNCTION_PLACEHOLDERS.batchReporter]: (p) => ({
      batchItemFailures: [],
      processed: (p as { outcomes: unknown[] }).outcomes.length,
      duplicates: 0,
      invalid: 0,
      deadLettered: 0,
      failed: 0,
      throttled: 0,
    }),
  };
  const executor = createWorkflowExecutor(kind, buildStateMachineDefinition({ mode: 'buffered', maxConcurrency: 10 }), {
    functions,
    concurrency: { [FUNCTION_PLACEHOLDERS.processor]: { limit: 10 } },
  });
  const body = [...generateEvents({ conversations: 1, seed: 42 })][0]!;
  const batch = Array.from({ length: 100 }, (_, i) => ({
    messageId: `m-${i}`,
    receiptHandle: `h-${i}`,
    body,
    attributes: { ApproximateReceiveCount: '1' },
  }));
  const cpuStart = process.cpuUsage();
  const started = process.hrtime.bigint();
  let events = 0;
  while (Number(process.hrtime.bigint() - started) / 1e9 < seconds) {
    await Promise.all([0, 1, 2, 3].map(() => executor.execute(batch as unknown as JsonValue)));
    events += 400;
  }
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  return {
    events,
    seconds: elapsed,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    details: {
      executor: kind,
      cpuMicrosecondsPerEvent: +((cpu.user + cpu.system) / events).toFixed(1),
      batch: 100,
      executionsAtOnce: 4,
    },
  };
}

/** Runs one phase in a child process and returns its result. */
function child(phase: string, file: string, dir: string, count: number): PhaseResult {
  // The executor phases measure the state machine, not the runtime: the reference interpreter
  // needs more heap than the runtime's limits allow.
  const flags = phase.startsWith('executor-') ? ['--max-old-space-size=512'] : HEAP_FLAGS;
  const run = spawnSync(
    process.execPath,
    [...flags, '--import', 'tsx', here, '--phase', phase, file, dir, String(count)],
    { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  if (run.status !== 0) throw new Error(`bench phase ${phase} failed (exit ${run.status}): ${run.stdout}`);
  const last = run.stdout.trim().split('\n').pop()!;
  return JSON.parse(last) as PhaseResult;
}

const suite: BenchSuite = {
  name: 'pipeline',
  description: `the local runtime end to end: queue floor, buffered and direct mode (${EVENTS.toLocaleString('en-US')} events)`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'gep-bench-pipeline-'));
    try {
      const file = join(dir, 'events.ndjson');
      await writeEvents(file, EVENTS);
      const a = child('queue', file, dir, EVENTS);
      const b = child('buffered', file, dir, EVENTS);
      const c = child('direct', file, dir, DIRECT_EVENTS);
      // The same number of events with each durability, one after the other.
      const bNormal = FULL_EVENTS === EVENTS ? b : child('buffered', file, dir, FULL_EVENTS);
      const bFull = child('buffered-full', file, dir, FULL_EVENTS);
      const dFast = child('executor-fast', file, dir, 0);
      const dReference = child('executor-reference', file, dir, 0);
      const ra = rate(a.events, a.seconds);
      const rb = rate(b.events, b.seconds);
      const rc = rate(c.events, c.seconds);
      const rbNormal = rate(bNormal.events, bNormal.seconds);
      const rbFull = rate(bFull.events, bFull.seconds);
      const rdFast = rate(dFast.events, dFast.seconds);
      const rdReference = rate(dReference.events, dReference.seconds);
      const results: BenchResult[] = [
        {
          name: '(a) durable queue send+receive+delete, batch 100',
          events: a.events,
          seconds: a.seconds,
          eventsPerSecond: ra,
          peakRssBytes: a.peakRssBytes,
          details: a.details,
        },
        {
          name: '(b) full pipeline, buffered mode',
          events: b.events,
          seconds: b.seconds,
          eventsPerSecond: rb,
          peakRssBytes: b.peakRssBytes,
          ratios: { 'b/a': rb / ra },
          details: b.details,
        },
        {
          name: "(b') full pipeline, buffered mode, --durability full (synchronous = FULL)",
          events: bFull.events,
          seconds: bFull.seconds,
          eventsPerSecond: rbFull,
          peakRssBytes: bFull.peakRssBytes,
          ratios: { 'full/normal': rbFull / rbNormal },
          details: { ...bFull.details, normalOnSameEvents: { events: bNormal.events, eventsPerSecond: rbNormal } },
        },
        {
          name: '(c) full pipeline, direct mode',
          events: c.events,
          seconds: c.seconds,
          eventsPerSecond: rc,
          peakRssBytes: c.peakRssBytes,
          ratios: { 'c/b': rc / rb },
          details: c.details,
        },
        {
          name: '(d) state machine alone (trivial handlers), fast executor',
          events: dFast.events,
          seconds: dFast.seconds,
          eventsPerSecond: rdFast,
          peakRssBytes: dFast.peakRssBytes,
          details: dFast.details,
        },
        {
          name: '(d) state machine alone (trivial handlers), reference executor (aws-local-stepfunctions)',
          events: dReference.events,
          seconds: dReference.seconds,
          eventsPerSecond: rdReference,
          peakRssBytes: dReference.peakRssBytes,
          ratios: { 'fast/reference': rdFast / rdReference },
          details: dReference.details,
        },
      ];
      return results;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default suite;

// Child process: one phase.
if (process.argv[2] === '--phase') {
  const [, , , phase, file, dir, count] = process.argv as [string, string, string, string, string, string, string];
  const result =
    phase === 'queue'
      ? await queuePhase(file, dir, Number(count))
      : phase.startsWith('executor-')
        ? await executorPhase(phase.slice('executor-'.length) as WorkflowExecutorKind, 8)
        : phase === 'buffered-full'
          ? await pipelinePhase(file, dir, Number(count), 'buffered', 'full')
          : await pipelinePhase(file, dir, Number(count), phase as WorkflowMode);
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
