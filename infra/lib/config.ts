/**
 * The props of the `GenesysEventPipeline` construct, their defaults, and the synth-time checks
 * against the service limits (EventBridge, Pipes, SQS, Step Functions, Lambda).
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
import { GENERIC_CONVERSATION_TOPICS } from '../../src/events/index.js';
import { MAX_INLINE_MAP_CONCURRENCY, type WorkflowMode, type WorkflowOptions } from '../../src/workflow/index.js';
import { type PartnerEventSource, PipelineConfigError, resolvePartnerEventSource, resolveTopics } from './source.js';

/** Log level of the Powertools logger in the functions (`POWERTOOLS_LOG_LEVEL`). */
export type FunctionLogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** Log level of the EventBridge Pipe (`OFF` disables pipe logging and its log group). */
export type PipeLogLevel = 'OFF' | 'ERROR' | 'INFO' | 'TRACE';

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
   * The topics the rule forwards, matched on `detail-type`: generic names
   * (`v2.detail.events.conversation.{id}.acd.end`) or short names (`acd.end`). Validated at
   * synth time; an unknown topic fails synth with the closest known names.
   * @default all 16 conversation detail topics
   */
  readonly topics?: readonly string[];
  /**
   * `buffered`: rule → SQS → Pipe (batches) → Step Functions Express (sync) — for volume.
   * `direct`: rule → one Standard execution per event — for low volume (no SQS, no Pipe).
   * @default 'buffered'
   */
  readonly mode?: WorkflowMode;
  /**
   * `MaxConcurrency` of the Map over a batch (buffered mode), 1–40 (an inline Map runs at most
   * 40 iterations at once). It bounds one execution only; bound the whole pipeline with
   * `reservedConcurrency`.
   * @default the workflow module's default
   */
  readonly maxConcurrency?: number;
  /** Retry of the Lambda tasks in the state machine (passed to the workflow definition). */
  readonly retry?: WorkflowOptions['retry'];
  /**
   * Messages per Pipe batch (one Express execution each), 1–10000. Pipes also ends a batch
   * when its payload reaches the Step Functions target's 262,144-character limit (≈ 85 events of
   * 2 KB; `genesys-pipeline plan` computes it for your event size). Batches above 10 need a
   * batching window of at least 1 s, as for every SQS poller.
   * @default 100
   */
  readonly batchSize?: number;
  /** How long the Pipe gathers a batch, 0–300 s in whole seconds. @default Duration.seconds(1) */
  readonly batchWindow?: Duration;
  /** Receives of a message before SQS moves it to the queue's DLQ. @default 5 */
  readonly maxReceiveCount?: number;
  /** Retention of the event queue, 60 s–14 days. @default Duration.days(4) */
  readonly queueRetention?: Duration;
  /**
   * Visibility timeout of the event queue: must cover one Express execution (at most 5 minutes,
   * or the definition's `TimeoutSeconds`), or a batch still being processed is delivered again.
   * Also the delay before a failed message is retried.
   * @default Duration.minutes(6)
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
   * Reserved concurrency: one number for every function, or per function role
   * (`{ processor: 50 }`). The global bound on parallel work in either mode.
   * @default none (functions share the account's unreserved concurrency)
   */
  readonly reservedConcurrency?: number | Readonly<Record<string, number>>;
  /** Function memory in MB, 128–10240. @default 512 */
  readonly memorySize?: number;
  /**
   * Function timeout. Each state machine task times out 10 s later (`taskTimeoutSeconds`).
   * @default Duration.seconds(30)
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
  /** Pipe log level; `'OFF'` creates no pipe log group. @default 'ERROR' */
  readonly pipeLogLevel?: PipeLogLevel;
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
  /** Alarm when the oldest queued event is older than this (buffered mode). @default Duration.minutes(5) */
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
  batchSize: number;
  batchWindowSeconds: number;
  maxReceiveCount: number;
  queueRetention: Duration;
  visibilityTimeout: Duration;
  deadLetterRetention: Duration;
  idempotencyExpiry: Duration;
  sinkWebhookUrl: string | undefined;
  directory: GenesysDirectoryProps | undefined;
  targetRetryAttempts: number;
  targetMaxEventAge: Duration;
  archive: boolean;
  archiveRetention: Duration;
  reservedConcurrency: number | Readonly<Record<string, number>> | undefined;
  memorySize: number;
  functionTimeout: Duration;
  runtime: Runtime;
  logLevel: FunctionLogLevel;
  serviceName: string;
  metricsNamespace: string;
  tracing: boolean;
  stateMachineLogLevel: SfnLogLevel;
  includeExecutionData: boolean;
  pipeLogLevel: PipeLogLevel;
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
  alarmTopic: ITopic | undefined;
  oldestMessageAgeAlarmThreshold: Duration;
  dashboardName: string | undefined;
}

/** Pipes' SQS source limits (PipeSourceSqsQueueParameters). */
export const PIPE_SQS_LIMITS = {
  batchSize: { min: 1, max: 10_000 },
  batchWindowSeconds: { min: 0, max: 300 },
} as const;
/** Genesys queues and re-sends events for up to 4 days when AWS is unreachable. */
export const GENESYS_RESEND_WINDOW_SECONDS = 4 * 86_400;
/** The longest an Express execution runs (Step Functions quotas). */
export const EXPRESS_MAX_DURATION_SECONDS = 300;

const MODES: readonly WorkflowMode[] = ['buffered', 'direct'];
const FUNCTION_LOG_LEVELS: readonly FunctionLogLevel[] = ['DEBUG', 'INFO', 'WARN', 'ERROR'];
const PIPE_LOG_LEVELS: readonly PipeLogLevel[] = ['OFF', 'ERROR', 'INFO', 'TRACE'];

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
 * Applies the defaults to `props` and checks them against the service limits.
 *
 * @throws PipelineConfigError listing every problem (bad org id or suffix, unknown topics with
 * suggestions, out-of-range batch settings, …).
 * @example
 * resolvePipelineConfig({ orgId: '0c5c1f0e-2b1a-4c3d-9e8f-1a2b3c4d5e6f', eventSourceSuffix: 'prod', topics: ['acd.end'] })
 * // → { mode: 'buffered', batchSize: 100, topics: ['v2.detail.events.conversation.{id}.acd.end'], … }
 */
export function resolvePipelineConfig(props: GenesysEventPipelineProps): PipelineConfig {
  const problems: string[] = [];
  const source = resolvePartnerEventSource(props, problems);
  const topics = resolveTopics(props.topics ?? GENERIC_CONVERSATION_TOPICS, problems);

  const mode = props.mode ?? 'buffered';
  if (!MODES.includes(mode))
    problems.push(`mode "${String(mode)}" is unknown; use "buffered" (high volume) or "direct" (low volume).`);

  if (props.maxConcurrency !== undefined) {
    checkInteger(
      problems,
      'maxConcurrency',
      props.maxConcurrency,
      1,
      MAX_INLINE_MAP_CONCURRENCY,
      'an inline Map state runs at most 40 iterations at once; bound the whole pipeline with reservedConcurrency',
    );
  }
  const batchSize = props.batchSize ?? 100;
  checkInteger(
    problems,
    'batchSize',
    batchSize,
    PIPE_SQS_LIMITS.batchSize.min,
    PIPE_SQS_LIMITS.batchSize.max,
    'EventBridge Pipes SQS source limit',
  );
  const batchWindowSeconds = checkSeconds(
    problems,
    'batchWindow',
    props.batchWindow ?? Duration.seconds(1),
    0,
    300,
    'EventBridge Pipes MaximumBatchingWindowInSeconds',
  );
  if (batchSize > 10 && batchWindowSeconds < 1) {
    problems.push(
      `batchSize is ${batchSize} with a batchWindow of 0 s: an SQS poller only gathers more than 10 messages within a batching window; set batchWindow to at least 1 s or batchSize to at most 10.`,
    );
  }

  const maxReceiveCount = props.maxReceiveCount ?? 5;
  checkInteger(problems, 'maxReceiveCount', maxReceiveCount, 1, 1000, 'SQS redrive policy');
  const queueRetention = props.queueRetention ?? Duration.days(4);
  checkSeconds(problems, 'queueRetention', queueRetention, 60, 1_209_600, 'SQS MessageRetentionPeriod');
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
  const visibilityTimeout = props.visibilityTimeout ?? Duration.minutes(6);
  const visibility = checkSeconds(problems, 'visibilityTimeout', visibilityTimeout, 0, 43_200, 'SQS VisibilityTimeout');
  if (mode === 'buffered' && visibility < EXPRESS_MAX_DURATION_SECONDS) {
    problems.push(
      `visibilityTimeout is ${visibility} s, shorter than an Express execution may run (${EXPRESS_MAX_DURATION_SECONDS} s): ` +
        'a batch still being processed would be delivered again. Use at least 300 s.',
    );
  }

  const targetRetryAttempts = props.targetRetryAttempts ?? 185;
  checkInteger(
    problems,
    'targetRetryAttempts',
    targetRetryAttempts,
    0,
    185,
    'EventBridge RetryPolicy MaximumRetryAttempts',
  );
  const targetMaxEventAge = props.targetMaxEventAge ?? Duration.hours(24);
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

  const reserved = props.reservedConcurrency;
  if (typeof reserved === 'number') {
    checkInteger(
      problems,
      'reservedConcurrency',
      reserved,
      1,
      10_000,
      'Lambda ReservedConcurrentExecutions; 0 would stop the function',
    );
  } else if (reserved) {
    for (const [role, value] of Object.entries(reserved)) {
      checkInteger(
        problems,
        `reservedConcurrency.${role}`,
        value,
        1,
        10_000,
        'Lambda ReservedConcurrentExecutions; 0 would stop the function',
      );
    }
  }
  const memorySize = props.memorySize ?? 512;
  checkInteger(problems, 'memorySize', memorySize, 128, 10_240, 'Lambda MemorySize in MB');
  const functionTimeout = props.functionTimeout ?? Duration.seconds(30);
  checkSeconds(problems, 'functionTimeout', functionTimeout, 1, 900, 'Lambda Timeout');
  if (mode === 'buffered' && functionTimeout.toSeconds({ integral: false }) >= EXPRESS_MAX_DURATION_SECONDS) {
    problems.push(
      `functionTimeout must be shorter than the ${EXPRESS_MAX_DURATION_SECONDS} s an Express execution may run.`,
    );
  }

  const logLevel = props.logLevel ?? 'INFO';
  if (!FUNCTION_LOG_LEVELS.includes(logLevel))
    problems.push(`logLevel "${String(logLevel)}" is unknown; use one of ${FUNCTION_LOG_LEVELS.join(', ')}.`);
  const pipeLogLevel = props.pipeLogLevel ?? 'ERROR';
  if (!PIPE_LOG_LEVELS.includes(pipeLogLevel))
    problems.push(`pipeLogLevel "${String(pipeLogLevel)}" is unknown; use one of ${PIPE_LOG_LEVELS.join(', ')}.`);

  const oldestMessageAgeAlarmThreshold = props.oldestMessageAgeAlarmThreshold ?? Duration.minutes(5);
  checkSeconds(problems, 'oldestMessageAgeAlarmThreshold', oldestMessageAgeAlarmThreshold, 60, 1_209_600);

  if (problems.length) throw new PipelineConfigError(problems);

  // A task waits a little longer than its function may run, so a hung invoke times out while a
  // slow one still returns its own error.
  const workflow: WorkflowOptions = { mode, taskTimeoutSeconds: functionTimeout.toSeconds() + 10 };
  if (props.maxConcurrency !== undefined) workflow.maxConcurrency = props.maxConcurrency;
  if (props.retry !== undefined) workflow.retry = props.retry;

  return {
    source,
    topics,
    mode,
    workflow,
    batchSize,
    batchWindowSeconds,
    maxReceiveCount,
    queueRetention,
    visibilityTimeout,
    deadLetterRetention,
    idempotencyExpiry,
    sinkWebhookUrl: props.sinkWebhookUrl,
    directory: props.directory,
    targetRetryAttempts,
    targetMaxEventAge,
    archive: props.archive ?? true,
    archiveRetention,
    reservedConcurrency: reserved,
    memorySize,
    functionTimeout,
    runtime: props.runtime ?? Runtime.NODEJS_24_X,
    logLevel,
    serviceName: props.serviceName ?? 'genesys-event-pipeline',
    metricsNamespace: props.metricsNamespace ?? 'GenesysEventPipeline',
    tracing: props.tracing ?? false,
    stateMachineLogLevel: props.stateMachineLogLevel ?? SfnLogLevel.ERROR,
    includeExecutionData: props.includeExecutionData ?? false,
    pipeLogLevel,
    logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    alarmTopic: props.alarmTopic,
    oldestMessageAgeAlarmThreshold,
    dashboardName: props.dashboardName,
  };
}
