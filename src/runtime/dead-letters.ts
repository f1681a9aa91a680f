/**
 * One view of every dead letter of the local pipeline, whatever put it aside, each with its
 * reason — and the way back in (`redrive`).
 *
 * | kind | where it is | how it got there | redrive |
 * | --- | --- | --- | --- |
 * | `invalid` | processing dead-letter store, stage `validate` | the validator rejected the event (with every problem) | only when asked (`includeInvalid`): unchanged, it fails validation again and comes straight back with the same id |
 * | `failed` | processing dead-letter store, stage `process` | a permanent processing error, or a failure on the last delivery | yes: processed again (a failure is never stored as an idempotency result); an entry of one sink (`…@<sink>`) goes to that sink alone |
 * | `queue` | the event queue's DLQ | received `maxReceiveCount` times without being deleted (executions that failed as a whole, crashes) | yes: back to the event queue, as SQS `StartMessageMoveTask` |
 * | `target` | the rule target's DLQ | the bus could not deliver it to its target within the `RetryPolicy` (direct mode) | yes: back to the target |
 * | `dropped` | the bus's dropped table | no such bus (wrong source), or the target input rendered nothing | no: unchanged it would be dropped again; fix the sender or the rule |
 *
 * Ids are `<kind>/<id within its store>`, e.g. `failed/process#<event key>`, `queue/<message id>`.
 */
import type { DroppedEvent } from '../eventbridge/index.js';
import type { DeadLetterEntry } from '../processing/index.js';
import type { DurableQueue } from '../queue/index.js';
import type { JsonValue } from '../workflow/index.js';
import type { SqliteDatabase } from '../sqlite/index.js';
import { DeadLetterNotFoundError } from './errors.js';
import type { LocalPipeline } from './pipeline.js';
import type { Executions } from './executions.js';

/** The kinds of dead letters. */
export const DEAD_LETTER_KINDS = ['invalid', 'failed', 'queue', 'target', 'dropped'] as const;
/** A kind of dead letter (see the module comment). */
export type DeadLetterKind = (typeof DEAD_LETTER_KINDS)[number];

/** One dead letter, summarised. */
export interface DeadLetterSummary {
  /** `<kind>/<id>`: pass it to `show` or `redrive`. */
  id: string;
  kind: DeadLetterKind;
  reason: string;
  /** When it was dead-lettered (ISO 8601). */
  at: string;
  topic?: string;
  conversationId?: string;
  /** The sink that gave up on the event (the others processed it); redriven to it alone. */
  sink?: string;
  /** Whether `redrive` takes it (invalid ones only with `includeInvalid`). */
  redrivable: boolean;
}

/** One dead letter with its body and everything its store knows. */
export interface DeadLetterDetail extends DeadLetterSummary {
  /** The event (JSON text) as it was dead-lettered. */
  body: string;
  /** The store's own record (dead-letter entry, message attributes, dropped row). */
  details: Record<string, unknown>;
}

/** What `redrive` did. */
export interface RedriveResult {
  /** `sink`: given to its sink alone, which processed it. */
  redriven: Array<{ id: string; to: 'queue' | 'bus' | 'sink' }>;
  skipped: Array<{ id: string; reason: string }>;
}

/** Options of `redrive`. */
export interface RedriveRequest {
  /** These dead letters only (`<kind>/<id>`); default all redrivable ones of `kinds`. */
  ids?: readonly string[];
  /** Only these kinds; default every redrivable kind. */
  kinds?: readonly DeadLetterKind[];
  /** Also redrive `invalid` dead letters (they come back unless fixed). */
  includeInvalid?: boolean;
  /** Only the dead letters of this sink (entries `failed/process#<key>@<sink>`), each given to that sink alone. */
  sink?: string;
}

/**
 * How far a long admin action is: `done` of `total` items handled; for a redrive, `accepted` were
 * redriven and `rejected` skipped; for a replay, `accepted` counts the deliveries made.
 */
export interface AdminProgress {
  done: number;
  total: number;
  accepted?: number;
  rejected?: number;
}

/** Options of a long admin action. */
export interface AdminActionOptions {
  /** Told how far it is, once at the start and after each item or batch. */
  onProgress?: (progress: AdminProgress) => void;
}

interface EntryRow {
  id: string;
  entry: string;
}

/**
 * The processing dead-letter store's table (`dead_letters`, owned by `SqliteDeadLetterStore`):
 * read, and delete an entry when it is redriven. Kept here, in one place, until the store
 * offers get/remove itself.
 */
class ProcessingDeadLetters {
  constructor(
    /** A read-only connection to `processing.sqlite`. */
    private readonly db: SqliteDatabase,
    /** Deletes go through the processing side, the one writer of that file. */
    private readonly processing: Pick<Executions, 'removeDeadLetters'>,
  ) {}

  list(limit: number): DeadLetterEntry[] {
    return (
      this.db
        .prepare('SELECT entry FROM dead_letters ORDER BY dead_lettered_at, id LIMIT ?')
        .pluck()
        .all(limit) as string[]
    ).map((t) => JSON.parse(t) as DeadLetterEntry);
  }

  get(id: string): DeadLetterEntry | undefined {
    const row = this.db.prepare('SELECT id, entry FROM dead_letters WHERE id = ?').get(id) as EntryRow | undefined;
    return row ? (JSON.parse(row.entry) as DeadLetterEntry) : undefined;
  }

  /** Removes the entry if it is unchanged (not dead-lettered again since it was read). */
  async remove(entry: DeadLetterEntry): Promise<void> {
    await this.processing.removeDeadLetters([{ id: entry.id, deadLetteredAt: entry.deadLetteredAt }]);
  }

  count(): number {
    return this.db.prepare('SELECT count(*) FROM dead_letters').pluck().get() as number;
  }
}

export class PipelineDeadLetters {
  private readonly processing: ProcessingDeadLetters;

  constructor(private readonly pipeline: LocalPipeline) {
    this.processing = new ProcessingDeadLetters(pipeline.processingReader, pipeline.executions);
  }

  /** How many dead letters there are, by kind. */
  counts(): Record<DeadLetterKind, number> {
    const entries = this.processing.list(Number.MAX_SAFE_INTEGER);
    return {
      invalid: entries.filter((e) => e.stage === 'validate').length,
      failed: entries.filter((e) => e.stage === 'process').length,
      queue: this.pipeline.eventQueueDlq.stats().total,
      target: this.pipeline.targetDlq.stats().total,
      dropped: this.pipeline.eventBridge.stats().droppedTotal,
    };
  }

  /** Total of all kinds (cheap: counts only). */
  total(): number {
    return (
      this.processing.count() +
      this.pipeline.eventQueueDlq.stats().total +
      this.pipeline.targetDlq.stats().total +
      this.pipeline.eventBridge.stats().droppedTotal
    );
  }

  /** Dead letters, oldest first within each kind, at most `limit` per kind. */
  list(options: { kinds?: readonly DeadLetterKind[]; limit?: number } = {}): DeadLetterSummary[] {
    const limit = options.limit ?? 1000;
    const kinds = new Set(options.kinds ?? DEAD_LETTER_KINDS);
    const out: DeadLetterSummary[] = [];
    if (kinds.has('invalid') || kinds.has('failed')) {
      for (const e of this.processing.list(Number.MAX_SAFE_INTEGER)) {
        const kind: DeadLetterKind = e.stage === 'validate' ? 'invalid' : 'failed';
        if (kinds.has(kind) && out.filter((d) => d.kind === kind).length < limit) out.push(summaryOfEntry(e));
      }
    }
    if (kinds.has('queue'))
      for (const m of this.pipeline.eventQueueDlq.peek({ limit })) out.push(summaryOfMessage('queue', m));
    if (kinds.has('target'))
      for (const m of this.pipeline.targetDlq.peek({ limit })) out.push(summaryOfMessage('target', m));
    if (kinds.has('dropped'))
      for (const d of this.pipeline.eventBridge.droppedEvents(limit)) out.push(summaryOfDropped(d));
    return out;
  }

  /** One dead letter with its body. */
  show(id: string): DeadLetterDetail {
    const { kind, local } = splitId(id);
    if (kind === 'invalid' || kind === 'failed') {
      const e = this.processing.get(local);
      if (!e || (e.stage === 'validate') !== (kind === 'invalid')) throw new DeadLetterNotFoundError(id);
      return { ...summaryOfEntry(e), body: e.body, details: { ...e } };
    }
    if (kind === 'queue' || kind === 'target') {
      const m = this.queueOf(kind).peek({ messageIds: [local], limit: 1 })[0];
      if (!m) throw new DeadLetterNotFoundError(id);
      return {
        ...summaryOfMessage(kind, m),
        body: m.body,
        details: { messageId: m.messageId, attributes: m.attributes, messageAttributes: m.messageAttributes },
      };
    }
    const rowId = Number(local);
    const d = this.pipeline.eventBridge.droppedEvents(Number.MAX_SAFE_INTEGER).find((x) => x.id === rowId);
    if (!d) throw new DeadLetterNotFoundError(id);
    return { ...summaryOfDropped(d), body: d.event, details: { ...d, event: undefined } };
  }

  /**
   * Puts dead letters back into the pipeline (see the table in the module comment). Each one is
   * removed from its dead-letter store once it is back in (see `reinjectThen`).
   */
  async redrive(request: RedriveRequest = {}, options: AdminActionOptions = {}): Promise<RedriveResult> {
    const result: RedriveResult = { redriven: [], skipped: [] };
    const kinds = new Set(request.kinds ?? DEAD_LETTER_KINDS);
    const wanted = request.ids ? new Set(request.ids) : undefined;
    if (wanted) for (const id of wanted) splitId(id); // validates the form
    const targets = (
      wanted ? [...wanted].map((id) => this.show(id)) : this.list({ kinds: [...kinds], limit: Number.MAX_SAFE_INTEGER })
    ).filter((d) => (wanted || kinds.has(d.kind)) && (request.sink === undefined || d.sink === request.sink));
    let done = 0;
    const report = (): void =>
      options.onProgress?.({
        done,
        total: targets.length,
        accepted: result.redriven.length,
        rejected: result.skipped.length,
      });
    report();
    for (const d of targets) {
      await this.redriveOne(d, request, result);
      done += 1;
      report();
    }
    return result;
  }

  /** Redrives one dead letter into `result` (redriven or skipped; nothing when it vanished meanwhile). */
  private async redriveOne(d: DeadLetterSummary, request: RedriveRequest, result: RedriveResult): Promise<void> {
    if (d.kind === 'dropped') {
      result.skipped.push({
        id: d.id,
        reason:
          'a dropped event went to a bus that does not exist or rendered no target input; unchanged it would be dropped again. Fix the sender (source, EventBusName) or the rule.',
      });
      return;
    }
    if (d.kind === 'invalid' && !request.includeInvalid) {
      result.skipped.push({
        id: d.id,
        reason: 'invalid events fail validation again unless fixed; pass --include-invalid to send them anyway.',
      });
      return;
    }
    const { local } = splitId(d.id);
    if (d.kind === 'invalid' || d.kind === 'failed') {
      const entry = this.processing.get(local);
      if (!entry) return;
      if (entry.bodyTruncated) {
        result.skipped.push({
          id: d.id,
          reason: `its body was cut at ${Buffer.byteLength(entry.body)} bytes when dead-lettered; the whole event is not stored (SHA-256 ${entry.bodySha256}).`,
        });
        return;
      }
      if (entry.sink !== undefined) return this.redriveToSink(d.id, entry, entry.sink, result);
      const to = await this.reinjectThen(entry.body, () => this.processing.remove(entry));
      result.redriven.push({ id: d.id, to });
      return;
    }
    if (d.kind === 'queue') {
      const { moved } = await this.pipeline.eventQueueDlq.redrive({
        destination: this.pipeline.eventQueue,
        messageIds: [local],
      });
      if (moved === 1) result.redriven.push({ id: d.id, to: 'queue' });
      else result.skipped.push({ id: d.id, reason: 'the message is in flight (being read by a consumer); try again.' });
      return;
    }
    // target DLQ: the body is the event; back where the target would have put it.
    const message = this.pipeline.targetDlq.peek({ messageIds: [local], limit: 1 })[0];
    if (!message) return;
    const to = await this.reinjectThen(message.body, () => {
      this.pipeline.targetDlq.deleteById(local);
    });
    result.redriven.push({ id: d.id, to });
  }

  /**
   * Gives the event of one sink's dead letter to that sink alone (the other sinks processed it);
   * removes the entry once the sink has processed it. Failing again, the entry stays (replaced,
   * with the new reason, when the failure is permanent).
   */
  private async redriveToSink(id: string, entry: DeadLetterEntry, sink: string, result: RedriveResult): Promise<void> {
    let event: JsonValue;
    try {
      event = JSON.parse(entry.body) as JsonValue;
    } catch {
      result.skipped.push({ id, reason: 'its body is not JSON.' });
      return;
    }
    const reply = await this.pipeline.executions.deliverToSink({
      sink,
      messageId: entry.messageId ?? entry.id,
      event,
    });
    if (!reply.ok) {
      result.skipped.push({ id, reason: `sink "${sink}" did not take it: ${reply.message}` });
      return;
    }
    if (reply.status === 'dead-lettered') {
      const again = this.processing.get(entry.id);
      result.skipped.push({ id, reason: `sink "${sink}" failed again: ${again?.reason ?? 'see the entry'}` });
      return;
    }
    await this.processing.remove(entry);
    result.redriven.push({ id, to: 'sink' });
  }

  /**
   * Sends the event back in, then removes the dead letter, each once committed: the event is in
   * the queue (or accepted by the bus) before its dead letter goes. A crash between the two
   * redrives it twice — harmless: the idempotent processor skips the second (an invalid event is
   * dead-lettered again).
   */
  private async reinjectThen(eventJson: string, remove: () => void | Promise<void>): Promise<'queue' | 'bus'> {
    const to = await this.pipeline.reinject(eventJson);
    await this.pipeline.commits.barrier();
    await remove();
    return to;
  }

  private queueOf(kind: 'queue' | 'target'): DurableQueue {
    return kind === 'queue' ? this.pipeline.eventQueueDlq : this.pipeline.targetDlq;
  }
}

function splitId(id: string): { kind: DeadLetterKind; local: string } {
  const slash = typeof id === 'string' ? id.indexOf('/') : -1;
  const kind = slash > 0 ? id.slice(0, slash) : '';
  if (!(DEAD_LETTER_KINDS as readonly string[]).includes(kind) || slash === id.length - 1)
    throw new DeadLetterNotFoundError(String(id));
  return { kind: kind as DeadLetterKind, local: id.slice(slash + 1) };
}

function summaryOfEntry(e: DeadLetterEntry): DeadLetterSummary {
  const kind: DeadLetterKind = e.stage === 'validate' ? 'invalid' : 'failed';
  const s: DeadLetterSummary = {
    id: `${kind}/${e.id}`,
    kind,
    reason: e.reason,
    at: e.deadLetteredAt,
    redrivable: !e.bodyTruncated,
  };
  if (e.topic) s.topic = e.topic;
  if (e.conversationId) s.conversationId = e.conversationId;
  if (e.sink !== undefined) s.sink = e.sink;
  return s;
}

interface PeekedLike {
  messageId: string;
  body: string;
  attributes: { SentTimestamp: string; DeadLetterReason?: string };
  messageAttributes: Record<string, string>;
  enqueuedAt?: number;
}

function summaryOfMessage(kind: 'queue' | 'target', m: PeekedLike): DeadLetterSummary {
  const a = m.messageAttributes;
  const reason =
    kind === 'queue'
      ? (m.attributes.DeadLetterReason ?? 'moved to the dead-letter queue by the redrive policy')
      : `${a.ERROR_CODE ?? 'ERROR'}: ${a.ERROR_MESSAGE ?? 'no message'}${a.EXHAUSTED_RETRY_CONDITION ? ` (${a.EXHAUSTED_RETRY_CONDITION} exhausted after ${a.RETRY_ATTEMPTS ?? '?'} retries)` : ''}`;
  const s: DeadLetterSummary = {
    id: `${kind}/${m.messageId}`,
    kind,
    reason,
    at: new Date(m.enqueuedAt ?? Number(m.attributes.SentTimestamp)).toISOString(),
    redrivable: true,
  };
  Object.assign(s, eventIdsOf(m.body));
  return s;
}

function summaryOfDropped(d: DroppedEvent): DeadLetterSummary {
  const s: DeadLetterSummary = {
    id: `dropped/${d.id}`,
    kind: 'dropped',
    reason: `${d.errorCode}: ${d.errorMessage}`,
    at: new Date(d.droppedAt).toISOString(),
    redrivable: false,
  };
  Object.assign(s, eventIdsOf(d.event));
  return s;
}

/** Topic and conversation id of an EventBridge event text, when readable. */
function eventIdsOf(text: string): { topic?: string; conversationId?: string } {
  try {
    const e = JSON.parse(text) as { 'detail-type'?: unknown; detail?: { eventBody?: { conversationId?: unknown } } };
    const ids: { topic?: string; conversationId?: string } = {};
    if (typeof e?.['detail-type'] === 'string') ids.topic = e['detail-type'];
    const c = e?.detail?.eventBody?.conversationId;
    if (typeof c === 'string') ids.conversationId = c;
    return ids;
  } catch {
    return {};
  }
}
