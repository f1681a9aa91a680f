/**
 * The props of the `GenesysEventPipeline` construct, their defaults, and the synth-time checks
 * against the service limits (EventBridge, SQS, Lambda event source mappings, Step Functions,
 * Lambda) and against the concurrency bound and the time budget of the buffered topology.
 *
 * `resolvePipelineConfig` is pure: it turns props into a fully defaulted configuration or
 * throws one {@link PipelineConfigError} listing every problem.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Runtime } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { LogLevel as SfnLogLevel } from 'aws-cdk-lib/aws-stepfunctions';
import { PIPELINE_DEFAULTS } from '../../src/contract/index.js';
import { GENERIC_CONVERSATION_TOPICS } from '../../src/events/index.js';
import { DEFAULT_MAX_PROCESSING_ATTEMPTS } from '../../src/processing/failure-counter.js';
import {
  type ConcurrencyBound,
  resolveConcurrencyBound,
  type WorkflowMode,
  type WorkflowOptions,
  WorkflowOptionsError,
} from '../../src/workflow/index.js';
import { resolveQueueTiming } from './queue-timing.js';
import { PipelineConfigError } from './errors.js';
import { checkSinks, type PipelineSink, type ResolvedSink } from './sinks.js';
import { checkFanOut, type FanOutProps } from './fan-out.js';
import { checkLakeProps, type PipelineLakeProps } from './lake.js';
import { type PartnerEventSource, resolvePartnerEventSource, resolveTopics } from './source.js';
import { maxEventsWithinBudget } from '../../src/workflow/time-budget.js';
import { nearbyBounds } from '../../src/workflow/concurrency-bound.js';
import { resolveWorkflowOptions } from '../../src/workflow/definition.js';

/** Log level of the Powertools logger in the functions (`POWERTOOLS_LOG_LEVEL`). */
export type FunctionLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** The directory's props (the `directory` prop of `GenesysEventPipeline`). */
export interface GenesysDirectoryProps {
  /**
   * The Secrets Manager secret holding the Genesys OAuth client (grant type Client Credentials)
   * as JSON `{"clientId": "…", "clientSecret": "…"}`: its name, its full ARN, or an `ISecret`.
   * Create it outside CloudFormation (`aws secretsmanager create-secret`, docs/directory.md), so
   * that the value never passes through a template.
   */
  readonly oauthClientSecret: string | ISecret;
  /** The Genesys Cloud region of the org: `eu-west-1`, or a domain such as `mypurecloud.ie`. */
  readonly genesysRegion: string;
  /** How often the whole directory is refreshed, 5 minutes to 1 day. @default Duration.minutes(15) */
  readonly refreshInterval?: Duration;
}

/** Properties of {@link GenesysEventPipeline}. Only the event source is required. */
export interface GenesysEventPipelineProps {
  /**
   * The full partner event source name, `aws.partner/genesys.com/cloud/<orgId>/<suffix>`
   * (printed by `genesys-pipeline setup`). Give this, or `orgId` and `eventSourceSuffix`.
   */
  readonly partnerEventSourceName?: string;
  /** The Genesys Cloud organization id (a UUID). */
  readonly orgId?: string;
  /** The `eventSourceSuffix` configured on the Genesys EventBridge integration. */
  readonly eventSourceSuffix?: string;
  /**
   * The topics the rule forwards, matched on `detail-type`: any generic Genesys topic name
   * (`v2.detail.events.conversation.{id}.acd.end`, `v2.users.{id}.presence`,
   * `v2.audits.entitytype.{id}.entityid.{id}`, `v2.quality.evaluations`, …), short conversation
   * names (`acd.end`), or a family (`conversation`, `user-presence`, `user-routing-status`,
   * `user-activity`, `audit`, `transcription`). Validated at synth time (`validateTopics`): a
   * concrete or misspelt name fails synth with the name meant. The families named get their
   * projection tables and the processor's grants on them; any topic without a typed model is
   * stored in the generic events table. Synth says which topics are typed and which generic.
   * @default all 16 conversation detail topics
   */
  readonly topics?: readonly string[];
  /**
   * `buffered`: rule → SQS → event source mapping (at most E batches at once) → batch starter →
   * Step Functions Express (sync, Map of at most M) — for volume, with a hard bound of E × M
   * processor invocations. `direct`: rule → one Standard execution per event — for low volume
   * (no SQS, no bound but reserved concurrency).
   * @default 'buffered'
   */
  readonly mode?: WorkflowMode;
  /**
   * Buffered: the hard, global bound on processor invocations at once (E × M). The construct
   * splits it into `eventSourceConcurrency` E and `maxConcurrency` M (the largest M ≤ 40 that
   * divides it), unless you give those.
   * @default 100 (E = 4, M = 25)
   */
  readonly maxProcessorConcurrency?: number;
  /**
   * Buffered: E, the event source mapping's `ScalingConfig.MaximumConcurrency` (2–1,000): batches
   * in flight at once, each one execution at a time. Every per-batch function runs at most E at once.
   * @default derived from `maxProcessorConcurrency`
   */
  readonly eventSourceConcurrency?: number;
  /**
   * Buffered: M, the Map's `MaxConcurrency` (1–40; an inline Map runs at most 40 at once):
   * processor invocations at once within one execution.
   * @default derived from `maxProcessorConcurrency`
   */
  readonly maxConcurrency?: number;
  /**
   * Buffered: reserve exactly what the bound needs — E × M on the processor, E on the batch
   * starter, the validator and the batch reporter — so no other function of the account can
   * throttle the pipeline, nor the pipeline starve them. Check the account's unreserved
   * concurrency first (docs/deploy.md): Lambda keeps 100 unreserved.
   * @default false
   */
  readonly reserveConcurrency?: boolean;
  /** Retry of the processor's own transient failures (the workflow's `retry`). */
  readonly retry?: WorkflowOptions['retry'];
  /** Retry of Lambda throttles and service errors on every task (the workflow's `throttleRetry`). */
  readonly throttleRetry?: WorkflowOptions['throttleRetry'];
  /**
   * Buffered: messages per batch (the event source mapping's `BatchSize`, 1–10,000). A batch must
   * fit an Express execution's 5 minutes at worst (checked at synth); the batch starter runs it in
   * chunks under the 256 KiB execution input. Above 10 needs a batching window of at least 1 s.
   * @default the largest that fits the time budget (25 with the other defaults)
   */
  readonly batchSize?: number;
  /**
   * How long the event source mapping gathers a batch, 0–300 s in whole seconds. Also the
   * latency a lone event may wait at low traffic.
   * @default Duration.seconds(1)
   */
  readonly batchWindow?: Duration;
  /**
   * Buffered: processor attempts (across deliveries) before the processor dead-letters an event
   * with its reason. Each delivery makes 1 + `retry.maxAttempts` attempts; throttles never count.
   * @default 9 (three deliveries)
   */
  readonly maxProcessingAttempts?: number;
  /**
   * Receives of a message before SQS moves it to the queue's DLQ: a backstop for what the
   * pipeline itself cannot handle. `maxReceiveCount × visibilityTimeout` must be at least 24 h
   * (throttling alone cannot reach it) and at most `queueRetention`.
   * @default ⌈24 h / visibilityTimeout⌉
   */
  readonly maxReceiveCount?: number;
  /** Retention of the event queue, 60 s–14 days. @default Duration.days(4) */
  readonly queueRetention?: Duration;
  /**
   * Visibility timeout of the event queue: at least the batch starter's timeout plus the batching
   * window (else a batch in flight is delivered again); also how long a returned message waits.
   * @default 6 × the batch starter's timeout (AWS's advice for SQS event sources)
   */
  readonly visibilityTimeout?: Duration;
  /**
   * How long dead-lettered events are kept: the retention of the dead-letter queues (at most 14
   * days) and the TTL of entries in the dead-letter table.
   * @default Duration.days(14)
   */
  readonly deadLetterRetention?: Duration;
  /**
   * How long an idempotency record lives. Must exceed the 4 days Genesys keeps re-sending an
   * event, or a late re-send is processed twice.
   * @default Duration.days(7)
   */
  readonly idempotencyExpiry?: Duration;
  /** An HTTPS URL the processor's webhook sink POSTs every new event to (docs/processing.md). @default no webhook */
  readonly sinkWebhookUrl?: string;
  /**
   * The Secrets Manager secret (plain text) that signs the webhook's requests (HMAC-SHA256,
   * docs/processing.md): its name, its full ARN, or an `ISecret`. Create it outside
   * CloudFormation so the value never passes through a template; the processor may read it.
   * @default requests are not signed
   */
  readonly sinkWebhookSecret?: string | ISecret;
  /**
   * Your own sinks, run by the processor after the projections, in this order: modules exporting a
   * `Sink` (or a factory of one), bundled into the processor, each with its options and the IAM
   * permissions it needs (docs/processing.md, "Write your own sink").
   *
   * @example
   * sinks: [{ entry: 'src/abandoned-calls.ts', options: { tableName: table.tableName }, grants: (role) => table.grantWriteData(role) }]
   * @default no sinks of your own
   */
  readonly sinks?: readonly PipelineSink[];
  /**
   * Fan-out: the processor publishes every new event to an EventBridge custom bus (source
   * `genesys-event-pipeline`, detail-type the family), last of the sinks, so that other teams
   * subscribe with rules (docs/processing.md, "Fan-out to an event bus"). `{}` creates the bus.
   *
   * @example
   * fanOut: { eventBus: { name: 'contact-centre-events' } }
   * @default no fan-out
   */
  readonly fanOut?: FanOutProps;
  /**
   * The data lake: every new event as one JSON line in S3 through an Amazon Data Firehose stream,
   * partitioned by family and date, with a Glue table Athena queries without a crawler
   * (docs/processing.md, "The data lake"). `{}` takes every default.
   * @default no lake
   */
  readonly lake?: PipelineLakeProps;
  /**
   * The Genesys directory (names of queues, users, wrap-up codes, … for the sinks): a DynamoDB
   * table refreshed on a schedule from the Genesys Platform API with the OAuth client in a
   * Secrets Manager secret (docs/directory.md).
   * @default no directory
   */
  readonly directory?: GenesysDirectoryProps;
  /** Rule target retry attempts before the event goes to the target's DLQ, 0–185. @default 185 */
  readonly targetRetryAttempts?: number;
  /** Maximum age of an event the rule target still retries, 60 s–24 h. @default Duration.hours(24) */
  readonly targetMaxEventAge?: Duration;
  /** Keep an archive of the bus's Genesys events for replay. @default true */
  readonly archive?: boolean;
  /** Archive retention; `Duration.days(0)` keeps events indefinitely. @default Duration.days(30) */
  readonly archiveRetention?: Duration;
  /**
   * Direct mode only: reserved concurrency, one number for every function or per function role
   * (`{ processor: 50 }`) — direct mode's only cap (it throttles; it does not hold work back).
   * Buffered mode reserves with `reserveConcurrency`.
   * @default none (functions share the account's unreserved concurrency)
   */
  readonly reservedConcurrency?: number | Readonly<Record<string, number>>;
  /**
   * Memory in MB (128–10240) of the functions the state machine calls. Their work is I/O (one
   * DynamoDB write per conversation event) and Lambda bills duration × memory, so the default is
   * the smallest that leaves the Node.js runtime and the AWS SDK comfortable room (docs/capacity.md).
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Timeout of the functions the state machine calls (1 s–15 min). Each task times out 5 s
   * later (`taskTimeoutSeconds`); the buffered time budget counts every attempt at that.
   * @default Duration.seconds(10)
   */
  readonly functionTimeout?: Duration;
  /** Lambda runtime. @default Runtime.NODEJS_24_X (the newest Node.js runtime in aws-cdk-lib) */
  readonly runtime?: Runtime;
  /** `POWERTOOLS_LOG_LEVEL`. @default 'INFO' */
  readonly logLevel?: FunctionLogLevel;
  /** `POWERTOOLS_SERVICE_NAME`. @default 'genesys-event-pipeline' */
  readonly serviceName?: string;
  /** `POWERTOOLS_METRICS_NAMESPACE`. @default 'GenesysEventPipeline' */
  readonly metricsNamespace?: string;
  /** X-Ray tracing on the state machine and the functions. @default false */
  readonly tracing?: boolean;
  /** State machine log level (CloudWatch Logs). @default LogLevel.ERROR */
  readonly stateMachineLogLevel?: SfnLogLevel;
  /** Include execution input/output in state machine logs (may contain customer data). @default false */
  readonly includeExecutionData?: boolean;
  /** Retention of every log group (they are deleted with the stack). @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /**
   * Removal policy of the data: the DynamoDB tables and the dead-letter queues. (Log groups are
   * operational and retention-limited; they are deleted with the stack.)
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /** SNS topic every alarm notifies (alarm and OK). @default no alarm actions */
  readonly alarmTopic?: ITopic;
  /**
   * Alarm when the oldest queued event is older than this (buffered mode); must exceed
   * `visibilityTimeout`, or every message handed back once trips it.
   * @default 2 × visibilityTimeout
   */
  readonly oldestMessageAgeAlarmThreshold?: Duration;
  /** Name of the CloudWatch dashboard. @default generated */
  readonly dashboardName?: string;
}

/** Every prop with its default applied, after validation. */
export interface PipelineConfig {
  source: PartnerEventSource;
  topics: string[];
  mode: WorkflowMode;
  workflow: WorkflowOptions;
  /** Buffered: E, M and E × M. */
  bound: ConcurrencyBound | undefined;
  reserveConcurrency: boolean;
  /** Reserved concurrency per function role (only the roles that get one). */
  reservations: Readonly<Record<string, number>>;
  batchSize: number;
  batchWindowSeconds: number;
  maxProcessingAttempts: number;
  /** Buffered: the worst case of one execution over a full batch, seconds. */
  executionBudgetSeconds: number;
  /** Buffered: the batch starter's Lambda timeout. */
  starterTimeout: Duration;
  maxReceiveCount: number;
  queueRetention: Duration;
  visibilityTimeout: Duration;
  deadLetterRetention: Duration;
  idempotencyExpiry: Duration;
  sinkWebhookUrl: string | undefined;
  sinkWebhookSecret: string | ISecret | undefined;
  /** Your sinks, their entries resolved to absolute paths. */
  sinks: ResolvedSink[];
  fanOut: FanOutProps | undefined;
  lake: PipelineLakeProps | undefined;
  directory: GenesysDirectoryProps | undefined;
  targetRetryAttempts: number;
  targetMaxEventAge: Duration;
  archive: boolean;
  archiveRetention: Duration;
  memorySize: number;
  functionTimeout: Duration;
  runtime: Runtime;
  logLevel: FunctionLogLevel;
  serviceName: string;
  metricsNamespace: string;
  tracing: boolean;
  stateMachineLogLevel: SfnLogLevel;
  includeExecutionData: boolean;
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
  alarmTopic: ITopic | undefined;
  oldestMessageAgeAlarmThreshold: Duration;
  dashboardName: string | undefined;
  /** Things that deploy but deserve a second look (printed as synth warnings). */
  warnings: string[];
}

/** An SQS event source mapping's limits (Lambda `CreateEventSourceMapping`: standard queues). */
export const SQS_EVENT_SOURCE_LIMITS = {
  batchSize: { min: 1, max: 10_000 },
  batchWindowSeconds: { min: 0, max: 300 },
} as const;
/** Genesys queues and re-sends events for up to 4 days when AWS is unreachable. */
export const GENESYS_RESEND_WINDOW_SECONDS = 4 * 86_400;
/** A task times out this long after its function may have run (a hung invoke times out; a slow one returns its own error). */
export const TASK_TIMEOUT_MARGIN_SECONDS = 5;

const MODES: readonly WorkflowMode[] = ['buffered', 'direct'];
const FUNCTION_LOG_LEVELS: readonly FunctionLogLevel[] = ['DEBUG', 'INFO', 'WARN', 'ERROR'];

function checkInteger(problems: string[], name: string, value: number, min: number, max: number, why = ''): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    problems.push(`${name} is ${value}; it must be a whole number from ${min} to ${max}${why ? ` (${why})` : ''}.`);
  }
}

function checkSeconds(problems: string[], name: string, value: Duration, min: number, max: number, why = ''): number {
  const seconds = value.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < min || seconds > max) {
    problems.push(`${name} is ${seconds} s; it must be whole seconds from ${min} to ${max}${why ? ` (${why})` : ''}.`);
  }
  return seconds;
}

/**
 * Applies the defaults to `props` and checks them against the service limits, the concurrency
 * bound and the buffered time budget.
 *
 * @throws PipelineConfigError listing every problem (bad org id or suffix, unknown topics with
 * suggestions, a bound that does not split, a batch that does not fit 5 minutes, clocks that do
 * not fit one another, …), each with the numbers.
 * @example
 * resolvePipelineConfig({ orgId: '0c5c1f0e-2b1a-4c3d-9e8f-1a2b3c4d5e6f', eventSourceSuffix: 'prod', topics: ['acd.end'] })
 * // → { mode: 'buffered', bound: { eventSourceConcurrency: 4, maxConcurrency: 25, maxProcessorConcurrency: 100 }, batchSize: 25, … }
 */
export function resolvePipelineConfig(props: GenesysEventPipelineProps): PipelineConfig {
  const problems: string[] = [];
  const warnings: string[] = [];
  const source = resolvePartnerEventSource(props, problems);
  const topics = resolveTopics(props.topics ?? GENERIC_CONVERSATION_TOPICS, problems);

  const mode = props.mode ?? PIPELINE_DEFAULTS.mode;
  if (!MODES.includes(mode))
    problems.push(`mode "${String(mode)}" is unknown; use "buffered" (high volume) or "direct" (low volume).`);
  const buffered = mode === 'buffered';

  // --- Functions and the workflow's retries ----------------------------------------------------
  const memorySize = props.memorySize ?? PIPELINE_DEFAULTS.lambdaMemoryMb;
  checkInteger(problems, 'memorySize', memorySize, 128, 10_240, 'Lambda MemorySize in MB');
  const functionTimeout = props.functionTimeout ?? Duration.seconds(PIPELINE_DEFAULTS.functionTimeoutSeconds);
  const functionSeconds = checkSeconds(problems, 'functionTimeout', functionTimeout, 1, 900, 'Lambda Timeout');

  // --- The bound (buffered) ----------------------------------------------------------------------
  let bound: ConcurrencyBound | undefined;
  if (buffered) {
    bound = resolveConcurrencyBound(props, problems);
    if (
      bound &&
      bound.maxConcurrency < 5 &&
      bound.maxProcessorConcurrency >= 10 &&
      props.maxConcurrency === undefined
    ) {
      const near = nearbyBounds(bound.maxProcessorConcurrency);
      warnings.push(
        `maxProcessorConcurrency ${bound.maxProcessorConcurrency} splits only as ${bound.eventSourceConcurrency} × ${bound.maxConcurrency}: a Map of ${bound.maxConcurrency} makes small batches and many executions` +
          (near.length ? `; ${near.join(' or ')} split better.` : '.'),
      );
    }
    if (props.reservedConcurrency !== undefined)
      problems.push(
        'reservedConcurrency is for direct mode; in buffered mode set reserveConcurrency: true, which reserves exactly the bound (E × M on the processor, E on the per-batch functions).',
      );
  } else {
    for (const key of ['maxProcessorConcurrency', 'eventSourceConcurrency', 'reserveConcurrency'] as const) {
      if (props[key] !== undefined)
        problems.push(
          `${key} applies to buffered mode only: direct mode starts one execution per event and has no global bound (cap it with reservedConcurrency).`,
        );
    }
  }

  const workflow: WorkflowOptions = {
    mode,
    taskTimeoutSeconds: Math.max(1, Math.round(functionSeconds)) + TASK_TIMEOUT_MARGIN_SECONDS,
  };
  if (bound) workflow.maxConcurrency = bound.maxConcurrency;
  if (props.retry !== undefined) workflow.retry = props.retry;
  if (props.throttleRetry !== undefined) workflow.throttleRetry = props.throttleRetry;
  let workflowOk = MODES.includes(mode) && (!buffered || bound !== undefined);
  let transientRetries = 0;
  if (workflowOk) {
    try {
      transientRetries = resolveWorkflowOptions(workflow).retry.maxAttempts;
    } catch (error) {
      if (!(error instanceof WorkflowOptionsError)) throw error;
      problems.push(error.message);
      workflowOk = false;
    }
  }

  // --- Batches -------------------------------------------------------------------------------------
  const fitting = buffered && workflowOk ? maxEventsWithinBudget(workflow) : 0;
  const batchSize = props.batchSize ?? Math.min(SQS_EVENT_SOURCE_LIMITS.batchSize.max, Math.max(1, fitting));
  checkInteger(
    problems,
    'batchSize',
    batchSize,
    SQS_EVENT_SOURCE_LIMITS.batchSize.min,
    SQS_EVENT_SOURCE_LIMITS.batchSize.max,
    'SQS event source mapping BatchSize, standard queue',
  );
  const batchWindowSeconds = checkSeconds(
    problems,
    'batchWindow',
    props.batchWindow ?? Duration.seconds(PIPELINE_DEFAULTS.batchWindowSeconds),
    0,
    300,
    'event source mapping MaximumBatchingWindowInSeconds',
  );
  if (batchSize > 10 && batchWindowSeconds < 1) {
    problems.push(
      `batchSize is ${batchSize} with a batchWindow of 0 s: an SQS event source mapping takes more than 10 messages only with a batching window; set batchWindow to at least 1 s or batchSize to at most 10.`,
    );
  }
  const maxProcessingAttempts = props.maxProcessingAttempts ?? DEFAULT_MAX_PROCESSING_ATTEMPTS;
  checkInteger(problems, 'maxProcessingAttempts', maxProcessingAttempts, 1, 1000);

  // --- Queue and retention -------------------------------------------------------------------------
  const queueRetention = props.queueRetention ?? Duration.days(4);
  const retentionSeconds = checkSeconds(
    problems,
    'queueRetention',
    queueRetention,
    60,
    1_209_600,
    'SQS MessageRetentionPeriod',
  );
  const deadLetterRetention = props.deadLetterRetention ?? Duration.days(14);
  checkSeconds(problems, 'deadLetterRetention', deadLetterRetention, 60, 1_209_600, 'SQS MessageRetentionPeriod');
  if (deadLetterRetention.toSeconds({ integral: false }) < queueRetention.toSeconds({ integral: false })) {
    // SQS keeps a message's original enqueue time when it moves to a DLQ, so a shorter DLQ
    // retention would expire dead letters before anyone looks at them.
    problems.push(
      `deadLetterRetention (${deadLetterRetention.toDays({ integral: false })} days) is shorter than queueRetention (${queueRetention.toDays({ integral: false })} days): ` +
        'a message keeps its enqueue time in the DLQ and would expire there early. Make deadLetterRetention at least as long.',
    );
  }
  const idempotencyExpiry = props.idempotencyExpiry ?? Duration.days(7);
  if (checkSeconds(problems, 'idempotencyExpiry', idempotencyExpiry, 1, 31_536_000) <= GENESYS_RESEND_WINDOW_SECONDS) {
    problems.push(
      `idempotencyExpiry must exceed the 4 days (${GENESYS_RESEND_WINDOW_SECONDS} s) Genesys keeps re-sending an event, or a late re-send is processed twice.`,
    );
  }
  if (props.sinkWebhookUrl !== undefined && !/^https:\/\/[^\s/]+/.test(props.sinkWebhookUrl)) {
    problems.push(`sinkWebhookUrl "${props.sinkWebhookUrl}" is not an https:// URL.`);
  }
  const sinks = checkSinks(props.sinks, problems);
  const fanOut = checkFanOut(props.fanOut, problems);
  checkLakeProps(props.lake, problems);
  if (props.sinkWebhookSecret !== undefined && props.sinkWebhookUrl === undefined)
    problems.push("sinkWebhookSecret signs the webhook sink's requests: give sinkWebhookUrl too.");
  if (typeof props.sinkWebhookSecret === 'string' && props.sinkWebhookSecret.trim() === '')
    problems.push('sinkWebhookSecret is empty; give the name or ARN of the Secrets Manager secret.');
  const givenVisibility =
    props.visibilityTimeout === undefined
      ? undefined
      : checkSeconds(problems, 'visibilityTimeout', props.visibilityTimeout, 0, 43_200, 'SQS VisibilityTimeout');
  const givenAlarm =
    props.oldestMessageAgeAlarmThreshold === undefined
      ? undefined
      : checkSeconds(problems, 'oldestMessageAgeAlarmThreshold', props.oldestMessageAgeAlarmThreshold, 60, 1_209_600);

  // --- The clocks (buffered) ---------------------------------------------------------------------
  let timing = {
    executionBudgetSeconds: 0,
    starterTimeoutSeconds: 0,
    visibilityTimeoutSeconds: givenVisibility ?? 30,
    maxReceiveCount: props.maxReceiveCount ?? 1,
    oldestMessageAgeAlarmSeconds: givenAlarm ?? 600,
  };
  if (buffered && workflowOk && problems.length === 0) {
    timing = resolveQueueTiming(
      {
        workflow,
        batchSize,
        batchWindowSeconds,
        queueRetentionSeconds: retentionSeconds,
        ...(givenVisibility !== undefined ? { visibilityTimeoutSeconds: givenVisibility } : {}),
        ...(props.maxReceiveCount !== undefined ? { maxReceiveCount: props.maxReceiveCount } : {}),
        ...(givenAlarm !== undefined ? { oldestMessageAgeAlarmSeconds: givenAlarm } : {}),
        maxProcessingAttempts,
        transientRetries,
      },
      problems,
      warnings,
    );
  }

  const targetRetryAttempts = props.targetRetryAttempts ?? PIPELINE_DEFAULTS.targetRetry.maximumRetryAttempts;
  checkInteger(
    problems,
    'targetRetryAttempts',
    targetRetryAttempts,
    0,
    185,
    'EventBridge RetryPolicy MaximumRetryAttempts',
  );
  const targetMaxEventAge =
    props.targetMaxEventAge ?? Duration.seconds(PIPELINE_DEFAULTS.targetRetry.maximumEventAgeSeconds);
  checkSeconds(
    problems,
    'targetMaxEventAge',
    targetMaxEventAge,
    60,
    86_400,
    'EventBridge RetryPolicy MaximumEventAgeInSeconds',
  );

  const archiveRetention = props.archiveRetention ?? Duration.days(30);
  const archiveDays = archiveRetention.toDays({ integral: false });
  if (!Number.isInteger(archiveDays) || archiveDays < 0) {
    problems.push(`archiveRetention is ${archiveDays} days; it must be whole days (0 keeps events indefinitely).`);
  }

  // --- Reserved concurrency ------------------------------------------------------------------------
  const reserveConcurrency = props.reserveConcurrency ?? false;
  const reservations: Record<string, number> = {};
  if (buffered && reserveConcurrency && bound) {
    // Exactly the bound: E × M processor invocations, E of every per-batch function (AWS: a
    // function's reserved concurrency must be at least its SQS event sources' maximum concurrency).
    reservations.processor = bound.maxProcessorConcurrency;
    for (const role of ['batch-starter', 'validator', 'batch-reporter'])
      reservations[role] = bound.eventSourceConcurrency;
  }
  const reserved = props.reservedConcurrency;
  if (!buffered && typeof reserved === 'number') {
    checkInteger(
      problems,
      'reservedConcurrency',
      reserved,
      1,
      10_000,
      'Lambda ReservedConcurrentExecutions; 0 would stop the function',
    );
    for (const role of ['validator', 'processor', 'failure-recorder']) reservations[role] = reserved;
  } else if (!buffered && reserved) {
    for (const [role, value] of Object.entries(reserved)) {
      checkInteger(
        problems,
        `reservedConcurrency.${role}`,
        value,
        1,
        10_000,
        'Lambda ReservedConcurrentExecutions; 0 would stop the function',
      );
      reservations[role] = value;
    }
  }

  const logLevel = props.logLevel ?? 'INFO';
  if (!FUNCTION_LOG_LEVELS.includes(logLevel))
    problems.push(`logLevel "${String(logLevel)}" is unknown; use one of ${FUNCTION_LOG_LEVELS.join(', ')}.`);

  if (problems.length) throw new PipelineConfigError(problems);

  return {
    source,
    topics,
    mode,
    workflow,
    bound,
    reserveConcurrency,
    reservations,
    batchSize,
    batchWindowSeconds,
    maxProcessingAttempts,
    executionBudgetSeconds: timing.executionBudgetSeconds,
    starterTimeout: Duration.seconds(timing.starterTimeoutSeconds),
    maxReceiveCount: timing.maxReceiveCount,
    queueRetention,
    visibilityTimeout: Duration.seconds(timing.visibilityTimeoutSeconds),
    deadLetterRetention,
    idempotencyExpiry,
    sinkWebhookUrl: props.sinkWebhookUrl,
    sinkWebhookSecret: props.sinkWebhookSecret,
    sinks,
    fanOut,
    lake: props.lake,
    directory: props.directory,
    targetRetryAttempts,
    targetMaxEventAge,
    archive: props.archive ?? true,
    archiveRetention,
    memorySize,
    functionTimeout,
    runtime: props.runtime ?? Runtime.NODEJS_24_X,
    logLevel,
    serviceName: props.serviceName ?? 'genesys-event-pipeline',
    metricsNamespace: props.metricsNamespace ?? 'GenesysEventPipeline',
    tracing: props.tracing ?? false,
    stateMachineLogLevel: props.stateMachineLogLevel ?? SfnLogLevel.ERROR,
    includeExecutionData: props.includeExecutionData ?? false,
    logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    alarmTopic: props.alarmTopic,
    oldestMessageAgeAlarmThreshold: Duration.seconds(timing.oldestMessageAgeAlarmSeconds),
    dashboardName: props.dashboardName,
    warnings,
  };
}
