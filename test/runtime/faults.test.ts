/**
 * Fault injection while events flow through the real runtime (in-process, the AWS SDK sending):
 * a real `SQLITE_FULL` (`PRAGMA max_page_count` on the running connection) on each of the two
 * files, and a COMMIT that fails with `SQLITE_IOERR` (a wrapper around the group commit's COMMIT
 * statement). Each time the runtime stops by itself (fail-stop), is started again on the same
 * data directory and port, and the sender retries every call it got no answer or a 5xx for.
 * At the end every event the API acknowledged is processed exactly once: the idempotency records
 * are exactly those of the accepted events, every projection is the fold of its events, nothing
 * is left in the queue or its DLQ, nothing in progress.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { startRuntime } from '../../src/runtime/index.js';
import type { Runtime } from '../../src/runtime/index.js';
import type { GroupCommit } from '../../src/runtime/group-commit.js';
import type { InlineExecutions } from '../../src/runtime/executions.js';
import type { SqliteDatabase } from '../../src/sqlite/index.js';
import { generateEvents } from '../../src/simulate/index.js';
import { tempDir } from '../support/tmp.js';
import { expectExactlyOnce, freePort, readDatabase, reference, sendAll, waitForStats } from './support.js';

const dir = tempDir('gep-runtime-faults-');

type Fault = (runtime: Runtime) => void;

/** The file may not grow any more: the next write that needs a page fails with SQLITE_FULL. */
const diskFull =
  (db: (runtime: Runtime) => SqliteDatabase): Fault =>
  (runtime) => {
    const d = db(runtime);
    d.pragma(`max_page_count = ${d.pragma('page_count', { simple: true }) as number}`);
  };

/** The next COMMIT of `commits` fails as a failing disk would make it (the transaction stays open, then rolls back). */
const commitIoError =
  (commits: (runtime: Runtime) => GroupCommit): Fault =>
  (runtime) => {
    const statement = (commits(runtime) as unknown as { commit: { run: () => unknown } }).commit;
    const run = statement.run.bind(statement);
    let failed = false;
    statement.run = () => {
      if (!failed) {
        failed = true;
        throw new Database.SqliteError('disk I/O error', 'SQLITE_IOERR_WRITE');
      }
      return run();
    };
  };

const pipelineDb = (r: Runtime): SqliteDatabase => r.pipeline.database;
const processingHost = (r: Runtime) => (r.pipeline.executions as InlineExecutions).host;

const FAULTS: Array<[string, Fault]> = [
  ['pipeline.sqlite full (SQLITE_FULL)', diskFull(pipelineDb)],
  ['processing.sqlite full (SQLITE_FULL)', diskFull((r) => processingHost(r).database)],
  ['pipeline.sqlite COMMIT fails (SQLITE_IOERR)', commitIoError((r) => r.pipeline.commits)],
  ['processing.sqlite COMMIT fails (SQLITE_IOERR)', commitIoError((r) => processingHost(r).commits)],
];

// Direct mode differs where it matters here: the PutEvents commit writes pending bus deliveries
// instead of queue messages, and a delivery's removal (not a queue delete) follows its effects.
describe.each([
  ['buffered', 120],
  ['direct', 40],
] as const)('the runtime under storage faults, %s mode: no acknowledged event lost', (mode, conversations) => {
  it.each(FAULTS)(
    '%s while events flow, then a restart: every acknowledged event processed exactly once',
    async (name, fault) => {
      const dataDir = join(dir, `${mode}-${name.replace(/\W+/g, '-')}`);
      const port = await freePort();
      const options = {
        dataDir,
        port,
        mode,
        maxProcessorConcurrency: 4,
        batchSize: 50,
        batchWindowMs: 10,
        retryPauseMs: 1,
      };
      const logs: string[] = [];
      const t0 = Date.now();
      const start = () =>
        startRuntime(options, { processingThread: 'main', log: (l) => logs.push(`${Date.now() - t0} ${l}`) });
      let runtime = await start();
      const lines = [...generateEvents({ conversations, seed: 7, duplicates: 0.05, outOfOrder: 0.1, malformed: 0.02 })];
      const batches = Math.ceil(lines.length / 10);
      let restarting: Promise<void> | undefined;
      let failure: Error | undefined;
      try {
        const sent = await sendAll(lines, () => runtime.url, {
          concurrency: 4,
          deadlineMs: 60_000,
          onBatch: async (n) => {
            if (n !== Math.floor(batches / 3)) return;
            fault(runtime);
            // The runtime stops by itself at the failure; start it again once it has.
            // (A runtime that went on instead is stopped after a while: the data decide.)
            restarting = (async () => {
              await Promise.race([runtime.stopped, new Promise((resolve) => setTimeout(resolve, 3000))]);
              failure = runtime.failure;
              await runtime.stop().catch(() => {});
              runtime = await start();
            })();
            await restarting;
          },
        });
        const ref = reference(sent.accepted);
        await waitForStats<{ backlog: number; inFlight: number; processed: number }>(
          runtime.url,
          (s) => s.backlog === 0 && s.inFlight === 0,
          30_000,
        );
        await runtime.stop();
        if (process.env.FAULT_LOG) console.log(logs.join('\n'));
        expect(runtime.failure).toBeUndefined();
        expectExactlyOnce(dataDir, ref, expect);
        expect(readDatabase(dataDir).deadLetters.filter((d) => d.stage === 'process')).toHaveLength(0);
        // Direct mode, pipeline.sqlite full: SQLite rolls back only the failing statement (the
        // PutEvents call's savepoint), not the group transaction — each call gets a 500 and is
        // sent again, nothing else is lost, and the runtime need not stop (it may).
        if (!(mode === 'direct' && name.startsWith('pipeline.sqlite full')))
          expect(failure, `the fault made the runtime stop (log: ${logs.join(' | ')})`).toBeInstanceOf(Error);
        expect(sent.retriedRequests).toBeGreaterThan(0);
      } finally {
        await restarting?.catch(() => {});
        await runtime.stop().catch(() => {});
      }
    },
    90_000,
  );
});
