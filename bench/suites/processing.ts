/**
 * The processing core on one machine: simulated events through the buffered state machine on the
 * local executor (SQLite stores), in Pipe-like batches; the projection fold alone; the SQLite
 * projection store per event (cache warm or cold, in batch transactions or autocommit); the
 * processor per event with idempotency; the contact-centre figures over 200,000 conversations;
 * and the memory of 1,000,000 events through the store.
 *
 * "batch transaction" = `BEGIN IMMEDIATE` … `COMMIT` around every 100 events, as the local
 * runtime's group commit does; "autocommit" = each event its own transaction.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eventKey, parseConversationTopicName, parseGenesysEvent } from '../../src/events/index.js';
import type { ConversationEvent } from '../../src/events/index.js';
import {
  ConversationProjectionSink,
  createLocalHandlers,
  createProcessor,
  createValidator,
  factOf,
  openSqliteDatabase,
  projectConversation,
  SqliteConversationQueries,
  SqliteConversationStore,
  SqliteDeadLetterStore,
  SqliteIdempotencyPersistenceLayer,
} from '../../src/processing/index.js';
import { ParsedEventHandoff } from '../../src/processing/parsed-events.js';
import type { ConversationFact, SqliteDatabase } from '../../src/processing/index.js';
import { generateEvents } from '../../src/simulate/index.js';
import { buildStateMachineDefinition, createWorkflowExecutor } from '../../src/workflow/index.js';
import type { WorkflowExecutorKind } from '../../src/workflow/index.js';
import type { JsonValue } from '../../src/workflow/index.js';
import { rate, sampleRss, timed } from '../harness.js';
import type { BenchResult, BenchSuite } from '../harness.js';

const CONVERSATIONS = 500;
const BATCH = 100;

/** A fresh database in a temp dir, removed after `fn`. */
async function withDatabase<T>(fn: (db: SqliteDatabase) => Promise<T> | T): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'gep-bench-processing-'));
  const db = openSqliteDatabase(join(dir, 'bench.db'));
  try {
    return await fn(db);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Facts of simulated clean events, fast: the simulator's events are valid, so the bench skips the
 * schema check and computes only what a fact needs (the event key included).
 */
function* simulatedFacts(conversations: number, seed: number): Generator<ConversationFact> {
  for (const line of generateEvents({ conversations, seed })) {
    const event = JSON.parse(line) as { detail: { topicName: string; eventBody: Record<string, unknown> } };
    const { topicName, eventBody } = event.detail;
    const topic = parseConversationTopicName(topicName)!.topic;
    yield factOf({
      kind: 'conversation',
      topic,
      conversationId: eventBody.conversationId,
      eventTime: eventBody.eventTime,
      body: eventBody,
      key: eventKey(topicName, eventBody),
    } as unknown as ConversationEvent);
  }
}

/**
 * The handlers through the buffered state machine, each statement its own (autocommit)
 * transaction — without the runtime's group commit — on either executor. No duplicates: a
 * duplicate delivered while its original is in progress is retried after the definition's
 * backoff (1 s, full jitter), which would measure the backoff, not the work.
 */
async function pipeline(kind: WorkflowExecutorKind, batchSize: number, parallel: number): Promise<BenchResult> {
  return withDatabase(async (db) => {
    const lines = [...generateEvents({ conversations: CONVERSATIONS, seed: 7, outOfOrder: 0.1, malformed: 0.02 })];
    const local = createLocalHandlers({ db });
    const executor = createWorkflowExecutor(
      kind,
      buildStateMachineDefinition({ mode: 'buffered', maxConcurrency: 10 }),
      { functions: local.functions },
    );
    const batches: JsonValue[] = [];
    for (let i = 0; i < lines.length; i += batchSize) {
      batches.push(
        lines.slice(i, i + batchSize).map((body, j) => ({
          messageId: `m-${i + j}`,
          body,
          attributes: { ApproximateReceiveCount: '1' },
        })) as unknown as JsonValue,
      );
    }
    const rss = sampleRss();
    const { seconds } = await timed(async () => {
      for (let i = 0; i < batches.length; i += parallel)
        await Promise.all(batches.slice(i, i + parallel).map((b) => executor.execute(b)));
    });
    return {
      name: `buffered workflow (${kind} executor, autocommit), batch ${batchSize} × ${parallel} parallel`,
      events: lines.length,
      seconds,
      eventsPerSecond: rate(lines.length, seconds),
      peakRssBytes: rss.stop(),
      details: { conversations: CONVERSATIONS, maxConcurrency: 10 },
    };
  });
}

function fold(): BenchResult {
  const byConversation = new Map<string, ConversationFact[]>();
  for (const line of generateEvents({ conversations: CONVERSATIONS, seed: 7 })) {
    const parsed = parseGenesysEvent(line);
    if (parsed.ok && parsed.event.kind === 'conversation') {
      const fact = factOf(parsed.event);
      byConversation.set(fact.conversationId, [...(byConversation.get(fact.conversationId) ?? []), fact]);
    }
  }
  const events = [...byConversation.values()].reduce((n, f) => n + f.length, 0);
  const start = process.hrtime.bigint();
  for (const facts of byConversation.values()) projectConversation(facts);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { name: 'projection fold (whole conversations)', events, seconds, eventsPerSecond: rate(events, seconds) };
}

/** `applyFact` per event over a simulated stream; `cache: 0` is the cold path (every event reads its conversation's facts). */
async function applyFacts(
  label: string,
  options: { cache?: number; batch: number; facts: readonly ConversationFact[] },
): Promise<BenchResult> {
  return withDatabase((db) => {
    const store = new SqliteConversationStore(
      db,
      options.cache === undefined ? {} : { cacheConversations: options.cache },
    );
    let commitNs = 0n;
    const start = process.hrtime.bigint();
    if (options.batch > 1) {
      for (let i = 0; i < options.facts.length; i += options.batch) {
        db.exec('BEGIN IMMEDIATE');
        for (const fact of options.facts.slice(i, i + options.batch)) store.applyFactNow(fact);
        const c = process.hrtime.bigint();
        db.exec('COMMIT');
        commitNs += process.hrtime.bigint() - c;
      }
    } else {
      for (const fact of options.facts) store.applyFactNow(fact);
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const n = options.facts.length;
    return {
      name: `projection store applyFact, ${label}`,
      events: n,
      seconds,
      eventsPerSecond: rate(n, seconds),
      details: {
        microsecondsPerEvent: round((seconds * 1e6) / n),
        ...(options.batch > 1
          ? { commitMicrosecondsPerEvent: round(Number(commitNs) / 1e3 / n), eventsPerTransaction: options.batch }
          : { transaction: 'one per event' }),
        cache: store.cacheStats(),
      },
    };
  });
}

/** validator → processor (idempotency + projection) per event, as the local handlers run them, without the state machine. */
async function processorPerEvent(label: string, batch: number, recordIdsByEventTime = false): Promise<BenchResult> {
  const lines = [...generateEvents({ conversations: 2000, seed: 9, duplicates: 0.05, outOfOrder: 0.1 })];
  return withDatabase(async (db) => {
    const deadLetters = new SqliteDeadLetterStore(db);
    const parsedEvents = new ParsedEventHandoff();
    const validator = createValidator({ deadLetters, parsedEvents });
    const processor = createProcessor({
      persistenceStore: new SqliteIdempotencyPersistenceLayer(db, { recordIdsByEventTime }),
      sinks: [new ConversationProjectionSink(new SqliteConversationStore(db))],
      deadLetters,
      parsedEvents,
    });
    const ns = { validate: 0n, process: 0n, commit: 0n };
    const lap = (key: keyof typeof ns, since: bigint): bigint => {
      const now = process.hrtime.bigint();
      ns[key] += now - since;
      return now;
    };
    const start = process.hrtime.bigint();
    for (let i = 0; i < lines.length; i += batch) {
      const records = lines.slice(i, i + batch).map((body, j) => ({ messageId: `m-${i + j}`, body }));
      if (batch > 1) db.exec('BEGIN IMMEDIATE');
      let t = process.hrtime.bigint();
      const { items } = await validator.validate({ source: 'sqs', records });
      t = lap('validate', t);
      // Items cross the state machine as JSON, as in the local executor.
      for (const item of items) await processor.process(JSON.parse(JSON.stringify(item)) as typeof item);
      t = lap('process', t);
      if (batch > 1) db.exec('COMMIT');
      lap('commit', t);
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const per = (v: bigint) => round(Number(v) / 1e3 / lines.length);
    return {
      name: `validator + processor per event, ${label}`,
      events: lines.length,
      seconds,
      eventsPerSecond: rate(lines.length, seconds),
      details: {
        microsecondsPerEvent: {
          validate: per(ns.validate),
          process: per(ns.process),
          ...(batch > 1 ? { commit: per(ns.commit) } : {}),
        },
        recordIdsByEventTime,
        handoff: parsedEvents.stats(),
        duplicatesInStream: 0.05,
      },
    };
  });
}

/**
 * CPU time per event of `processor.process` — idempotency, projection, their SQL — and its share
 * of the commit, the way the local runtime's processing host runs it: about 100,000 simulated
 * events (1 % duplicates, 10 % out of order) validated and processed in transactions of 100
 * events on a SQLite file with the host's settings (WAL checkpoints every 10,000 pages, 16 MiB of
 * page cache), the validated event handed to the processor as it is (the host does not copy
 * payloads). CPU time (`process.cpuUsage`), not wall time: other work on the machine changes it
 * less. With `pagesWritten`, automatic checkpoints are off and the WAL's growth gives the
 * database pages the processor's transactions wrote per event.
 */
async function processorCpu(options: { pagesWritten?: boolean } = {}): Promise<BenchResult> {
  const lines = [...generateEvents({ conversations: 9000, seed: 9, duplicates: 0.01, outOfOrder: 0.1 })];
  return withDatabase(async (db) => {
    db.pragma(`wal_autocheckpoint = ${options.pagesWritten ? 0 : 10_000}`);
    db.pragma('cache_size = -16384');
    const deadLetters = new SqliteDeadLetterStore(db);
    const parsedEvents = new ParsedEventHandoff();
    const validator = createValidator({ deadLetters, parsedEvents });
    const conversations = new SqliteConversationStore(db);
    const processor = createProcessor({
      persistenceStore: new SqliteIdempotencyPersistenceLayer(db, { recordIdsByEventTime: true }),
      sinks: [new ConversationProjectionSink(conversations)],
      deadLetters,
      parsedEvents,
    });
    const cpu = (): number => {
      const { user, system } = process.cpuUsage();
      return user + system;
    };
    const walBytes = (): number => (existsSync(`${db.name}-wal`) ? statSync(`${db.name}-wal`).size : 0);
    const walBefore = walBytes();
    const spent = { process: 0, commit: 0 };
    const statuses: Record<string, number> = {};
    const start = process.hrtime.bigint();
    for (let i = 0; i < lines.length; i += BATCH) {
      const records = lines.slice(i, i + BATCH).map((body, j) => ({ messageId: `m-${i + j}`, body }));
      db.exec('BEGIN IMMEDIATE');
      const { items } = await validator.validate({ source: 'sqs', records });
      const t0 = cpu();
      for (const item of items) {
        const { status } = await processor.process(item);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
      const t1 = cpu();
      db.exec('COMMIT');
      spent.process += t1 - t0;
      spent.commit += cpu() - t1;
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const n = lines.length;
    const pageSize = Number(db.pragma('page_size', { simple: true }));
    return {
      name: options.pagesWritten
        ? 'processor.process, pages written per event (no automatic checkpoints)'
        : 'processor.process CPU per event, 100,000 simulated events, transactions of 100',
      events: n,
      seconds,
      eventsPerSecond: rate(n, seconds),
      details: {
        cpuMicrosecondsPerEvent: {
          process: round(spent.process / n),
          commit: round(spent.commit / n),
          total: round((spent.process + spent.commit) / n),
        },
        ...(options.pagesWritten
          ? { pagesWrittenPerEvent: round((1000 * (walBytes() - walBefore)) / (pageSize + 24) / n) / 1000 }
          : {}),
        statuses,
        cache: conversations.cacheStats(),
        note: 'validation excluded; wall-clock rate includes it',
      },
    };
  });
}

/** The dashboard's read over 200,000 conversations (a new database filled through the store). */
async function figures(): Promise<BenchResult[]> {
  const conversations = 200_000;
  return withDatabase((db) => {
    const store = new SqliteConversationStore(db, { cacheConversations: 1000 });
    const queries = new SqliteConversationQueries(db);
    const T0 = 1767268800000;
    const fact = (
      conversationId: string,
      topic: ConversationFact['topic'],
      eventTime: number,
      extra: Partial<ConversationFact> = {},
    ): ConversationFact => ({
      key: `${conversationId}:${topic}`,
      conversationId,
      topic,
      eventTime,
      participantId: `${conversationId}-acd`,
      ...extra,
    });
    const { seconds: fillSeconds } = timedSync(() => {
      for (let c = 0; c < conversations; c += 1000) {
        db.exec('BEGIN IMMEDIATE');
        for (let i = c; i < c + 1000; i++) {
          const id = `c-${String(i).padStart(7, '0')}`;
          const queueId = `q-${Math.floor(i / 10) % 40}`;
          const t = T0 + i * 10;
          store.applyFactNow(fact(id, 'customer.start', t));
          store.applyFactNow(fact(id, 'acd.start', t + 1000, { queueId }));
          if (i % 10 === 0) continue; // still waiting
          const abandoned = i % 7 === 0;
          store.applyFactNow(
            fact(id, 'acd.end', t + 30_000, {
              queueId,
              acdOutcome: abandoned ? 'ABANDON' : 'ANSWERED',
              connectedDurationMs: 29_000,
            }),
          );
          if (!abandoned)
            store.applyFactNow(
              fact(id, 'user.end', t + 300_000, {
                participantId: `${id}-agent`,
                userId: 'u1',
                interactingDurationMs: 270_000,
                heldDurationMs: 20_000,
              }),
            );
          if (i % 3 !== 0) store.applyFactNow(fact(id, 'customer.end', t + 300_100));
        }
        db.exec('COMMIT');
      }
    });
    const calls = 2000;
    const { seconds } = timedSync(() => {
      for (let i = 0; i < calls; i++) queries.contactCentreFigures();
    });
    const listCalls = 500;
    const { seconds: listSeconds } = timedSync(() => {
      for (let i = 0; i < listCalls; i++) queries.list({ state: 'active', limit: 50 });
    });
    const { seconds: recountSeconds, value: recount } = timedSync(() => queries.recountContactCentreFigures());
    const current = queries.contactCentreFigures();
    if (JSON.stringify(current) !== JSON.stringify(recount))
      throw new Error('The maintained figures differ from a recount.');
    return [
      {
        name: `contactCentreFigures(), ${conversations.toLocaleString('en-US')} conversations`,
        seconds,
        details: {
          microsecondsPerCall: round((seconds * 1e6) / calls),
          callsPerSecond: Math.round(calls / seconds),
          fullScanRecountMilliseconds: round(recountSeconds * 1e3),
          figures: { ...current, waitingByQueue: `${current.waitingByQueue.length} queues` },
          fillSeconds: round(fillSeconds),
        },
      },
      {
        name: `list({ state: 'active', limit: 50 }), ${conversations.toLocaleString('en-US')} conversations`,
        seconds: listSeconds,
        details: { microsecondsPerCall: round((listSeconds * 1e6) / listCalls) },
      },
    ];
  });
}

const MILLION_CHILD_FLAG = '--processing-million-child';

/**
 * 1,000,000 events streamed from the simulator through the store with its default cache, in
 * batches of 1000: throughput and memory, measured in a child process so that nothing else of
 * the suite is in its heap.
 */
function million(): BenchResult {
  const output = execFileSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), MILLION_CHILD_FLAG],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return JSON.parse(output.slice(output.indexOf('{'))) as BenchResult;
}

async function millionInThisProcess(): Promise<BenchResult> {
  const baselineRss = process.memoryUsage.rss();
  return withDatabase((db) => {
    const store = new SqliteConversationStore(db);
    const rss = sampleRss(20);
    let n = 0;
    const start = process.hrtime.bigint();
    db.exec('BEGIN IMMEDIATE');
    for (const fact of simulatedFacts(93_000, 3)) {
      store.applyFactNow(fact);
      if (++n % 1000 === 0) {
        db.exec('COMMIT');
        if (n === 1_000_000) break;
        db.exec('BEGIN IMMEDIATE');
      }
    }
    if (db.inTransaction) db.exec('COMMIT');
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const peakRssBytes = rss.stop();
    // The cache's own heap: live heap with it, then without it (the child runs with --expose-gc).
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const withCache = process.memoryUsage().heapUsed;
    const cache = store.cacheStats();
    store.clearCache();
    gc?.();
    const cacheHeapMiB = gc ? round((withCache - process.memoryUsage().heapUsed) / 2 ** 20) : 'run with --expose-gc';
    return {
      name: 'projection store, 1,000,000 simulated events (simulation included), default cache, batches of 1000',
      events: n,
      seconds,
      eventsPerSecond: rate(n, seconds),
      peakRssBytes,
      details: {
        cache,
        cacheHeapMiB,
        processRssBeforeMiB: round(baselineRss / 2 ** 20),
        liveHeapWithCacheMiB: round(withCache / 2 ** 20),
        databaseMiB: round(
          (Number(db.pragma('page_count', { simple: true })) * Number(db.pragma('page_size', { simple: true }))) /
            2 ** 20,
        ),
      },
    };
  });
}

function timedSync<T>(fn: () => T): { seconds: number; value: T } {
  const start = process.hrtime.bigint();
  const value = fn();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, value };
}

const round = (x: number): number => Math.round(x * 100) / 100;

const suite: BenchSuite = {
  name: 'processing',
  description:
    'validator → idempotent processor → conversation projection, locally on SQLite: state machine, store, processor, figures, memory',
  async run() {
    const results: BenchResult[] = [await pipeline('fast', 100, 3), await pipeline('reference', 100, 3), fold()];
    const facts = [...simulatedFacts(15_000, 11)];
    // Warm: the cache holds every conversation in flight; cold: no cache, every event reads its conversation.
    const warm = await applyFacts('warm cache, batch transaction', { batch: BATCH, facts });
    const cold = await applyFacts('cold (no cache), batch transaction', { cache: 0, batch: BATCH, facts });
    const auto = await applyFacts('warm cache, autocommit', { batch: 1, facts: facts.slice(0, 30_000) });
    warm.ratios = {
      'warm/cold': round(warm.eventsPerSecond! / cold.eventsPerSecond!),
      'batch/autocommit': round(warm.eventsPerSecond! / auto.eventsPerSecond!),
    };
    results.push(warm, cold, auto);
    const batched = await processorPerEvent('batch transaction', BATCH);
    const byTime = await processorPerEvent('batch transaction, record ids by event time', BATCH, true);
    const autocommit = await processorPerEvent('autocommit', 1);
    batched.ratios = {
      'batch/autocommit': round(batched.eventsPerSecond! / autocommit.eventsPerSecond!),
      'byEventTime/batch': round(byTime.eventsPerSecond! / batched.eventsPerSecond!),
    };
    results.push(
      batched,
      byTime,
      autocommit,
      await processorCpu(),
      await processorCpu({ pagesWritten: true }),
      ...(await figures()),
      million(),
    );
    return results;
  },
};

export default suite;

// In the child process of `million()`: measure and print the result.
if (process.argv.includes(MILLION_CHILD_FLAG)) process.stdout.write(JSON.stringify(await millionInThisProcess()));
