/**
 * The processing thread's entry point (started by `WorkerExecutions` in `executions.ts`): opens
 * a {@link ExecutionHost} with the settings it was given as `workerData` and answers the main
 * thread's requests. Not imported by anything: it runs only as a worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../shared/index.js';
import type { OutcomeSink } from './instrumentation.js';
import { ExecutionHost } from './execution-host.js';
import type { ExecutionSettings } from './execution-host.js';
import type { OutcomeReport, WorkerMessage, WorkerRequest } from './executions.js';

/** How often counters are sent when there is something to report, ms. */
const REPORT_INTERVAL_MS = 50;

/** Adds up what the handlers report, for the main thread's telemetry. */
class OutcomeCounter implements OutcomeSink {
  private r: OutcomeReport = emptyReport(0);
  private dirty = false;

  private add(
    field: 'processed' | 'duplicate' | 'invalid' | 'failed' | 'retried' | 'deadLettered' | 'throttled' | 'inFlight',
    count: number,
  ): void {
    this.r[field] += count;
    if (this.r.inFlight > this.r.peakInFlight) this.r.peakInFlight = this.r.inFlight;
    this.dirty = true;
  }

  processingStarted(count = 1): void {
    this.add('inFlight', count);
  }
  processingFinished(count = 1): void {
    this.add('inFlight', -count);
  }
  processed(count: number, latenciesMs?: ArrayLike<number>, stagesMs?: ArrayLike<number>): void {
    if (latenciesMs) for (let i = 0; i < latenciesMs.length; i++) this.r.latenciesMs.push(latenciesMs[i]!);
    if (stagesMs) for (let i = 0; i < stagesMs.length; i++) this.r.stagesMs.push(stagesMs[i]!);
    this.add('processed', count);
  }
  duplicate(count = 1): void {
    this.add('duplicate', count);
  }
  invalid(count = 1): void {
    this.add('invalid', count);
  }
  failed(count = 1): void {
    this.add('failed', count);
  }
  retried(count = 1): void {
    this.add('retried', count);
  }
  deadLettered(count = 1): void {
    this.add('deadLettered', count);
  }
  throttled(count = 1): void {
    this.add('throttled', count);
  }

  /** The counts since the last call (undefined when nothing happened), and a fresh start. */
  take(): OutcomeReport | undefined {
    if (!this.dirty) return undefined;
    const report = this.r;
    this.r = emptyReport(report.inFlight);
    this.dirty = false;
    return report;
  }
}

function emptyReport(inFlight: number): OutcomeReport {
  return {
    processed: 0,
    latenciesMs: [],
    stagesMs: [],
    duplicate: 0,
    invalid: 0,
    failed: 0,
    retried: 0,
    deadLettered: 0,
    throttled: 0,
    inFlight,
    peakInFlight: inFlight,
  };
}

const port = parentPort;
if (!port) throw new Error('execution-worker.ts runs only as a worker thread (see processing.ts).');
const post = (message: WorkerMessage): void => port.postMessage(message);
const counter = new OutcomeCounter();

let host: ExecutionHost;
try {
  host = ExecutionHost.open(
    workerData as ExecutionSettings,
    counter,
    {},
    (message) => post({ type: 'warning', message }),
    (error) => post({ type: 'failed', message: errorMessage(error) }),
  );
  host.start();
} catch (error) {
  post({ type: 'failed', message: errorMessage(error) });
  port.close();
  throw error;
}
const reporter = setInterval(() => {
  const report = counter.take();
  if (report) post({ type: 'outcomes', report });
}, REPORT_INTERVAL_MS);
post({ type: 'ready', recovered: host.recovered });

let inFlight = 0;
let closeRequested = false;
const closeIfIdle = (): void => {
  if (!closeRequested || inFlight > 0) return;
  clearInterval(reporter);
  host.close();
  const report = counter.take();
  post({ type: 'closed', ...(report ? { report } : {}) });
  port.close();
};

port.on('message', (request: WorkerRequest) => {
  if (request.type === 'close') {
    closeRequested = true;
    closeIfIdle();
    return;
  }
  inFlight++;
  // The answer needs only the id: the request (a whole batch) is not kept until then.
  const id = request.id;
  const work: Promise<unknown> =
    request.type === 'execute'
      ? host.execute(request.input, request.messages)
      : request.type === 'deliverToSink'
        ? host.deliverToSink(request.delivery)
        : host.removeDeadLetters(request.entries);
  work
    .then(
      (value) => {
        const report = counter.take();
        post({ type: 'answer', id, value, ...(report ? { report } : {}) });
      },
      (error: unknown) => post({ type: 'answer', id, error: errorMessage(error) }),
    )
    .finally(() => {
      inFlight--;
      closeIfIdle();
    });
});
