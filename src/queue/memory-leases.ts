/**
 * Leases in memory: how a store that is its queues' only receiver (the local runtime) receives
 * without writing each message's row (`DurableQueue`, "Leases in memory").
 *
 * A held row ({@link HELD_BY_RECEIVER}) is taken in `seq` order from a cursor and leased here:
 * receipt token, visibility deadline, receive count. A lease that ends without a delete is
 * written to its row as the receive it was, and the message continues as an ordinary row.
 */
import type { SqliteDatabase } from '../sqlite/index.js';
import type { HeldRow, QueueTable } from './queue-table.js';

/** A message received from memory: what its row would hold had the receive written it. */
interface Lease {
  token: number;
  deadline: number;
  receiveCount: number;
  firstReceivedAt: number;
}

/** The leases of one queue, by row. */
export class MemoryLeases {
  private readonly leases = new Map<number, Lease>();
  /** The last held row taken. */
  private cursor = 0;
  /** The earliest deadline of a lease: a lower bound (infinity: none). */
  private earliest = Number.POSITIVE_INFINITY;

  constructor(
    private readonly db: SqliteDatabase,
    private readonly table: QueueTable,
  ) {}

  /** Leases held. */
  get size(): number {
    return this.leases.size;
  }

  /** The earliest time a lease may end (a lower bound; infinity when there is none). */
  get earliestDeadline(): number {
    return this.earliest;
  }

  get(seq: number): Lease | undefined {
    return this.leases.get(seq);
  }

  has(seq: number): boolean {
    return this.leases.has(seq);
  }

  /** Forgets a lease (its row was deleted). */
  forget(seq: number): void {
    this.leases.delete(seq);
  }

  /** A held row was inserted: a row id can be used again once the rows above it are gone, so keep it ahead of the cursor. */
  inserted(seq: number): void {
    if (seq <= this.cursor) this.cursor = seq - 1;
  }

  /**
   * Leases up to `max` held rows, in the order they were sent, until `deadline`; rows sent before
   * `expiredBefore` are deleted instead. Returns the leased rows with their leases.
   */
  take(
    max: number,
    now: number,
    deadline: number,
    expiredBefore: number,
    newToken: () => number,
  ): Array<{ row: HeldRow; lease: Lease }> {
    const taken: Array<{ row: HeldRow; lease: Lease }> = [];
    for (let pass = 0; pass < 100 && max > 0; pass++) {
      const rows = this.table.held(this.cursor, max);
      if (rows.length === 0) break;
      for (const row of rows) {
        this.cursor = row.seq;
        if (row.sent_at <= expiredBefore) {
          this.table.delete(row.seq);
          continue;
        }
        const lease: Lease = {
          token: newToken(),
          deadline,
          receiveCount: row.receive_count + 1,
          firstReceivedAt: row.first_received_at ?? now,
        };
        this.leases.set(row.seq, lease);
        if (deadline < this.earliest) this.earliest = deadline;
        taken.push({ row, lease });
        max--;
      }
    }
    // Durable with the receive's commit: a process that dies with these leases has them counted
    // at the next start (`DurableQueue.recoverInterruptedReceives`), so a message that kills the
    // process reaches maxReceiveCount instead of being delivered again forever.
    if (taken.length > 0) this.table.markLeasedThrough(this.cursor);
    return taken;
  }

  /** Moves a lease's deadline to `until`. */
  extend(lease: Lease, until: number): void {
    lease.deadline = until;
    if (until < this.earliest) this.earliest = until;
  }

  /** Writes a lease to its row as the receive it was (visible again from `visibleAt`) and forgets it. */
  writeBack(seq: number, lease: Lease, visibleAt: number): void {
    this.table.writeLease(seq, lease, visibleAt);
    this.leases.delete(seq);
  }

  /** Writes the leases whose deadline has passed at `now` to their rows; returns whether any did. */
  endExpired(now: number): boolean {
    if (now < this.earliest) return false; // also: no lease at all (infinity)
    let earliest = Number.POSITIVE_INFINITY;
    let ended = false;
    this.db.transaction(() => {
      for (const [seq, lease] of this.leases) {
        if (lease.deadline <= now) {
          this.writeBack(seq, lease, lease.deadline);
          ended = true;
        } else if (lease.deadline < earliest) earliest = lease.deadline;
      }
    })();
    this.earliest = earliest;
    return ended;
  }

  /** Writes every lease to its row, visible again at `visibleAt(lease)`; returns how many. Call inside a transaction. */
  writeBackAll(visibleAt: (lease: Lease) => number): number {
    const n = this.leases.size;
    for (const [seq, lease] of this.leases) this.writeBack(seq, lease, visibleAt(lease));
    this.rewind();
    return n;
  }

  /** Starts again from the first held row, with no lease (after a purge, a release, a close). */
  rewind(): void {
    this.cursor = 0;
    this.earliest = Number.POSITIVE_INFINITY;
  }

  /** Forgets every lease and starts again from the first held row. */
  clear(): void {
    this.leases.clear();
    this.rewind();
  }
}
