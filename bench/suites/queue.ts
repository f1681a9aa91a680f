/**
 * `npm run bench -- queue`: the durable queue and the local event bus in front of it.
 *
 * (a) the bare durable queue round trip — send + receive + delete in batches of 100, as a Pipe
 *     would — over 200,000 messages: the floor the runtime's end-to-end figure compares against;
 * (b) the same with a backlog: 200,000 sent first, then drained;
 * (c) PutEvents (in-process, 10 entries per call) → archive + a durable-queue target in the
 *     same transaction, with 1 caller and with 16 concurrent callers (group commit);
 * (d) PutEvents through the HTTP endpoint with the real AWS SDK client, running in a worker
 *     thread (as a separate producer would: the client's signing and serialisation do not compete
 *     with the server for the main thread), 16 calls in flight.
 *
 * When loaded as a worker (`workerData.role === 'sdk-client'`) this file is that client.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { LocalEventBridge } from '../../src/eventbridge/local-event-bridge.js';
import { startEventBusServer } from '../../src/eventbridge/http.js';
import { durableQueueTarget } from '../../src/eventbridge/targets.js';
import { QueueStore } from '../../src/queue/index.js';
import type { BenchResult, BenchSuite } from '../harness.js';
import { rate, sampleRss, timed } from '../harness.js';

const MESSAGES = 200_000;
const BATCH = 100;
const SOURCE = 'aws.partner/genesys.com/cloud/3b1c0a52-6f8e-4c1d-9a3e-2f1b5c7d9e01/pipeline';

/** A Genesys conversation event detail of typical size (~700 bytes). */
function detail(i: number): string {
  return JSON.stringify({
    topicName: `v2.detail.events.conversation.5f1c2d3e-4a5b-6c7d-8e9f-${String(i).padStart(12, '0')}.customer.start`,
    version: '2',
    eventBody: {
      eventTime: 1767268800000 + i,
      conversationId: `5f1c2d3e-4a5b-6c7d-8e9f-${String(i).padStart(12, '0')}`,
      participantId: 'a1b2c3d4-e5f6-4789-8abc-def012345678',
      sessionId: 'b2c3d4e5-f6a7-4890-9bcd-ef0123456789',
      mediaType: 'VOICE',
      provider: 'Edge',
      direction: 'INBOUND',
      ani: 'tel:+15555550100',
      dnis: 'tel:+15555550199',
      queueId: 'c3d4e5f6-a7b8-4901-8cde-f01234567890',
      divisionId: 'd4e5f6a7-b8c9-4012-9def-012345678901',
    },
    metadata: { CorrelationId: `e5f6a7b8-c9d0-4123-8ef0-${String(i).padStart(12, '0')}` },
    timestamp: '2026-01-01T12:00:00.123Z',
  });
}

function entry(i: number): { Source: string; DetailType: string; Detail: string; EventBusName: string } {
  return {
    Source: SOURCE,
    DetailType: 'v2.detail.events.conversation.{id}.customer.start',
    Detail: detail(i),
    EventBusName: SOURCE,
  };
}

async function queueRoundTrip(dir: string): Promise<BenchResult> {
  const store = QueueStore.open(join(dir, 'roundtrip.sqlite'));
  const queue = store.queue('events');
  const body = detail(0);
  const rss = sampleRss();
  const { seconds } = await timed(async () => {
    for (let sent = 0; sent < MESSAGES; sent += BATCH) {
      queue.sendBatch(Array.from({ length: BATCH }, () => ({ body })));
      const got = await queue.receive({ max: BATCH, visibilityTimeoutMs: 60_000 });
      const { deleted } = queue.deleteMessages(got.map((m) => m.receiptHandle));
      if (deleted !== BATCH) throw new Error(`round trip deleted ${deleted} of ${BATCH}`);
    }
  });
  const peak = rss.stop();
  const left = queue.stats().total;
  store.close();
  if (left !== 0) throw new Error(`${left} messages left in the queue`);
  return {
    name: '(a) durable queue send+receive+delete, batch 100',
    events: MESSAGES,
    seconds,
    eventsPerSecond: rate(MESSAGES, seconds),
    peakRssBytes: peak,
    details: { batch: BATCH, bodyBytes: body.length },
  };
}

async function queueBacklog(dir: string): Promise<BenchResult> {
  const store = QueueStore.open(join(dir, 'backlog.sqlite'));
  const queue = store.queue('events');
  const body = detail(0);
  const rss = sampleRss();
  const sendTime = await timed(() => {
    for (let sent = 0; sent < MESSAGES; sent += BATCH) queue.sendBatch(Array.from({ length: BATCH }, () => ({ body })));
  });
  const drainTime = await timed(async () => {
    for (;;) {
      const got = await queue.receive({ max: BATCH, visibilityTimeoutMs: 60_000 });
      if (got.length === 0) break;
      queue.deleteMessages(got.map((m) => m.receiptHandle));
    }
  });
  const peak = rss.stop();
  store.close();
  const seconds = sendTime.seconds + drainTime.seconds;
  return {
    name: '(b) durable queue 200k backlog, then drain',
    events: MESSAGES,
    seconds,
    eventsPerSecond: rate(MESSAGES, seconds),
    peakRssBytes: peak,
    details: { sendPerSecond: rate(MESSAGES, sendTime.seconds), drainPerSecond: rate(MESSAGES, drainTime.seconds) },
  };
}

function openBus(path: string): { eb: LocalEventBridge; store: QueueStore } {
  const eb = LocalEventBridge.open({ path });
  const store = QueueStore.onDatabase(eb.database);
  eb.createEventBus({ Name: SOURCE, EventSourceName: SOURCE });
  eb.putRule({
    Name: 'conversations',
    EventBusName: SOURCE,
    EventPattern: { 'detail-type': [{ prefix: 'v2.detail.events.conversation.' }] },
  });
  eb.putTargets({
    Rule: 'conversations',
    EventBusName: SOURCE,
    Targets: [{ Id: 'queue', target: durableQueueTarget(store.queue('genesys-events')) }],
  });
  return { eb, store };
}

/** (c): PutEvents in-process, `callers` concurrent callers (1 = one call after the other). */
async function putEventsInProcess(dir: string, callers: number): Promise<BenchResult> {
  const { eb, store } = openBus(join(dir, `bus-${callers}.sqlite`));
  let next = 0;
  const rss = sampleRss();
  const { seconds } = await timed(async () => {
    const caller = async (): Promise<void> => {
      while (next < MESSAGES) {
        const first = next;
        next += 10;
        const response = await eb.putEvents({ Entries: Array.from({ length: 10 }, (_, k) => entry(first + k)) });
        if (response.FailedEntryCount !== 0) throw new Error(JSON.stringify(response));
      }
    };
    await Promise.all(Array.from({ length: callers }, caller));
  });
  const peak = rss.stop();
  const queued = store.queue('genesys-events').stats().total;
  const archived = eb.archivedEventCount(SOURCE);
  await eb.close();
  if (queued !== MESSAGES || archived !== MESSAGES)
    throw new Error(`queued ${queued}, archived ${archived}, expected ${MESSAGES}`);
  return {
    name: `(c) PutEvents in-process → archive + queue, ${callers === 1 ? '1 caller' : `${callers} callers`}`,
    events: MESSAGES,
    seconds,
    eventsPerSecond: rate(MESSAGES, seconds),
    peakRssBytes: peak,
    details: { entriesPerCall: 10, concurrentCallers: callers },
  };
}

interface ClientJob {
  role: 'sdk-client';
  url: string;
  total: number;
  inFlight: number;
}

/** The worker side of (d): sends `total` events in PutEvents calls of 10, `inFlight` at a time. */
async function runSdkClient(job: ClientJob): Promise<void> {
  const client = new EventBridgeClient({
    endpoint: job.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const entries: PutEventsRequestEntry[] = Array.from({ length: job.total }, (_, i) => entry(i));
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: job.inFlight }, async () => {
      while (next < job.total) {
        const batch = entries.slice(next, next + 10);
        next += 10;
        const response = await client.send(new PutEventsCommand({ Entries: batch }));
        if (response.FailedEntryCount !== 0) throw new Error(JSON.stringify(response));
      }
    }),
  );
  client.destroy();
  parentPort!.postMessage({ seconds: Number(process.hrtime.bigint() - started) / 1e9 });
}

async function putEventsOverHttp(dir: string): Promise<BenchResult> {
  const total = 100_000;
  const inFlight = 16;
  const { eb, store } = openBus(join(dir, 'bus-http.sqlite'));
  const server = await startEventBusServer({ eventBridge: eb });
  const rss = sampleRss();
  const job: ClientJob = { role: 'sdk-client', url: server.url, total, inFlight };
  // The worker loads this TypeScript file through tsx's loader, registered inside the worker.
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: job });
  const { seconds } = await new Promise<{ seconds: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`SDK client worker exited with ${code}`)));
  });
  await worker.terminate();
  const peak = rss.stop();
  await server.close();
  const queued = store.queue('genesys-events').stats().total;
  await eb.close();
  if (queued !== total) throw new Error(`queued ${queued}, expected ${total}`);
  return {
    name: '(d) PutEvents over HTTP (AWS SDK) → archive + queue',
    events: total,
    seconds,
    eventsPerSecond: rate(total, seconds),
    peakRssBytes: peak,
    details: { entriesPerCall: 10, callsInFlight: inFlight, client: 'worker thread', peakRssIncludesClient: true },
  };
}

if (!isMainThread && (workerData as ClientJob | undefined)?.role === 'sdk-client') {
  await runSdkClient(workerData as ClientJob);
}

const suite: BenchSuite = {
  name: 'queue',
  description: 'durable queue round trip (the floor), PutEvents → archive + durable queue, in-process and over HTTP',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'gep-bench-queue-'));
    try {
      const a = await queueRoundTrip(dir);
      const b = await queueBacklog(dir);
      const c1 = await putEventsInProcess(dir, 1);
      const c16 = await putEventsInProcess(dir, 16);
      const d = await putEventsOverHttp(dir);
      for (const r of [c1, c16, d]) r.ratios = { 'vs (a)': r.eventsPerSecond! / a.eventsPerSecond! };
      return [a, b, c1, c16, d];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default suite;
