/**
 * Rule targets: the port every target implements, and the adapters this module provides — a
 * function, and a durable queue (the local SQS). More adapters (a state machine…) are one small
 * object implementing {@link BusTarget}.
 */
import type { DurableQueue } from '../queue/index.js';
import type { SqliteDatabase } from '../sqlite/index.js';
import type { EventBridgeEvent } from './bus-event.js';

/**
 * Where a rule sends matching events. `deliver` gets the body the target's input settings
 * produced (the event JSON by default) and the event itself; it resolves once the target has
 * the event, and throws when delivery failed — the bus then retries by the target's
 * `RetryPolicy` and finally dead-letters the event.
 *
 * @example
 * const logTarget: BusTarget = {
 *   arn: 'arn:aws:lambda:us-east-1:000000000000:function:log',
 *   async deliver(body) { console.log(body); },
 * };
 */
export interface BusTarget {
  /** The target's ARN, reported as `TARGET_ARN` when an event is dead-lettered. */
  readonly arn: string;
  deliver(body: string, event: EventBridgeEvent): Promise<void>;
}

/**
 * A target that can take deliveries synchronously inside the bus's own SQLite transaction,
 * because it writes to the same database. The bus uses it for storage-first ingestion: an
 * accepted event and its copies in such targets commit together, before PutEvents returns.
 */
export interface TransactionalBusTarget extends BusTarget {
  /** The database the target writes to. */
  readonly database: SqliteDatabase;
  /** Stores the deliveries; called inside a transaction on `database`. Throws to fail the whole call. */
  deliverInTransaction(deliveries: ReadonlyArray<{ body: string; event: EventBridgeEvent }>): void;
}

/** True when `target` can be written inside a transaction on `database`. */
export function isTransactionalOn(target: BusTarget, database: SqliteDatabase): target is TransactionalBusTarget {
  const t = target as Partial<TransactionalBusTarget>;
  return t.database === database && typeof t.deliverInTransaction === 'function';
}

/**
 * A target that calls a function (an in-process consumer, a test probe, a Lambda handler).
 *
 * @example
 * const target = functionTarget('arn:aws:lambda:us-east-1:000000000000:function:audit', async (body) => {
 *   await audit.write(JSON.parse(body));
 * });
 */
export function functionTarget(
  arn: string,
  fn: (body: string, event: EventBridgeEvent) => Promise<void> | void,
): BusTarget {
  return {
    arn,
    async deliver(body, event) {
      await fn(body, event);
    },
  };
}

/**
 * A target that enqueues each delivery into a durable queue (EventBridge → SQS). When the queue
 * lives in the bus's database, deliveries commit with the PutEvents transaction itself.
 *
 * @example
 * const store = QueueStore.onDatabase(bus.database);
 * bus.putTargets({ Rule: 'genesys', Targets: [{ Id: 'queue', target: durableQueueTarget(store.queue('genesys-events')) }] });
 */
export function durableQueueTarget(queue: DurableQueue): TransactionalBusTarget {
  return {
    arn: queue.arn,
    database: queue.database,
    async deliver(body) {
      queue.send({ body });
    },
    deliverInTransaction(deliveries) {
      queue.sendBatch(deliveries.map((d) => ({ body: d.body })));
    },
  };
}
