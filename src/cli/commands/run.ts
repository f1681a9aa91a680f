/**
 * `genesys-pipeline run`: the whole pipeline locally — PutEvents endpoint, bus, durable queue,
 * pollers, state machine, handlers, projection, dashboard — on one SQLite file, until Ctrl-C.
 * With `--simulate`, the built-in simulator sends it realistic Genesys events through its own
 * PutEvents API (and its organisation fills the directory, so the dashboard shows names); with
 * `--genesys`, the directory reads your org's names from the Genesys Cloud Platform API.
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { errorMessage } from '../../shared/index.js';
import {
  CorruptDatabaseError,
  DataDirLockedError,
  RUNTIME_DEFAULTS,
  RuntimeOptionsError,
  startRuntime,
  withBearerToken,
} from '../../runtime/index.js';
import { applyRuntimeV8Flags } from '../../runtime/v8-flags.js';
import { loadSinkModules } from '../../runtime/sink-modules.js';
import { ADMISSION_DEFAULTS } from '../../runtime/admission.js';
import type { AdmissionLimits } from '../../runtime/admission.js';
import { LakeFileSink } from '../../processing/sinks/lake-files.js';
import { sinkModuleOptions } from '../sink-options.js';
import { fanOutOptions } from '../fan-out-options.js';
import type { Runtime, RuntimeOptions } from '../../runtime/index.js';
import { DEFAULT_MAX_PROCESSOR_CONCURRENCY } from '../../workflow/index.js';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { GenesysDirectorySource, GenesysConfigError } from '../../genesys/index.js';
import type { DirectorySource } from '../../directory/index.js';
import { CatalogueDirectorySource, generateEvents, sendEvents } from '../../simulate/index.js';

import { connect } from '../genesys-connection.js';
import { CliError } from '../errors.js';
import { parseFraction, parseInteger, parseNumber } from '../options.js';
import { describeTopicModels, topicModels } from '../../events/topics.js';

interface RunCommandOptions {
  port: number;
  host: string;
  dataDir: string;
  mode: 'buffered' | 'direct';
  maxProcessorConcurrency?: number;
  pollers?: number;
  maxConcurrency?: number;
  lambdaConcurrencyLimit?: number;
  batchSize: number;
  batchWindowMs: number;
  visibilityTimeout: number;
  maxReceiveCount?: number;
  archiveRetentionDays: number;
  archive: boolean;
  simulate?: boolean;
  genesys?: boolean;
  directoryRefresh: number;
  rate: number;
  duration?: number;
  duplicates: number;
  malformed: number;
  token?: string;
  orgId: string;
  suffix: string;
  topics?: string[];
  executor: 'fast' | 'reference';
  fanOutBus?: string;
  lakeDir?: string;
  maxBacklog: number;
  minFreeDiskMb: number;
  durability: 'normal' | 'full';
}

const MIB = 1024 * 1024;

/** When `run` throttles PutEvents, in words. */
function describeAdmission(limits: AdmissionLimits): string {
  const when = [
    ...(limits.maxBacklog > 0
      ? [`at ${limits.maxBacklog.toLocaleString('en-US')} events waiting (--max-backlog)`]
      : []),
    ...(limits.minFreeDiskBytes > 0
      ? [
          `below ${Math.round(limits.minFreeDiskBytes / MIB).toLocaleString('en-US')} MiB of free disk (--min-free-disk-mb)`,
        ]
      : []),
  ];
  return when.length ? when.join(' or ') : 'never (--max-backlog 0 --min-free-disk-mb 0)';
}

/** Default `--rate` of `--simulate`: lively on the dashboard, light on a laptop. */
const DEFAULT_SIMULATION_RATE = 200;

/**
 * Default faults of `--simulate`, so the demo shows what the pipeline is for: Genesys re-sends
 * (counted as duplicates, applied once) and the odd broken event (dead-lettered with its reason).
 */
const DEFAULT_SIMULATION_FAULTS = { duplicates: 0.02, malformed: 0.002 } as const;

export function register(program: Command): void {
  const d = RUNTIME_DEFAULTS;
  const command = program.command('run');
  const sinkSources = sinkModuleOptions(
    command,
    '--sink',
    'a sink module of yours (TypeScript or JavaScript) run after the projections; repeat for several (docs/processing.md, "Write your own sink")',
  );
  const fanOutFrom = fanOutOptions(command);
  command
    .description(
      'Run the whole pipeline locally on SQLite: PutEvents endpoint, bus, queue, state machine, projection and live dashboard on one port',
    )
    .option('--port <port>', 'HTTP port (0: any free port)', parseInteger(0, 65_535), d.port)
    .option('--host <address>', 'address to bind; anything but loopback requires --token', d.host)
    .option('--data-dir <dir>', 'directory of the database and lock file', '.pipeline')
    .addOption(
      new Option(
        '--mode <mode>',
        'buffered: queue → batches (at most E at once) → Express; direct: one execution per event',
      )
        .choices(['buffered', 'direct'])
        .default(d.mode),
    )
    .option(
      '--max-processor-concurrency <n>',
      `the bound on processor invocations at once, pollers × max concurrency, as on AWS (default ${DEFAULT_MAX_PROCESSOR_CONCURRENCY}: 4 × 25)`,
      parseInteger(2, 40_000),
    )
    .option(
      '--pollers <n>',
      'batches in flight at once (the event source mapping’s MaximumConcurrency, E); default: from the bound',
      parseInteger(2, 1000),
    )
    .option(
      '--max-concurrency <n>',
      'the Map’s MaxConcurrency (M), processor invocations at once in one execution; default: from the bound',
      parseInteger(1, 40),
    )
    .option(
      '--lambda-concurrency-limit <n>',
      'make each local function fail beyond n invocations at once, as Lambda throttles (retried, then handed back to the queue; never dead-lettered)',
      parseInteger(1, 100_000),
    )
    .option(
      '--batch-size <n>',
      'messages per batch (event source mapping BatchSize)',
      parseInteger(1, 10_000),
      d.batchSize,
    )
    .option(
      '--batch-window-ms <ms>',
      'how long a batch gathers after its first message (the batching window)',
      parseInteger(0, 300_000),
      d.batchWindowMs,
    )
    .option(
      '--visibility-timeout <s>',
      'event queue visibility timeout, seconds: a failed record is delivered again after it',
      parseInteger(1, 43_200),
      d.visibilityTimeoutMs / 1000,
    )
    .option(
      '--max-receive-count <n>',
      'deliveries before a message moves to the queue’s dead-letter queue, a backstop (default: ⌈24 h / visibility timeout⌉, at most 1000)',
      parseInteger(1, 1000),
    )
    .option(
      '--archive-retention-days <days>',
      'how long the bus archive keeps events (fractions allowed; 0 = forever)',
      parseNumber(0, 3650),
      d.archiveRetentionDays,
    )
    .option('--no-archive', 'do not archive events (no replay)')
    .option(
      '--lake-dir <dir>',
      'write every new event as one JSON line to DIR/family=<family>/dt=<YYYY-MM-DD>/part-….ndjson, the layout of the data lake on AWS (docs/processing.md, "The data lake")',
    )
    .option('--simulate', 'send simulated Genesys events to this runtime (through its PutEvents API)')
    .option(
      '--genesys',
      'name queues, agents, wrap-up codes, … from your Genesys Cloud org (GENESYSCLOUD_OAUTHCLIENT_ID, _SECRET, GENESYSCLOUD_REGION; see docs/directory.md)',
    )
    .option(
      '--directory-refresh <minutes>',
      'with --genesys: refresh the directory every this many minutes',
      parseNumber(1, 1440),
      15,
    )
    .option(
      '--rate <events/s>',
      `simulated events per second with --simulate`,
      parseNumber(Number.MIN_VALUE),
      DEFAULT_SIMULATION_RATE,
    )
    .option(
      '--duration <s>',
      'stop simulating after this many seconds (the runtime keeps running)',
      parseNumber(Number.MIN_VALUE),
    )
    .option(
      '--duplicates <fraction>',
      'with --simulate: share of events Genesys re-sends (new envelope id, same event)',
      parseFraction,
      DEFAULT_SIMULATION_FAULTS.duplicates,
    )
    .option(
      '--malformed <fraction>',
      'with --simulate: share of broken events (they are dead-lettered with the reason)',
      parseFraction,
      DEFAULT_SIMULATION_FAULTS.malformed,
    )
    .option(
      '--token <token>',
      'require "Authorization: Bearer <token>" on every route (default: $GENESYS_PIPELINE_TOKEN); prefer the variable, a command line is visible to other users',
    )
    .option('--org-id <id>', 'Genesys organization id (names the partner bus, scopes the rule)', d.orgId)
    .option('--suffix <name>', 'event source suffix of the integration', d.suffix)
    .option(
      '--topics <topics...>',
      'topics the rule forwards: generic names (v2.users.{id}.presence, v2.quality.evaluations, …), short conversation names (acd.end) or families (conversation, user-presence, user-routing-status, user-activity, audit, transcription); default every typed topic',
    )
    .addOption(
      new Option(
        '--executor <executor>',
        'state machine executor: fast (compiled from the definition) or reference (aws-local-stepfunctions); see docs/runtime.md',
      )
        .choices(['fast', 'reference'])
        .default(d.executor),
    )
    .addOption(
      new Option(
        '--durability <level>',
        'normal: what was acknowledged survives a crash of the process; full: an OS crash or power loss too (SQLite synchronous=FULL, a sync per commit); see docs/runtime.md',
      )
        .choices(['normal', 'full'])
        .default(d.durability),
    )
    .option(
      '--max-backlog <events>',
      'backpressure: PutEvents answers ThrottlingException while this many events wait to be processed, until 80 % of it (0: no limit)',
      parseInteger(0, 1_000_000_000),
      ADMISSION_DEFAULTS.maxBacklog,
    )
    .option(
      '--min-free-disk-mb <MiB>',
      'backpressure: PutEvents answers ThrottlingException while the data directory has less free disk space, until 125 % of it (0: no check)',
      parseInteger(0, 1_000_000_000),
      ADMISSION_DEFAULTS.minFreeDiskBytes / MIB,
    )
    .addHelpText(
      'after',
      `
Examples:
  genesys-pipeline run --simulate                       # the pipeline and a simulated contact centre; open the printed URL
  genesys-pipeline run --port 4010                      # then: genesys-pipeline simulate --conversations 1000 --to http://127.0.0.1:4010
  GENESYS_PIPELINE_TOKEN=$(openssl rand -hex 24) genesys-pipeline run --host 0.0.0.0

Ctrl-C stops it gracefully (new events get 503, work in flight finishes); everything accepted is on
disk and is processed after a restart with the same --data-dir, even after kill -9. See docs/runtime.md.`,
    )
    .action(async (options: RunCommandOptions) => {
      if (options.simulate && options.genesys)
        throw new CliError(
          '--simulate and --genesys exclude each other: simulated events carry the simulator’s ids, which your org does not have. Drop one.',
          2,
        );
      const directorySource = options.genesys
        ? genesysDirectory()
        : options.simulate
          ? new CatalogueDirectorySource()
          : undefined;
      const token = options.token ?? (process.env.GENESYS_PIPELINE_TOKEN || undefined);
      const runtimeOptions: RuntimeOptions = {
        dataDir: resolve(options.dataDir),
        port: options.port,
        host: options.host,
        mode: options.mode,
        ...(options.maxProcessorConcurrency !== undefined
          ? { maxProcessorConcurrency: options.maxProcessorConcurrency }
          : {}),
        ...(options.pollers !== undefined ? { pollers: options.pollers } : {}),
        ...(options.maxConcurrency !== undefined ? { maxConcurrency: options.maxConcurrency } : {}),
        ...(options.lambdaConcurrencyLimit !== undefined
          ? { lambdaConcurrencyLimit: options.lambdaConcurrencyLimit }
          : {}),
        batchSize: options.batchSize,
        batchWindowMs: options.batchWindowMs,
        visibilityTimeoutMs: options.visibilityTimeout * 1000,
        ...(options.maxReceiveCount !== undefined ? { maxReceiveCount: options.maxReceiveCount } : {}),
        archiveRetentionDays: options.archive ? options.archiveRetentionDays : false,
        orgId: options.orgId,
        suffix: options.suffix,
        ...(options.topics ? { topics: options.topics } : {}),
        ...(token !== undefined ? { token } : {}),
        executor: options.executor,
        durability: options.durability,
        admission: { maxBacklog: options.maxBacklog, minFreeDiskBytes: options.minFreeDiskMb * MIB },
      };
      const log = (line: string): void => {
        process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[2K' : ''}${line}\n`);
      };
      applyRuntimeV8Flags();
      let runtime: Runtime;
      const fanOut = fanOutFrom(options.fanOutBus);
      let lake: LakeFileSink | undefined;
      try {
        // The lake first: a directory it cannot write stops the start before anything runs. The
        // fan-out sink runs last: only its own retries publish an event twice.
        lake = options.lakeDir !== undefined ? await LakeFileSink.open({ dir: options.lakeDir }) : undefined;
        const userSinks = sinkSources.length ? await loadSinkModules(sinkSources) : [];
        const sinks = [...(lake ? [lake] : []), ...userSinks, ...(fanOut ? [fanOut.sink] : [])];
        runtime = await startRuntime(runtimeOptions, {
          ...(sinks.length ? { sinks } : {}),
          log,
          status: process.stderr,
          ...(directorySource ? { directorySource } : {}),
          ...(options.genesys ? { directory: { refreshIntervalMs: options.directoryRefresh * 60_000 } } : {}),
        });
        await fanOut
          ?.open(runtime.options.dataDir, { synchronous: runtime.options.durability })
          .catch(async (error: unknown) => {
            await runtime.stop();
            throw error;
          });
      } catch (error) {
        lake?.close();
        if (
          error instanceof RuntimeOptionsError ||
          error instanceof DataDirLockedError ||
          error instanceof CorruptDatabaseError ||
          (error as Error)?.name === 'SinkModuleError' ||
          (error as Error)?.name === 'LakeSinkError'
        )
          throw new CliError((error as Error).message, 2);
        const e = error as NodeJS.ErrnoException;
        if (e.code === 'EADDRINUSE')
          throw new CliError(
            `Port ${options.port} on ${options.host} is in use: pick another with --port (0 = any free port).`,
            2,
          );
        throw error;
      }
      const o = runtime.options;
      // Never print the token itself: terminal output ends up in scrollback, logs and recordings.
      const tokenHint = token === undefined ? '' : '/?token=<your token>  (opening it once sets a session cookie)';
      process.stdout.write(
        [
          `Genesys event pipeline running (${o.mode} mode, data in ${o.dataDir}, durability ${o.durability}).`,
          ...(o.mode === 'buffered'
            ? [
                `  Bound:      ${o.pollers} pollers × Map MaxConcurrency ${o.maxConcurrency} = at most ${o.maxProcessorConcurrency} processor invocations at once` +
                  (o.lambdaConcurrencyLimit !== undefined
                    ? `; functions throttled beyond ${o.lambdaConcurrencyLimit} at once (--lambda-concurrency-limit)`
                    : ''),
              ]
            : []),
          `  Dashboard:  ${runtime.url}${tokenHint}`,
          `  PutEvents:  ${runtime.url}  (bus ${o.busName})`,
          `  Stats:      ${runtime.url}/api/stats   Metrics: ${runtime.url}/metrics`,
          `  Projections: ${runtime.url}/api/conversations  /api/agents  /api/audits  /api/events  /api/conversations/<id>/transcript`,
          `  ${describeTopicModels(o.topics)}`,
          `  Backpressure: PutEvents answers ThrottlingException ${describeAdmission(o.admission)}`,
          ...(lake ? [`  Data lake:  ${lake.dir}/family=<family>/dt=<YYYY-MM-DD>/part-….ndjson`] : []),
          ...(sinkSources.length
            ? [`  Your sinks: ${sinkSources.map((s) => s.path).join(', ')} (after the projections)`]
            : []),
          ...(fanOut
            ? [
                `  Fan-out:    every processed event to bus ${fanOut.busName} (source genesys-event-pipeline, detail-type the family)`,
                ...fanOut.describeRules().map((line) => `              ${line}`),
              ]
            : []),
          `  Send events: genesys-pipeline simulate --conversations 1000 --to ${runtime.url}   (from a clone: npm run cli -- simulate …)`,
          'Ctrl-C to stop.',
          '',
        ].join('\n'),
      );

      let signals = 0;
      const onSignal = (signal: NodeJS.Signals): void => {
        signals++;
        if (signals > 1) {
          log(`Second ${signal}: exiting now. Everything acknowledged is on disk and is processed at the next start.`);
          process.exit(130);
        }
        log(`${signal}: stopping — new events get 503, work in flight finishes (Ctrl-C again to exit at once).`);
        simulation?.abort.abort();
        // A step that fails is logged by stop(), which still releases the lock and resolves `stopped`.
        runtime.stop().catch(() => {
          process.exitCode = 1;
        });
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);

      const simulation = options.simulate ? simulate(runtime, options, token, log) : undefined;
      await runtime.stopped;
      lake?.close();
      if (runtime.failure) process.exitCode = 1;
      await fanOut?.close();
      await simulation?.done;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    });
}

/** The directory's source in the Genesys org of the environment's OAuth client (never printing its secret). */
function genesysDirectory(): DirectorySource {
  try {
    return new GenesysDirectorySource(connect({}).client.http);
  } catch (error) {
    if (error instanceof GenesysConfigError)
      throw new CliError(
        `--genesys needs the Genesys Cloud connection settings:\n${error.problems.map((p) => `  - ${p}`).join('\n')}`,
        2,
      );
    throw error;
  }
}

/** The built-in simulator: realistic conversations starting now, paced to `--rate`, sent through PutEvents with the SDK. */
function simulate(
  runtime: Runtime,
  options: RunCommandOptions,
  token: string | undefined,
  log: (line: string) => void,
): { abort: AbortController; done: Promise<void> } {
  const abort = new AbortController();
  const client = new EventBridgeClient({
    endpoint: runtime.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  if (token !== undefined) withBearerToken(client, token);
  // The families of the rule's topics: what the pipeline forwards (conversations are simulated anyway).
  const typed = [...new Set(topicModels(runtime.options.topics).typed.map((t) => t.kind))];
  const families = typed.length > 0 ? typed : (['conversation'] as const);
  if (typed.length === 0)
    log(
      'Note: none of the --topics has a typed model; the simulator sends conversation events, which the rule does not forward.',
    );
  // About nine events per conversation (eleven with the other families): arrivals at rate / 9 per
  // second keep simulated time close to wall time.
  const eventsPerConversation = families.some((f) => f !== 'conversation') ? 11 : 9;
  const arrivalRatePerSecond = Math.max(0.01, options.rate / eventsPerConversation);
  const conversations =
    options.duration !== undefined
      ? Math.max(1, Math.ceil(arrivalRatePerSecond * options.duration * 1.2))
      : 1_000_000_000;
  const deadline = options.duration !== undefined ? Date.now() + options.duration * 1000 : Number.POSITIVE_INFINITY;
  const lines = (function* () {
    for (const line of generateEvents({
      conversations,
      seed: Date.now() % 2 ** 31,
      startTime: Date.now(),
      arrivalRatePerSecond,
      orgId: options.orgId,
      suffix: options.suffix,
      duplicates: options.duplicates,
      malformed: options.malformed,
      families,
    })) {
      if (abort.signal.aborted || Date.now() >= deadline) return;
      yield line;
    }
  })();
  const done = sendEvents(lines, {
    endpoint: runtime.url,
    client,
    rate: options.rate,
    eventBusName: runtime.options.busName,
  })
    .then((summary) =>
      log(
        abort.signal.aborted
          ? `Simulator stopped with the pipeline: ${summary.accepted.toLocaleString('en-US')} events accepted${summary.failed ? ` (${summary.failed} refused while it was shutting down)` : ''}.`
          : `Simulator: ${summary.accepted.toLocaleString('en-US')} events sent, ${summary.failed} rejected${options.duration !== undefined ? `; --duration ${options.duration} s is over, the pipeline keeps running` : ''}.`,
      ),
    )
    .catch((error: unknown) => {
      if (!abort.signal.aborted) log(`Simulator stopped: ${errorMessage(error)}`);
    })
    .finally(() => client.destroy());
  return { abort, done };
}
