/**
 * `QueueStore`: one SQLite file holding any number of durable queues (like one SQS account and
 * region). Queues of the same store share the database, so moving a message to a dead-letter
 * queue, or an event bus writing its archive and its queue targets, is one transaction.
 */
import { DurableQueue } from './durable-queue.js';
import { QueueClosedError, QueueConfigError } from './errors.js';
import { resolveQueueConfig, validateQueueName } from './queue-config.js';
import type { QueueConfig, ResolvedQueueConfig } from './queue-config.js';
import { openSqliteDatabase } from '../sqlite/index.js';
import type { SqliteDatabase } from '../sqlite/index.js';

/** Options of a {@link QueueStore}. */
export interface QueueStoreOptions {
  /** Region used in queue ARNs. Default `us-east-1`. */
  region?: string;
  /** Account id used in queue ARNs. Default `000000000000`. */
  accountId?: string;
  /** Clock (epoch milliseconds); tests may pass a controllable one. Default `Date.now`. */
  now?: () => number;
  /**
   * This store is the only one receiving from its queues (the local runtime: it holds the data
   * directory's lock): a message sent without delay is marked as held by this store, and a
   * receive leases it in memory instead of writing its row — the row is written again only when
   * the lease ends without a delete (visibility timeout, `changeVisibility`, close). See
   * `DurableQueue`. Default false.
   */
  leasesInMemory?: boolean;
}

interface QueueRow {
  id: number;
  name: string;
  config: string;
}

/**
 * A set of durable queues in one SQLite database.
 *
 * The store is its queues' `QueueHost`; of what that needs, `now`, `isOpen` and `assertOpen` are
 * internal (left out of the published types).
 *
 * @example
 * const store = QueueStore.open('data/pipeline.sqlite');
 * const queue = store.queue('genesys-events', { visibilityTimeoutMs: 60_000 });
 * queue.send({ body: '{"hello":"world"}' });
 * store.close();
 */
export class QueueStore {
  readonly region: string;
  readonly accountId: string;
  private readonly clock: () => number;
  private readonly byName = new Map<string, DurableQueue>();
  private readonly ownsDatabase: boolean;
  private closed = false;
  /** See {@link QueueStoreOptions.leasesInMemory}. */
  readonly leasesInMemory: boolean;

  /**
   * Opens the store at `path` (created if missing) with WAL and `synchronous = NORMAL`.
   */
  static open(path: string, options: QueueStoreOptions = {}): QueueStore {
    return new QueueStore(openSqliteDatabase(path), options, true);
  }

  /**
   * Uses an already open database (e.g. the one an event bus writes to, so that both commit in
   * one transaction). The caller keeps ownership: `close()` does not close it.
   */
  static onDatabase(database: SqliteDatabase, options: QueueStoreOptions = {}): QueueStore {
    return new QueueStore(database, options, false);
  }

  private constructor(
    /** The SQLite connection. */
    readonly database: SqliteDatabase,
    options: QueueStoreOptions,
    ownsDatabase: boolean,
  ) {
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
    this.clock = options.now ?? Date.now;
    this.ownsDatabase = ownsDatabase;
    this.leasesInMemory = options.leasesInMemory ?? false;
    database.exec(`
      CREATE TABLE IF NOT EXISTS durable_queues (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        config TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
    `);
    for (const row of database.prepare('SELECT id, name, config FROM durable_queues ORDER BY id').all() as QueueRow[]) {
      this.byName.set(row.name, this.attach(row.id, row.name, JSON.parse(row.config) as ResolvedQueueConfig));
    }
  }

  /** @internal */
  now(): number {
    return this.clock();
  }

  /** @internal */
  isOpen(): boolean {
    return !this.closed && this.database.open;
  }

  /** @internal */
  assertOpen(): void {
    if (this.closed || !this.database.open)
      throw new QueueClosedError('The queue store is closed; open it again with QueueStore.open(path).');
  }

  /**
   * The queue named `name`, created (and persisted) if it does not exist yet. When `config` is
   * given, it replaces the queue's attributes (like SQS `SetQueueAttributes`); without it an
   * existing queue keeps its stored attributes and a new one gets SQS's defaults.
   * A redrive policy must name a queue that already exists in this store.
   */
  queue(name: string, config?: QueueConfig): DurableQueue {
    this.assertOpen();
    validateQueueName(name);
    const existing = this.queueByName(name);
    if (existing && config === undefined) return existing;
    const resolved = resolveQueueConfig(name, config);
    if (resolved.redrivePolicy) {
      const dlqName = resolved.redrivePolicy.deadLetterQueue;
      if (!this.queueByName(dlqName)) {
        throw new QueueConfigError(
          `Queue "${name}": dead-letter queue "${dlqName}" does not exist in this store; create it first with store.queue("${dlqName}").`,
          name,
        );
      }
    }
    if (existing) {
      this.database
        .prepare('UPDATE durable_queues SET config = ? WHERE id = ?')
        .run(JSON.stringify(resolved), existing.id);
      existing.setConfig(resolved);
      return existing;
    }
    const id = this.database
      .prepare('INSERT INTO durable_queues (name, config, created_at) VALUES (?, ?, ?) RETURNING id')
      .pluck()
      .get(name, JSON.stringify(resolved), this.now()) as number;
    const queue = this.attach(id, name, resolved);
    this.byName.set(name, queue);
    return queue;
  }

  private attach(id: number, name: string, config: ResolvedQueueConfig): DurableQueue {
    return new DurableQueue(this, id, name, config, this.region, this.accountId);
  }

  /**
   * The queue named `name`, or undefined when this store has none. Also finds a queue that
   * another store on the same database created after this one was opened.
   */
  queueByName(name: string): DurableQueue | undefined {
    const known = this.byName.get(name);
    if (known || !this.isOpen()) return known;
    const row = this.database.prepare('SELECT id, name, config FROM durable_queues WHERE name = ?').get(name) as
      QueueRow | undefined;
    if (!row) return undefined;
    const queue = this.attach(row.id, row.name, JSON.parse(row.config) as ResolvedQueueConfig);
    this.byName.set(name, queue);
    return queue;
  }

  /** The queue with this ARN, or undefined. */
  queueByArn(arn: string): DurableQueue | undefined {
    const name = arn.slice(arn.lastIndexOf(':') + 1);
    const queue = this.queueByName(name);
    return queue && queue.arn === arn ? queue : undefined;
  }

  /** Names of all queues, in creation order. */
  listQueues(): string[] {
    this.assertOpen();
    return this.database.prepare('SELECT name FROM durable_queues ORDER BY id').pluck().all() as string[];
  }

  /** Deletes a queue and all its messages. Fails while another queue uses it as its dead-letter queue. */
  deleteQueue(name: string): boolean {
    this.assertOpen();
    const queue = this.byName.get(name);
    if (!queue) return false;
    for (const other of this.byName.values()) {
      if (other.config.redrivePolicy?.deadLetterQueue === name) {
        throw new QueueConfigError(
          `Queue "${name}" is the dead-letter queue of "${other.name}"; remove that redrive policy first.`,
          name,
        );
      }
    }
    this.database.transaction(() => {
      queue.dropStorage();
      this.database.prepare('DELETE FROM durable_queues WHERE id = ?').run(queue.id);
    })();
    this.byName.delete(name);
    return true;
  }

  /** Closes the store (and its database, when the store opened it). Long polls in progress return. */
  close(): void {
    if (this.closed) return;
    try {
      // Writing the leases back can fail (a database that refuses writes after a failed commit):
      // the store closes all the same — a restart releases what was in flight.
      if (this.database.open) for (const queue of this.byName.values()) queue.endLeases();
    } finally {
      this.closed = true;
      for (const queue of this.byName.values()) queue.notify();
      if (this.ownsDatabase && this.database.open) this.database.close();
    }
  }
}
