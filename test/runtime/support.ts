/**
 * Helpers for the runtime tests: the runtime as a child process of the real CLI, a PutEvents
 * sender with the real AWS SDK that retries what was not acknowledged, and the reference outcome
 * computed from the simulated lines exactly as the pipeline should see them.
 */
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import Database from 'better-sqlite3';
import type { ExpectStatic } from 'vitest';
import { compileEventPattern } from '../../src/eventbridge/index.js';
import { buildEvent, formatEventTime } from '../../src/eventbridge/bus-event.js';
import { parseGenesysEvent } from '../../src/events/index.js';
import {
  factOf,
  idempotencyRecordId,
  projectConversation,
  SqliteConversationQueries,
} from '../../src/processing/index.js';
import type { ConversationFact, ConversationProjection } from '../../src/processing/index.js';
import { resolveRuntimeOptions, withBearerToken } from '../../src/runtime/index.js';
import { ruleEventPattern } from '../../src/runtime/options.js';
import { toPutEventsEntry } from '../../src/simulate/index.js';
import { cliEntry, projectRoot } from '../support/paths.js';

/** A runtime started as `genesys-pipeline run` in a child process. */
export interface RuntimeProcess {
  url: string;
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or null) and signal when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `genesys-pipeline run --data-dir … <args>` and waits until it listens. */
export function startRuntimeProcess(
  dataDir: string,
  args: readonly string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<RuntimeProcess> {
  const child = spawn(
    process.execPath,
    [cliEntry, 'run', '--data-dir', dataDir, ...(args.includes('--port') ? [] : ['--port', '0']), ...args],
    {
      cwd: projectRoot,
      env: { ...process.env, NO_COLOR: '1', ...env },
    },
  );
  let out = '';
  let err = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the runtime did not start within 30 s.\nstdout: ${out}\nstderr: ${err}`));
    }, 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /PutEvents: +(http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1]!, child, stdout: () => out, stderr: () => err, exited });
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(
        new Error(
          `the runtime exited (code ${code}, signal ${signal}) before listening.\nstdout: ${out}\nstderr: ${err}`,
        ),
      );
    });
  });
}

/** A free TCP port on 127.0.0.1 (so that a restarted runtime can listen where the sender sends). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** An SDK client for a local runtime (dummy credentials; the bearer token when given). */
export function clientFor(url: string, token?: string): EventBridgeClient {
  const client = new EventBridgeClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  return token === undefined ? client : withBearerToken(client, token);
}

/** The default partner bus of the runtime (the simulator's org and suffix). */
export const BUS = resolveRuntimeOptions({ dataDir: 'x' }).busName;

/** The entry of a simulated line, as the simulator's sender builds it. */
export function entryOf(line: string): PutEventsRequestEntry {
  return toPutEventsEntry(line, { eventBusName: BUS }).entry as PutEventsRequestEntry;
}

/** What the pipeline should end with, computed from the accepted lines. */
export interface Reference {
  /** Distinct valid event keys. */
  keys: Set<string>;
  /**
   * The ids of their idempotency records, as the runtime writes them: ordered by event time
   * (`idempotencyRecordId(key, eventTime, { recordIdsByEventTime: true })`).
   */
  recordIds: Set<string>;
  /** Valid deliveries (with duplicates). */
  valid: number;
  /** Accepted lines the validator rejects. */
  invalid: number;
  /** Accepted lines the rule does not route (e.g. a wrong source). */
  unrouted: number;
  projections: Map<string, ConversationProjection>;
}

/**
 * The reference outcome of the accepted lines: each becomes the event the bus builds from its
 * PutEvents entry (as AWS would), is routed by the rule's pattern, validated by the event model,
 * de-duplicated by its key, and folded into its conversation.
 */
export function reference(acceptedLines: readonly string[]): Reference {
  const pattern = compileEventPattern(ruleEventPattern(resolveRuntimeOptions({ dataDir: 'x' })));
  const keys = new Set<string>();
  const recordIds = new Set<string>();
  const facts = new Map<string, Map<string, ConversationFact>>();
  let valid = 0;
  let invalid = 0;
  let unrouted = 0;
  for (const line of acceptedLines) {
    const entry = entryOf(line);
    const event = buildEvent({
      id: randomUUID(),
      detailType: entry.DetailType!,
      source: entry.Source!,
      account: '000000000000',
      time: formatEventTime(entry.Time ? new Date(entry.Time).getTime() : Date.now()),
      region: 'us-east-1',
      resources: entry.Resources ?? [],
      detail: JSON.parse(entry.Detail!) as Record<string, unknown>,
    });
    if (!pattern.matches(event)) {
      unrouted++;
      continue;
    }
    const parsed = parseGenesysEvent(JSON.stringify(event));
    if (!parsed.ok) {
      invalid++;
      continue;
    }
    valid++;
    keys.add(parsed.event.key);
    recordIds.add(
      idempotencyRecordId(parsed.event.key, parsed.event.kind === 'conversation' ? parsed.event.eventTime : undefined, {
        recordIdsByEventTime: true,
      }),
    );
    if (parsed.event.kind !== 'conversation') continue;
    const fact = factOf(parsed.event);
    let byKey = facts.get(fact.conversationId);
    if (!byKey) facts.set(fact.conversationId, (byKey = new Map()));
    byKey.set(fact.key, fact);
  }
  const projections = new Map<string, ConversationProjection>();
  for (const [id, byKey] of facts) projections.set(id, projectConversation([...byKey.values()]));
  return { keys, recordIds, valid, invalid, unrouted, projections };
}

/** Whether PutEvents would accept the line at all (a line whose entry it rejects never enters). */
export interface SendResult {
  accepted: string[];
  rejected: Array<{ line: string; code: string }>;
  /** Requests sent again after a connection error or a 5xx. */
  retriedRequests: number;
}

/**
 * Sends lines, 10 per PutEvents call, `concurrency` calls at once, retrying a call that got no
 * answer or a 5xx (the runtime may be restarting: `endpoint()` is read at each attempt) until it
 * is answered, for at most `deadlineMs`. An entry counts as accepted only when the answer says so.
 */
export async function sendAll(
  lines: readonly string[],
  endpoint: () => string,
  options: {
    concurrency?: number;
    deadlineMs?: number;
    token?: string;
    onBatch?: (sentBatches: number) => void | Promise<void>;
  } = {},
): Promise<SendResult> {
  const result: SendResult = { accepted: [], rejected: [], retriedRequests: 0 };
  const deadline = Date.now() + (options.deadlineMs ?? 90_000);
  const batches: string[][] = [];
  for (let i = 0; i < lines.length; i += 10) batches.push(lines.slice(i, i + 10));
  let next = 0;
  let sentBatches = 0;
  const clients = new Map<string, EventBridgeClient>();
  const client = (): EventBridgeClient => {
    const url = endpoint();
    let c = clients.get(url);
    if (!c) clients.set(url, (c = clientFor(url, options.token)));
    return c;
  };
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      for (;;) {
        if (Date.now() > deadline) throw new Error('sendAll: the runtime did not accept the events in time');
        try {
          const out = await client().send(new PutEventsCommand({ Entries: batch.map(entryOf) }));
          (out.Entries ?? []).forEach((r, i) => {
            if (r.EventId) result.accepted.push(batch[i]!);
            else result.rejected.push({ line: batch[i]!, code: r.ErrorCode ?? 'unknown' });
          });
          break;
        } catch (error) {
          const e = error as { $metadata?: { httpStatusCode?: number }; name?: string };
          const status = e.$metadata?.httpStatusCode;
          if (status !== undefined && status < 500) {
            for (const line of batch) result.rejected.push({ line, code: e.name ?? String(status) });
            break;
          }
          result.retriedRequests++;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      sentBatches++;
      await options.onBatch?.(sentBatches);
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  } finally {
    for (const c of clients.values()) c.destroy();
  }
  return result;
}

/** GET a JSON route. */
export async function getJson<T = unknown>(url: string, token?: string): Promise<{ status: number; body: T }> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Polls `/api/stats` until `done(stats)` or the time is up; returns the last stats. */
export async function waitForStats<T extends Record<string, unknown>>(
  url: string,
  done: (stats: T) => boolean,
  timeoutMs = 60_000,
  token?: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = (await getJson<T>(`${url}/api/stats`, token)).body;
    if (done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for the stats; last: ${JSON.stringify(last)}`);
}

/**
 * Like {@link waitForStats}, and then until the counts stop moving for `quietMs`: the backlog in the
 * stats is sampled, so "backlog 0, nothing in flight" can be seen while the bus still delivers.
 */
export async function waitForSettledStats<T extends Record<string, unknown>>(
  url: string,
  done: (stats: T) => boolean,
  timeoutMs = 60_000,
  quietMs = 1_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  const counts = (s: T): string => JSON.stringify([s.accepted, s.processed, s.invalid, s.duplicates, s.deadLettered]);
  for (;;) {
    const first = await waitForStats(url, done, Math.max(1, deadline - Date.now()));
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    const second = (await getJson<T>(`${url}/api/stats`)).body;
    if (done(second) && counts(second) === counts(first)) return second;
    if (Date.now() > deadline) throw new Error(`the stats did not settle; last: ${JSON.stringify(second)}`);
  }
}

/** What is durably in a data directory's two databases (read with connections of their own). */
export function readDatabase(dataDir: string): {
  completedKeys: Set<string>;
  inProgress: number;
  deadLetters: Array<{ id: string; stage: string }>;
  queued: number;
  queueDlq: number;
  projections: Map<string, unknown>;
} {
  const db = new Database(join(dataDir, 'pipeline.sqlite'), { readonly: true });
  const processing = new Database(join(dataDir, 'processing.sqlite'), { readonly: true });
  try {
    const statuses = processing.prepare('SELECT id, status FROM idempotency').all() as Array<{
      id: string;
      status: string;
    }>;
    const queueTable = (name: string): string =>
      `durable_queue_${(db.prepare('SELECT id FROM durable_queues WHERE name = ?').pluck().get(name) as number) ?? -1}`;
    const count = (table: string): number => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
    return {
      completedKeys: new Set(statuses.filter((s) => s.status === 'COMPLETED').map((s) => s.id)),
      inProgress: statuses.filter((s) => s.status === 'INPROGRESS').length,
      deadLetters: processing.prepare('SELECT id, stage FROM dead_letters').all() as Array<{
        id: string;
        stage: string;
      }>,
      queued: count(queueTable('genesys-events')),
      queueDlq: count(queueTable('genesys-events-dlq')),
      projections: new Map(
        new SqliteConversationQueries(processing)
          .list({ limit: Number.MAX_SAFE_INTEGER })
          .map((p) => [p.conversationId, p]),
      ),
    };
  } finally {
    db.close();
    processing.close();
  }
}

/**
 * The exactly-once checks after a run with faults: nothing left in the queue, its DLQ or in
 * progress; one COMPLETED idempotency record per accepted valid event (the exact set); every
 * projection the fold of its events.
 */
export function expectExactlyOnce(dataDir: string, ref: Reference, expectFn: ExpectStatic): void {
  const db = readDatabase(dataDir);
  expectFn(db.queued).toBe(0);
  expectFn(db.queueDlq).toBe(0);
  expectFn(db.inProgress).toBe(0);
  expectFn(db.completedKeys).toEqual(ref.recordIds);
  expectFn(db.projections.size).toBe(ref.projections.size);
  for (const [id, expected] of ref.projections)
    expectFn(db.projections.get(id), `conversation ${id}`).toEqual(JSON.parse(JSON.stringify(expected)));
}
