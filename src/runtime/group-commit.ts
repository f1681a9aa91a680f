/**
 * Group commit for one SQLite connection: the commit scheduler keeps one write transaction open
 * while the pipeline is busy and commits it every few milliseconds, so that the hundreds of
 * small writes of those milliseconds (accepted events, queue receives and deletes, idempotency
 * records, projection facts) cost one commit instead of one each. Code that writes needs to know
 * nothing about it: better-sqlite3 turns its own `db.transaction(…)` calls into savepoints inside
 * the open transaction.
 *
 * The price is that a write is durable only at the next commit. {@link GroupCommit.barrier} is
 * the durability barrier: it resolves after a commit that covers every write made before it was
 * called. Whoever tells the outside world that something is stored (the PutEvents response)
 * awaits it first. Everything since the last commit rolls back together on a crash, and none of
 * it was acknowledged — see `docs/runtime.md`, "Crash consistency".
 *
 * When a tick finds that nothing was written since the previous one, the scheduler commits and
 * leaves the connection in autocommit mode (no lock held while idle); the next tick that sees a
 * write opens the transaction again. Writes made in autocommit mode are durable at once, so the
 * barrier then resolves immediately — but each is a commit of its own, so work that comes in
 * bursts (an execution after an idle moment) announces itself with {@link GroupCommit.hold}: the
 * transaction opens at once and stays open, commit after commit, until the work is done.
 *
 * The ticks are timers, and a timer runs only when the thread gets back to its event loop: on a
 * busy thread they come late (the processing thread runs every batch that arrived before it
 * returns there), and an answer waited ~15 ms on average for its commit. So a barrier that finds
 * the last commit older than the interval commits at once, in a microtask.
 *
 * **A failed commit fails everything after it (fail-stop).** When COMMIT fails (disk full,
 * I/O error) — or SQLite rolls the transaction back on its own after such an error in a
 * statement — every write since the previous commit is gone, including those of work that holds
 * the transaction and has not asked for its barrier yet, and the callers' memory (leases, caches,
 * in-progress records) no longer matches the file. So the scheduler does not carry on: it rolls
 * back, reports the error to `onError` (the runtime stops on it), and from then on is *failed*:
 * the connection's write guard (`setWriteGuard`) refuses every write — nothing written after the
 * failure can become durable, so nothing is acknowledged on the strength of a state that mixes
 * rolled-back and later writes — and every barrier rejects with the failure. The guard also
 * notices a rollback by SQLite at the write that follows it (or the statement that caused it), so
 * that no write of half-rolled-back work is ever committed on its own in autocommit mode. A
 * restart then starts from what the file holds: exactly what was acknowledged, or more.
 */
import type { Statement } from 'better-sqlite3';
import { errorMessage } from '../shared/index.js';
import { setWriteGuard } from '../sqlite/index.js';
import type { SqliteDatabase } from '../sqlite/index.js';
import { CommitFailedError } from './errors.js';

/** Options of {@link GroupCommit}. */
interface GroupCommitOptions {
  /** Commit at most this long after the first write of a transaction (ms). Default 5. */
  intervalMs?: number;
  /**
   * Called once, when a commit fails (the transaction's writes are then lost, the barrier
   * waiters rejected, and the scheduler failed: see the module comment). The owner should stop.
   */
  onError?: (error: unknown) => void;
  /**
   * Also commit as soon as someone waits on the barrier and no work announced with
   * {@link GroupCommit.hold} is in progress, instead of at the next tick. For a connection whose
   * writers hold it while they work and then wait (the processing side: an execution's answer
   * waits for its commit, and the next batches arrive only after the answers): with nothing left
   * to do, waiting for the tick is time lost. Default false.
   */
  commitWhenIdle?: boolean;
}

/** Counters of a {@link GroupCommit}. */
interface GroupCommitStats {
  /** Transactions committed. */
  commits: number;
  /** Row changes committed (SQLite `total_changes()`), all transactions. */
  changes: number;
  /** Failed commits. */
  failures: number;
  /** Whether a group transaction is open now. */
  open: boolean;
  /** Whether a commit failed: nothing more is committed (see the module comment). */
  failed: boolean;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * The commit scheduler of one connection.
 *
 * @example
 * const commits = new GroupCommit(db, { intervalMs: 5 });
 * commits.start();
 * queue.sendBatch(messages);        // inside the group transaction
 * await commits.barrier();          // now on disk (WAL)
 * await commits.stop();             // final commit; autocommit from here on
 */
export class GroupCommit {
  private readonly intervalMs: number;
  private readonly begin: Statement;
  private readonly commit: Statement;
  private readonly rollback: Statement;
  private readonly totalChanges: Statement;
  private waiters: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** `total_changes()` at the last tick: a different value means something was written since. */
  private lastChanges = 0;
  /** Pieces of work in progress ({@link hold}): while any, every commit opens the next transaction. */
  private holders = 0;
  /** A commit for the waiters is scheduled ({@link GroupCommitOptions.commitWhenIdle}). */
  private idleCommit = false;
  /** A commit for an overdue barrier is scheduled ({@link commitOverdue}). */
  private overdueCommit = false;
  /** When the last commit (or {@link start}) happened, `performance.now()`. */
  private lastCommitAt = 0;
  /** This scheduler opened the transaction that should be open now (SQLite may have rolled it back). */
  private txOpen = false;
  /** The failure that stopped this scheduler, if any: every barrier rejects with it. */
  private failure: CommitFailedError | undefined;
  private readonly counters = { commits: 0, changes: 0, failures: 0 };

  constructor(
    private readonly db: SqliteDatabase,
    private readonly options: GroupCommitOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 5;
    if (!(this.intervalMs >= 1 && this.intervalMs <= 1000))
      throw new RangeError(`GroupCommit: intervalMs must be from 1 to 1000 ms; got ${this.intervalMs}.`);
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.totalChanges = db.prepare('SELECT total_changes()').pluck();
    setWriteGuard(db, (moment) => this.guardWrite(moment));
  }

  /**
   * Runs before every write on the connection (`setWriteGuard`): a write that finds the group
   * transaction rolled back by SQLite (an error in another statement) would be committed on its
   * own, beside the loss of the writes before it — fail now and refuse it. After a failure every
   * write is refused.
   */
  private guardWrite(moment: 'before' | 'failed'): void {
    if (this.failure) {
      if (moment === 'before') throw this.failure;
      return;
    }
    if (this.txOpen && this.db.open && !this.db.inTransaction) {
      const failure = this.fail(
        undefined,
        'SQLite rolled the group transaction back on its own (after an error such as a full disk in one of its statements).',
      );
      if (moment === 'before') throw failure;
    }
  }

  /** Opens the group transaction and starts the ticks. */
  start(): void {
    if (this.running) return;
    if (this.db.inTransaction)
      throw new Error(
        'GroupCommit.start: the connection is already in a transaction; start the scheduler before any other transaction.',
      );
    this.running = true;
    this.lastChanges = this.changes();
    this.lastCommitAt = performance.now();
    this.open();
    this.schedule();
  }

  /**
   * Resolves after a commit that covers every write made on the connection before this call
   * (at once when no group transaction is open: those writes are committed already). Rejects
   * with {@link CommitFailedError} if that commit fails.
   */
  barrier(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.txOpen && !this.db.inTransaction) {
      this.tick(this.running);
      if (this.failure) return Promise.reject(this.failure);
    }
    if (!this.db.inTransaction) return Promise.resolve();
    const waiting = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (this.running && performance.now() - this.lastCommitAt >= this.intervalMs) this.commitOverdue();
    else this.commitSoonIfIdle();
    return waiting;
  }

  /**
   * Announces work that is about to write: opens the group transaction now if none is open (its
   * writes are not committed one by one), and keeps one open after every commit until the
   * returned function is called. Does nothing before {@link start} or after {@link stop}.
   *
   * @example
   * const release = commits.hold();
   * try { await runExecution(); } finally { release(); }
   * await commits.barrier();
   */
  hold(): () => void {
    this.holders++;
    if (this.running) this.open();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holders--;
      this.commitSoonIfIdle();
    };
  }

  /** Commits now (and opens the next transaction if still running). Resolves the barrier waiters. */
  flush(): void {
    this.tick(true);
  }

  /** Final commit; the connection stays in autocommit mode. Safe to call twice. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.running = false;
    if (this.failure) {
      this.settle(this.failure);
      return;
    }
    this.tick(false);
  }

  /** Counters since start. */
  stats(): GroupCommitStats {
    return { ...this.counters, open: this.db.open && this.db.inTransaction, failed: this.failure !== undefined };
  }

  /** The failure that stopped this scheduler (see the module comment), or `undefined`. */
  get failed(): CommitFailedError | undefined {
    return this.failure;
  }

  /**
   * With {@link GroupCommitOptions.commitWhenIdle}: commits once the callbacks already due have run
   * (`setImmediate`: a message that starts new work gets in first and holds the transaction), if
   * by then nothing holds it and someone still waits.
   */
  private commitSoonIfIdle(): void {
    if (
      !this.options.commitWhenIdle ||
      this.idleCommit ||
      !this.running ||
      this.holders > 0 ||
      this.waiters.length === 0
    )
      return;
    this.idleCommit = true;
    setImmediate(() => {
      this.idleCommit = false;
      if (this.running && this.holders === 0 && this.waiters.length > 0) this.tick(true);
    });
  }

  /**
   * Commits in a microtask (once the code running now has finished, whatever transaction function
   * it is in): a barrier found the last commit older than the interval. The tick is then late —
   * its timer waits for the thread, which is busy with work that arrived meanwhile — and the
   * waiters would wait for all of it.
   */
  private commitOverdue(): void {
    if (this.overdueCommit) return;
    this.overdueCommit = true;
    queueMicrotask(() => {
      this.overdueCommit = false;
      if (this.running && this.waiters.length > 0 && performance.now() - this.lastCommitAt >= this.intervalMs)
        this.tick(true);
    });
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.tick(true);
      this.schedule();
    }, this.intervalMs);
  }

  private changes(): number {
    return this.totalChanges.get() as number;
  }

  private open(): void {
    if (this.failure || !this.db.open || this.db.inTransaction) return;
    this.begin.run();
    this.txOpen = true;
  }

  private rollbackQuietly(): void {
    try {
      if (this.db.open && this.db.inTransaction) this.rollback.run();
    } catch {
      // the rollback failing leaves nothing more to undo
    }
  }

  /**
   * Enters the failed state: rolls back what is left of the transaction, rejects the waiters,
   * tells `onError` once. From now on the write guard refuses every write on the connection.
   */
  private fail(cause: unknown, message: string): CommitFailedError {
    this.counters.failures++;
    const failure = (this.failure = new CommitFailedError(
      `${message} Every write since the previous commit is lost and none of it was acknowledged; nothing more is written on this connection — restart to go on from what is on disk.`,
      { cause },
    ));
    this.rollbackQuietly();
    this.txOpen = false;
    this.settle(failure);
    this.options.onError?.(failure);
    return failure;
  }

  /** Commits the open transaction (if any), settles the waiters, and reopens when there was activity. */
  private tick(reopen: boolean): void {
    if (this.failure) {
      this.settle(this.failure);
      return;
    }
    if (!this.db.open) {
      this.txOpen = false;
      this.settle(
        new CommitFailedError('The database was closed before the transaction holding these writes was committed.'),
      );
      return;
    }
    const now = this.changes();
    const active = now !== this.lastChanges;
    if (this.db.inTransaction) {
      try {
        this.commit.run();
        this.txOpen = false;
        this.counters.commits++;
        this.counters.changes += now - this.lastChanges;
      } catch (error) {
        this.fail(error, `Committing the group transaction failed: ${errorMessage(error)}.`);
        return;
      }
    } else if (this.txOpen) {
      // SQLite ended the transaction by itself (an error that rolls back, e.g. disk full, in a
      // statement): the writes made in it are gone.
      this.fail(
        undefined,
        'SQLite rolled the group transaction back on its own (after an error such as a full disk in one of its statements).',
      );
      return;
    }
    this.lastChanges = this.changes();
    this.lastCommitAt = performance.now();
    this.settle(undefined);
    if (reopen && this.running && (active || this.holders > 0)) {
      // In a timer: a BEGIN that throws (an I/O error, a lock another process holds) must not
      // become an uncaught exception that kills the process; it fails the scheduler instead.
      try {
        this.open();
      } catch (error) {
        this.fail(error, `Opening the group transaction failed: ${errorMessage(error)}.`);
      }
    }
  }

  private settle(error: CommitFailedError | undefined): void {
    if (this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) {
      if (error) w.reject(error);
      else w.resolve();
    }
  }
}
