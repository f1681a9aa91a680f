/**
 * `LocalEventBridge`: the local event bus service. Amazon EventBridge's data plane on SQLite —
 * buses (`default`, custom, partner), rules and targets, PutEvents and PutPartnerEvents with
 * AWS's validation, storage first (an accepted event is archived and copied into its
 * durable-queue targets in the same transaction, before the call returns), durable retries with
 * the targets' retry policies, dead-letter queues, the archive and replays.
 */
import { errorMessage } from '../shared/index.js';
import type { DurableQueue } from '../queue/index.js';
import type { SqliteDatabase } from '../sqlite/index.js';
import { openSqliteDatabase } from '../sqlite/index.js';
import { EventArchive } from './archive.js';
import { EventBus } from './bus.js';
import type { PutRuleInput, Rule, RuleTarget, ResolvedRuleTarget } from './bus.js';
import { DeliveryLog } from './bus-deliveries.js';
import type { DroppedEvent, PendingDelivery } from './bus-deliveries.js';
import { DeliveryWorker } from './bus-delivery-worker.js';
import type { DeadLetterRequest, DeliveryWorkerOptions } from './bus-delivery-worker.js';
import { EventBusResourceAlreadyExistsException, EventBusResourceNotFoundException } from './errors.js';
import { buildEvent, busNameOf } from './bus-event.js';
import type { EventBridgeEvent } from './bus-event.js';
import { EventBridgeValidationException } from './errors.js';
import { checkPutEventsRequest, DEFAULT_MAX_REQUEST_ENTRIES_BYTES, prepareEntry } from './put-events.js';
import type {
  PutEventsRequestEntry,
  PutEventsResponse,
  PutEventsResultEntry,
  PutOperation,
  PutPartnerEventsRequestEntry,
} from './put-events.js';
import { isTransactionalOn } from './targets.js';
import type { TransactionalBusTarget } from './targets.js';
import { transformInput } from './transform.js';

/** Options of {@link LocalEventBridge.open}. */
export interface LocalEventBridgeOptions {
  /** The SQLite file (created if missing). Either this or `database`. */
  path?: string;
  /** An open database to use (e.g. shared with a `QueueStore`); the caller closes it. */
  database?: SqliteDatabase;
  /** With `path`: SQLite's `synchronous` setting of the file (`openSqliteDatabase`). Default `normal`. */
  synchronous?: 'normal' | 'full';
  /** Account id in ARNs and events. Default `000000000000`. */
  accountId?: string;
  /** Region in ARNs and events. Default `us-east-1`. */
  region?: string;
  /** Limit on the total entry size of one request (bytes). Default 256 KiB; AWS's is 1 MiB since 2026. */
  maxRequestEntriesBytes?: number;
  /**
   * The archive: how long accepted events are kept, in days (fractions allowed, e.g. 1/24 for an
   * hour; 0 = forever). Default 1 day; `false` disables archiving. Size it: events are ~1 KiB, so
   * 20,000 events/s add about 70 GiB an hour.
   */
  archive?: { retentionDays: number } | false;
  /** Delivery worker settings (concurrency, backoff). */
  delivery?: DeliveryWorkerOptions;
  /** Clock (epoch ms). Default `Date.now`. */
  now?: () => number;
  /**
   * Called after each group commit of PutEvents / PutPartnerEvents calls with the number of events
   * it wrote and when the first of its calls reached the bus (epoch ms, the bus's clock); the
   * calls resolve only once the returned promise does (and reject if it rejects).
   * The local runtime passes its durability barrier here: when the bus writes inside a longer
   * outer transaction (group commit of the whole pipeline), the caller — and the HTTP response —
   * then waits until that outer transaction is committed (storage first).
   */
  afterCommit?: (events: number, ingestedAt: number) => Promise<void> | void;
}

/** Input of `createEventBus`. */
export interface CreateEventBusInput {
  /** A custom bus name, or — for a partner event bus — the partner event source name. */
  Name: string;
  /** For a partner event bus: the partner event source, which must equal `Name`. */
  EventSourceName?: string;
}

/** Input of `putTargets`. */
export interface PutTargetsInput {
  Rule: string;
  EventBusName?: string;
  Targets: RuleTarget[];
}

/** Input of `replay` (EventBridge `StartReplay`, from the bus's archive). */
export interface ReplayInput {
  /** 1–64 letters, digits, `.`, `-`, `_`; unique. Replayed events carry it as `replay-name`. */
  ReplayName: string;
  /** Bus whose archive is replayed, to its own rules (name or ARN). Default `default`. */
  EventBusName?: string;
  /** Replays events whose `time` is at or after this… */
  EventStartTime: Date | number | string;
  /** …and before this. */
  EventEndTime: Date | number | string;
  /** Only these rules (names or ARNs) receive the replayed events (EventBridge `FilterArns`). Default: all rules. */
  Rules?: string[];
}

/** Options of `replay` that are not part of EventBridge's `StartReplay`. */
export interface ReplayOptions {
  /**
   * Told how far the replay is after each batch of re-delivered events (and once at the start):
   * `total` is the number of archived events in the window.
   */
  onProgress?: (progress: { events: number; total: number; deliveries: number }) => void;
}

/** Outcome of a replay. */
export interface ReplayResult {
  ReplayName: string;
  State: 'COMPLETED';
  /** Archived events of the window that were re-sent. */
  EventsReplayed: number;
  /** Deliveries to targets they made (in-transaction or pending). */
  Deliveries: number;
  ReplayStartTime: Date;
  ReplayEndTime: Date;
}

/** Counters and gauges of the bus. */
export interface LocalEventBridgeStats {
  /** Entries accepted by PutEvents / PutPartnerEvents (this process). */
  accepted: number;
  /** Entries rejected with a per-entry error (this process). */
  failedEntries: number;
  /** Events written to the archive (this process). */
  archived: number;
  /** Events replayed (this process). */
  replayed: number;
  /** Deliveries written straight into durable-queue targets inside the PutEvents transaction (this process). */
  deliveredInTransaction: number;
  /** Deliveries made by the delivery worker (this process). */
  delivered: number;
  /** Failed attempts that will be retried (this process). */
  retried: number;
  /** Deliveries sent to their target's dead-letter queue (this process). */
  sentToDeadLetterQueue: number;
  /** Events recorded as dropped (this process): no DLQ, DLQ failure, or no such bus. */
  dropped: number;
  /** Deliveries waiting for a first attempt or a retry (on disk). */
  pendingDeliveries: number;
  /** Deliveries in progress now. */
  activeDeliveries: number;
  /** All events recorded as dropped (on disk). */
  droppedTotal: number;
}

interface Accepted {
  bus: EventBus | undefined;
  busName: string;
  event: EventBridgeEvent;
  json: string;
  eventTimeMs: number;
  /** When the bus accepted it (epoch ms). */
  ingestedAt: number;
  operation: PutOperation;
}

/** A replay in progress: its name, and the rules it is limited to. */
interface Replaying {
  name: string;
  rules?: Set<string>;
}

/** Where accepted events go (see `LocalEventBridge.route`). */
interface Routing {
  /** Deliveries to targets written in the bus's own transaction (durable queues on the same database), by target. */
  inTransaction: Map<TransactionalBusTarget, Array<{ body: string; event: EventBridgeEvent }>>;
  /** Deliveries the worker makes after the commit. */
  pending: Array<{ rule: Rule; target: ResolvedRuleTarget; body: string; a: Accepted }>;
  /** Input transformations that threw: dead-lettered. */
  transformFailures: Array<{ rule: Rule; target: ResolvedRuleTarget; a: Accepted; error: unknown }>;
  /** Input transformations that decided to send nothing: recorded as dropped. */
  notDelivered: Array<{ rule: Rule; target: ResolvedRuleTarget; a: Accepted; reason: string }>;
  /** Deliveries made (in the transaction or pending). */
  deliveries: number;
}

/** A pending delivery handed to the worker once committed. */
interface OfferedDelivery {
  delivery: PendingDelivery;
  event: EventBridgeEvent;
}

/** PutEvents calls waiting for the next group commit. */
interface CommitGroup {
  accepted: Accepted[];
  calls: Array<{ accepted: number; failed: number; resolve: () => void; reject: (error: unknown) => void }>;
}

/** A group commit is flushed at once when it reaches this many events. */
const MAX_GROUP_EVENTS = 5000;

const REPLAY_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
const BUS_NAME = /^[/.\-_A-Za-z0-9]{1,256}$/;
const DAY_MS = 86_400_000;

/**
 * The local event bus service.
 *
 * @example
 * const eb = LocalEventBridge.open({ path: 'data/bus.sqlite' });
 * const queues = QueueStore.onDatabase(eb.database);
 * eb.createEventBus({ Name: 'aws.partner/genesys.com/cloud/ORG/pipeline', EventSourceName: 'aws.partner/genesys.com/cloud/ORG/pipeline' });
 * eb.putRule({ Name: 'conversations', EventBusName: 'aws.partner/genesys.com/cloud/ORG/pipeline',
 *   EventPattern: { 'detail-type': [{ prefix: 'v2.detail.events.conversation.' }] } });
 * eb.putTargets({ Rule: 'conversations', EventBusName: 'aws.partner/genesys.com/cloud/ORG/pipeline',
 *   Targets: [{ Id: 'queue', target: durableQueueTarget(queues.queue('genesys-events')) }] });
 * await eb.putPartnerEvents({ Entries: [{ Source: 'aws.partner/genesys.com/cloud/ORG/pipeline', DetailType: '…', Detail: '{…}' }] });
 * await eb.close();
 */
export class LocalEventBridge {
  /** The SQLite connection (share it with a `QueueStore` for in-transaction queue targets). */
  readonly database: SqliteDatabase;
  readonly accountId: string;
  readonly region: string;
  private readonly buses = new Map<string, EventBus>();
  private readonly archive: EventArchive | undefined;
  private readonly log: DeliveryLog;
  private readonly worker: DeliveryWorker;
  private readonly maxRequestEntriesBytes: number;
  private readonly clock: () => number;
  private readonly afterCommit: ((events: number, ingestedAt: number) => Promise<void> | void) | undefined;
  private readonly ownsDatabase: boolean;
  private readonly counters = {
    accepted: 0,
    failedEntries: 0,
    archived: 0,
    replayed: 0,
    deliveredInTransaction: 0,
    sentToDeadLetterQueue: 0,
    dropped: 0,
  };
  private purgeTimer: NodeJS.Timeout | undefined;
  private group: CommitGroup | undefined;
  private closed = false;

  /** Opens the bus service on a SQLite file (or database) and starts delivering pending deliveries. */
  static open(options: LocalEventBridgeOptions): LocalEventBridge {
    return new LocalEventBridge(options);
  }

  private constructor(options: LocalEventBridgeOptions) {
    if (!options.database && !options.path)
      throw new EventBridgeValidationException('LocalEventBridge.open needs a path (SQLite file) or a database.');
    this.database =
      options.database ??
      openSqliteDatabase(options.path!, options.synchronous ? { synchronous: options.synchronous } : {});
    this.ownsDatabase = !options.database;
    this.accountId = options.accountId ?? '000000000000';
    this.region = options.region ?? 'us-east-1';
    this.clock = options.now ?? Date.now;
    this.afterCommit = options.afterCommit;
    this.maxRequestEntriesBytes = options.maxRequestEntriesBytes ?? DEFAULT_MAX_REQUEST_ENTRIES_BYTES;
    const archive = options.archive ?? { retentionDays: 1 };
    if (archive !== false) {
      if (!(archive.retentionDays >= 0))
        throw new EventBridgeValidationException(
          `archive.retentionDays must be ≥ 0 (0 keeps events forever); got ${archive.retentionDays}.`,
        );
      this.archive = new EventArchive(this.database, archive.retentionDays * DAY_MS);
    }
    this.log = new DeliveryLog(this.database);
    this.database.exec(`CREATE TABLE IF NOT EXISTS eventbridge_replays (
      name TEXT PRIMARY KEY, bus TEXT NOT NULL, event_start INTEGER NOT NULL, event_end INTEGER NOT NULL,
      started_at INTEGER NOT NULL, ended_at INTEGER, events INTEGER NOT NULL DEFAULT 0)`);
    this.buses.set('default', new EventBus('default', this.region, this.accountId));
    this.worker = new DeliveryWorker(
      this.log,
      {
        resolve: (bus, rule, target) => this.resolveTarget(bus, rule, target),
        deadLetter: (request) => this.deadLetter(request),
      },
      options.delivery ?? {},
      this.clock,
    );
    this.worker.start();
    if (this.archive && this.archive.retentionMs > 0) {
      this.archive.purgeExpired(this.clock(), 100_000);
      // At most 100,000 rows a minute in the background, so that the event loop never stalls long.
      this.purgeTimer = setInterval(() => {
        if (!this.closed) this.archive?.purgeExpired(this.clock(), 100_000);
      }, 60_000);
      this.purgeTimer.unref();
    }
  }

  // ---------------------------------------------------------------- buses, rules, targets

  /** Creates a custom or partner event bus (EventBridge `CreateEventBus`). */
  createEventBus(input: CreateEventBusInput): { EventBusArn: string } {
    const name = input?.Name;
    if (typeof name !== 'string' || !BUS_NAME.test(name) || name === 'default') {
      throw new EventBridgeValidationException(
        `Event bus name ${JSON.stringify(name)} is invalid: use 1–256 letters, digits, ".", "-", "_" or "/" (the name "default" is taken by the default bus).`,
      );
    }
    if (input.EventSourceName !== undefined) {
      if (input.EventSourceName !== name || !name.startsWith('aws.partner/')) {
        throw new EventBridgeValidationException(
          `A partner event bus must be named exactly like its partner event source (aws.partner/…); got Name ${JSON.stringify(name)} and EventSourceName ${JSON.stringify(input.EventSourceName)}.`,
        );
      }
    } else if (name.includes('/') || name.startsWith('aws.')) {
      throw new EventBridgeValidationException(
        `Custom event bus name ${name} cannot contain "/" or start with "aws."; for a partner bus also pass EventSourceName.`,
      );
    }
    if (this.buses.has(name)) throw new EventBusResourceAlreadyExistsException(`Event bus ${name} already exists.`);
    const bus = new EventBus(name, this.region, this.accountId, input.EventSourceName);
    this.buses.set(name, bus);
    return { EventBusArn: bus.arn };
  }

  /** Deletes a custom or partner bus and its rules. Its archived events stay until their retention ends. */
  deleteEventBus(name: string): void {
    if (name === 'default') throw new EventBridgeValidationException('Cannot delete event bus default.');
    if (!this.buses.delete(busNameOf(name)))
      throw new EventBusResourceNotFoundException(`Event bus ${name} does not exist.`);
  }

  /** The bus named `name` (or ARN), or undefined. */
  getEventBus(nameOrArn = 'default'): EventBus | undefined {
    return this.buses.get(busNameOf(nameOrArn));
  }

  /** All buses. */
  listEventBuses(): Array<{ Name: string; Arn: string }> {
    return [...this.buses.values()].map((b) => ({ Name: b.name, Arn: b.arn }));
  }

  /** Creates or updates a rule (EventBridge `PutRule`). */
  putRule(input: PutRuleInput): { RuleArn: string } {
    return { RuleArn: this.requireBus(input?.EventBusName).putRule(input).arn };
  }

  /** Deletes a rule that has no targets (EventBridge `DeleteRule`). */
  deleteRule(input: { Name: string; EventBusName?: string }): void {
    this.requireBus(input.EventBusName).deleteRule(input.Name);
  }

  /** Adds or replaces targets of a rule (EventBridge `PutTargets`; at most 5 per rule). */
  putTargets(input: PutTargetsInput): void {
    this.requireBus(input.EventBusName).putTargets(input.Rule, input.Targets);
  }

  /** Removes targets from a rule; returns the ids the rule did not have. */
  removeTargets(input: { Rule: string; EventBusName?: string; Ids: string[] }): { FailedEntries: string[] } {
    return { FailedEntries: this.requireBus(input.EventBusName).removeTargets(input.Rule, input.Ids) };
  }

  private requireBus(nameOrArn = 'default'): EventBus {
    const bus = this.buses.get(busNameOf(nameOrArn));
    if (!bus) throw new EventBusResourceNotFoundException(`Event bus ${busNameOf(nameOrArn)} does not exist.`);
    return bus;
  }

  private resolveTarget(
    busName: string,
    ruleName: string,
    targetId: string,
  ): { rule: Rule; target: ResolvedRuleTarget } | undefined {
    const rule = this.buses.get(busName)?.getRule(ruleName);
    const target = rule?.targets.find((t) => t.id === targetId);
    return rule && target ? { rule, target } : undefined;
  }

  // ---------------------------------------------------------------- ingestion

  /**
   * EventBridge `PutEvents`: at most 10 entries; per-entry errors in the response; accepted
   * entries are on disk (archived, and in their durable-queue targets) when the promise resolves.
   * Throws `ValidationException` for a request AWS rejects whole (too many entries, too large).
   */
  async putEvents(input: { Entries: PutEventsRequestEntry[] }): Promise<PutEventsResponse> {
    return this.ingest(input?.Entries, 'PutEvents');
  }

  /**
   * EventBridge `PutPartnerEvents` (what Genesys Cloud calls): at most 20 entries, each delivered
   * to the partner event bus named like its `Source`. Entries for a source with no bus are
   * accepted and dropped, as EventBridge does — recorded in the dropped table here.
   */
  async putPartnerEvents(input: { Entries: PutPartnerEventsRequestEntry[] }): Promise<PutEventsResponse> {
    return this.ingest(input?.Entries, 'PutPartnerEvents');
  }

  private ingest(entries: unknown, operation: PutOperation): Promise<PutEventsResponse> {
    this.assertOpen();
    checkPutEventsRequest(entries, operation, this.maxRequestEntriesBytes);
    const now = this.clock();
    const context = { account: this.accountId, region: this.region, now };
    const results: PutEventsResultEntry[] = new Array<PutEventsResultEntry>(entries.length);
    const accepted: Accepted[] = [];
    let failed = 0;
    for (let i = 0; i < entries.length; i++) {
      const prepared = prepareEntry(entries[i]!, operation, context);
      if (!prepared.ok) {
        results[i] = prepared.result;
        failed++;
        continue;
      }
      results[i] = { EventId: prepared.event.id };
      accepted.push({
        bus: this.buses.get(prepared.busName),
        busName: prepared.busName,
        event: prepared.event,
        json: JSON.stringify(prepared.event),
        eventTimeMs: prepared.eventTimeMs,
        ingestedAt: now,
        operation,
      });
    }
    const response: PutEventsResponse = { FailedEntryCount: failed, Entries: results };
    if (accepted.length === 0) {
      this.counters.failedEntries += failed;
      return Promise.resolve(response);
    }
    return new Promise((resolve, reject) => this.enqueueCommit(accepted, failed, () => resolve(response), reject));
  }

  /**
   * Group commit: the calls that arrive in the same turn of the event loop (e.g. concurrent HTTP
   * requests) share one SQLite transaction; each call's promise resolves after that commit.
   */
  private enqueueCommit(
    accepted: Accepted[],
    failed: number,
    resolve: () => void,
    reject: (error: unknown) => void,
  ): void {
    let group = this.group;
    if (!group) {
      group = this.group = { accepted: [], calls: [] };
      setImmediate(() => this.flushGroup(group!));
    }
    for (const a of accepted) group.accepted.push(a);
    group.calls.push({ accepted: accepted.length, failed, resolve, reject });
    if (group.accepted.length >= MAX_GROUP_EVENTS) this.flushGroup(group);
  }

  private flushGroup(group: CommitGroup): void {
    if (this.group !== group) return; // already flushed
    this.group = undefined;
    try {
      this.commit(group.accepted);
    } catch (error) {
      for (const call of group.calls) call.reject(error);
      return;
    }
    const settle = (): void => {
      for (const call of group.calls) {
        this.counters.accepted += call.accepted;
        this.counters.failedEntries += call.failed;
        call.resolve();
      }
    };
    if (!this.afterCommit) return settle();
    const hook = this.afterCommit;
    Promise.resolve()
      .then(() => hook(group.accepted.length, group.accepted[0]!.ingestedAt))
      .then(settle, (error: unknown) => {
        for (const call of group.calls) call.reject(error);
      });
  }

  /**
   * Routes events to their rules' targets and commits everything in one transaction: archive
   * rows, in-transaction queue deliveries, pending deliveries, drops. Returns the deliveries made.
   */
  private commit(accepted: readonly Accepted[], replay?: Replaying): number {
    const routing = this.route(accepted, replay);
    const offered: OfferedDelivery[] = [];
    let archived = 0;
    this.database.transaction(() => {
      archived = this.archiveOrDrop(accepted, replay);
      for (const [target, list] of routing.inTransaction) target.deliverInTransaction(list);
      for (const p of routing.pending) offered.push(this.addPending(p));
      for (const n of routing.notDelivered) this.recordNotDelivered(n);
      for (const f of routing.transformFailures) this.deadLetterTransformFailure(f);
    })();
    this.counters.archived += archived;
    for (const list of routing.inTransaction.values()) this.counters.deliveredInTransaction += list.length;
    this.worker.offer(offered);
    return routing.deliveries;
  }

  /**
   * Where each accepted event goes: every target of every rule of its bus that matches it (only
   * the replay's rules in a replay), with the body its input settings produce. Decided before the
   * transaction; nothing is written.
   */
  private route(accepted: readonly Accepted[], replay?: Replaying): Routing {
    const routing: Routing = {
      inTransaction: new Map(),
      pending: [],
      transformFailures: [],
      notDelivered: [],
      deliveries: 0,
    };
    let ingestionTime = '';
    let ingestionTimeOf = Number.NaN;
    for (const a of accepted) {
      if (!a.bus) continue;
      for (const rule of a.bus.match(a.event)) {
        if (replay?.rules && !replay.rules.has(rule.name)) continue;
        for (const target of rule.targets) {
          let body = a.json;
          if (target.transformsInput) {
            try {
              if (a.ingestedAt !== ingestionTimeOf) {
                ingestionTimeOf = a.ingestedAt;
                ingestionTime = new Date(a.ingestedAt).toISOString();
              }
              const result = transformInput(a.event, target.input, {
                ruleArn: rule.arn,
                ruleName: rule.name,
                ingestionTime,
              });
              if (!result.delivered) {
                // EventBridge sends nothing (e.g. the template rendered invalid JSON); we record it.
                routing.notDelivered.push({ rule, target, a, reason: result.reason });
                continue;
              }
              body = result.body;
            } catch (error) {
              routing.transformFailures.push({ rule, target, a, error });
              continue;
            }
          }
          routing.deliveries++;
          if (isTransactionalOn(target.target, this.database)) {
            let list = routing.inTransaction.get(target.target);
            if (!list) routing.inTransaction.set(target.target, (list = []));
            list.push({ body, event: a.event });
          } else {
            routing.pending.push({ rule, target, body, a });
          }
        }
      }
    }
    return routing;
  }

  /** Archives the accepted events (not those of a replay) and records those of no bus as dropped; returns how many were archived. */
  private archiveOrDrop(accepted: readonly Accepted[], replay?: Replaying): number {
    let archived = 0;
    for (const a of accepted) {
      if (!a.bus) {
        this.log.recordDropped({
          busName: a.busName,
          ruleArn: null,
          targetArn: null,
          event: a.json,
          errorCode: 'NO_RESOURCE',
          errorMessage:
            a.operation === 'PutPartnerEvents'
              ? `No event bus is associated with partner event source ${a.busName}; EventBridge drops events of a source with no bus. Create the bus with createEventBus({ Name, EventSourceName }).`
              : `Event bus ${a.busName} does not exist; EventBridge accepts the entry and drops the event. Create the bus or fix EventBusName.`,
          exhaustedRetryCondition: null,
          retryAttempts: null,
          droppedAt: a.ingestedAt,
        });
        this.counters.dropped++;
      } else if (this.archive && !replay) {
        this.archive.append(a.busName, a.eventTimeMs, a.ingestedAt, a.json);
        archived++;
      }
    }
    return archived;
  }

  /** Adds a delivery the worker makes after the commit (a target outside the transaction). */
  private addPending(p: Routing['pending'][number]): OfferedDelivery {
    const delivery: Omit<PendingDelivery, 'id'> = {
      busName: p.a.busName,
      ruleName: p.rule.name,
      targetId: p.target.id,
      event: p.a.json,
      body: p.body,
      ingestedAt: p.a.ingestedAt,
      attempts: 0,
      nextAttemptAt: p.a.ingestedAt,
    };
    return { delivery: { ...delivery, id: this.log.addPending(delivery) }, event: p.a.event };
  }

  /** Records a delivery the input transformation decided not to make (as EventBridge, which sends nothing). */
  private recordNotDelivered(n: Routing['notDelivered'][number]): void {
    this.log.recordDropped({
      busName: n.a.busName,
      ruleArn: n.rule.arn,
      targetArn: n.target.target.arn,
      event: n.a.json,
      errorCode: 'NOT_DELIVERED',
      errorMessage: n.reason,
      exhaustedRetryCondition: null,
      retryAttempts: null,
      droppedAt: n.a.ingestedAt,
    });
    this.counters.dropped++;
  }

  /** Dead-letters an event whose input transformation failed (`INVALID_JSON`, no retry). */
  private deadLetterTransformFailure(f: Routing['transformFailures'][number]): void {
    this.deadLetter({
      delivery: {
        id: 0,
        busName: f.a.busName,
        ruleName: f.rule.name,
        targetId: f.target.id,
        event: f.a.json,
        body: '',
        ingestedAt: f.a.ingestedAt,
        attempts: 1,
        nextAttemptAt: f.a.ingestedAt,
      },
      rule: f.rule,
      target: f.target,
      errorCode: 'INVALID_JSON',
      errorMessage: `Input transformation failed: ${errorMessage(f.error)}`,
      retryAttempts: 0,
    });
  }

  // ---------------------------------------------------------------- dead letters

  /** Sends a failed delivery to its target's DLQ (with EventBridge's attributes), or records it as dropped; removes it from the log. */
  private deadLetter(request: DeadLetterRequest): void {
    const { delivery, rule, target } = request;
    const dlq = target.deadLetterQueue;
    const record = (errorCode: string, errorMessage: string): void => {
      this.log.recordDropped({
        busName: delivery.busName,
        ruleArn: rule.arn,
        targetArn: target.target.arn,
        event: delivery.event,
        errorCode,
        errorMessage,
        exhaustedRetryCondition: request.exhaustedRetryCondition ?? null,
        retryAttempts: request.retryAttempts,
        droppedAt: this.clock(),
      });
      this.counters.dropped++;
    };
    const sameDatabase = dlq !== undefined && dlq.database === this.database;
    const attributes: Record<string, string> = {
      RULE_ARN: rule.arn,
      TARGET_ARN: target.target.arn,
      ERROR_CODE: request.errorCode,
      ERROR_MESSAGE: request.errorMessage,
      RETRY_ATTEMPTS: String(request.retryAttempts),
    };
    if (request.exhaustedRetryCondition) attributes.EXHAUSTED_RETRY_CONDITION = request.exhaustedRetryCondition;
    if (dlq && !sameDatabase) {
      // The DLQ commits on its own database first; if we crash before removing the delivery it is retried (at least once).
      if (this.sendToDlq(dlq, delivery.event, attributes, record, request)) this.counters.sentToDeadLetterQueue++;
      if (delivery.id > 0) this.log.remove(delivery.id);
      return;
    }
    this.database.transaction(() => {
      if (!dlq) record(request.errorCode, request.errorMessage);
      else if (this.sendToDlq(dlq, delivery.event, attributes, record, request)) this.counters.sentToDeadLetterQueue++;
      if (delivery.id > 0) this.log.remove(delivery.id); // id 0: a delivery that never reached the log
    })();
  }

  private sendToDlq(
    dlq: DurableQueue,
    event: string,
    attributes: Record<string, string>,
    record: (code: string, message: string) => void,
    request: DeadLetterRequest,
  ): boolean {
    try {
      dlq.send({ body: event, messageAttributes: attributes });
      return true;
    } catch (error) {
      record(
        request.errorCode,
        `${request.errorMessage} — and sending to dead-letter queue ${dlq.arn} failed: ${errorMessage(error)}`,
      );
      return false;
    }
  }

  // ---------------------------------------------------------------- archive and replay

  /**
   * Re-sends the archived events of a bus whose `time` is in [`EventStartTime`, `EventEndTime`)
   * to the bus's rules (or only `Rules`), as EventBridge replays do: each carries
   * `"replay-name"` and none is archived again. Resolves when every replayed event is handed to
   * its targets (in-transaction or as a pending delivery).
   *
   * @example
   * await eb.replay({ ReplayName: 'fix-2026-01-01', EventStartTime: from, EventEndTime: to, Rules: ['conversations'] });
   */
  async replay(input: ReplayInput, options: ReplayOptions = {}): Promise<ReplayResult> {
    this.assertOpen();
    if (typeof input?.ReplayName !== 'string' || !REPLAY_NAME.test(input.ReplayName)) {
      throw new EventBridgeValidationException(
        `ReplayName ${JSON.stringify(input?.ReplayName)} is invalid: use 1–64 letters, digits, ".", "-" or "_".`,
      );
    }
    if (!this.archive)
      throw new EventBridgeValidationException(
        'This bus service has no archive (opened with archive: false); nothing can be replayed.',
      );
    const bus = this.requireBus(input.EventBusName);
    const start = toEpochMs(input.EventStartTime, 'EventStartTime');
    const end = toEpochMs(input.EventEndTime, 'EventEndTime');
    if (!(start < end))
      throw new EventBridgeValidationException(
        'Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.',
      );
    let rules: Set<string> | undefined;
    if (input.Rules !== undefined) {
      rules = new Set();
      for (const r of input.Rules) {
        const rule = bus.listRules().find((x) => x.name === r || x.arn === r);
        if (!rule) throw new EventBusResourceNotFoundException(`Rule ${r} does not exist on EventBus ${bus.name}.`);
        rules.add(rule.name);
      }
    }
    const startedAt = this.clock();
    try {
      this.database
        .prepare(
          'INSERT INTO eventbridge_replays (name, bus, event_start, event_end, started_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(input.ReplayName, bus.name, start, end, startedAt);
    } catch (error) {
      // Only the name's uniqueness makes it "already exists"; any other failure (a full disk, an I/O
      // error) is that failure, not a misleading answer.
      if ((error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
        throw new EventBusResourceAlreadyExistsException(`Replay ${input.ReplayName} already exists.`);
      throw error;
    }
    let events = 0;
    let deliveries = 0;
    const onProgress = options.onProgress;
    const total = onProgress ? this.archive.countWindow(bus.name, start, end) : 0;
    onProgress?.({ events, total, deliveries });
    for (const batch of this.archive.window(bus.name, start, end)) {
      const now = this.clock();
      const accepted: Accepted[] = batch.map((archived) => {
        const original = JSON.parse(archived.event) as EventBridgeEvent;
        const event = buildEvent({
          id: original.id,
          detailType: original['detail-type'],
          source: original.source,
          account: original.account,
          time: original.time,
          region: original.region,
          replayName: input.ReplayName,
          resources: original.resources,
          detail: original.detail,
        });
        return {
          bus,
          busName: bus.name,
          event,
          json: JSON.stringify(event),
          eventTimeMs: archived.eventTimeMs,
          ingestedAt: now,
          operation: 'PutEvents' as const,
        };
      });
      deliveries += this.commit(accepted, { name: input.ReplayName, rules });
      events += accepted.length;
      onProgress?.({ events, total: Math.max(total, events), deliveries });
      await new Promise((resolve) => setImmediate(resolve)); // let deliveries progress between batches
    }
    const endedAt = this.clock();
    this.database
      .prepare('UPDATE eventbridge_replays SET ended_at = ?, events = ? WHERE name = ?')
      .run(endedAt, events, input.ReplayName);
    this.counters.replayed += events;
    return {
      ReplayName: input.ReplayName,
      State: 'COMPLETED',
      EventsReplayed: events,
      Deliveries: deliveries,
      ReplayStartTime: new Date(startedAt),
      ReplayEndTime: new Date(endedAt),
    };
  }

  /** Deletes all archived events older than the retention period; returns how many. (A background purge also runs every minute.) */
  purgeArchive(): number {
    if (this.closed || !this.archive) return 0;
    return this.archive.purgeExpired(this.clock());
  }

  /** How many archived events a bus (or all buses) has. Counts rows: not for hot paths. */
  archivedEventCount(busName?: string): number {
    return this.archive?.count(busName === undefined ? undefined : busNameOf(busName)) ?? 0;
  }

  // ---------------------------------------------------------------- inspection and lifecycle

  /** Events recorded as dropped, newest first. */
  droppedEvents(limit = 100, offset = 0): DroppedEvent[] {
    return this.log.listDropped(limit, offset);
  }

  /** Counters of this process and gauges read from disk. */
  stats(): LocalEventBridgeStats {
    this.assertOpen();
    const w = this.worker.counters;
    return {
      ...this.counters,
      delivered: w.delivered,
      retried: w.retried,
      pendingDeliveries: this.log.countPending(),
      activeDeliveries: this.worker.active,
      droppedTotal: this.log.countDropped(),
    };
  }

  /** Resolves when no delivery is pending or in progress (or after `timeoutMs`); returns whether it drained. */
  async drain(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.worker.active === 0 && this.log.countPending() === 0) return true;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return false;
  }

  /** Stops the delivery worker (waiting for deliveries in progress) and closes the database if this service opened it. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.group) this.flushGroup(this.group); // calls already accepted still commit
    this.closed = true;
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    await this.worker.stop();
    if (this.ownsDatabase && this.database.open) this.database.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new EventBridgeValidationException('This LocalEventBridge is closed; open it again.');
  }
}

function toEpochMs(value: Date | number | string, name: string): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new EventBridgeValidationException(
      `Parameter ${name} is not valid. Reason: expected a date, epoch milliseconds or an ISO 8601 string; got ${JSON.stringify(value)}.`,
    );
  return ms;
}
