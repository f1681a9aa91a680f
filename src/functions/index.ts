/**
 * The Lambda functions the state machine definitions call, described so that the CDK app can
 * create them in a loop: entry file, placeholder in the definition, environment variables read
 * and the DynamoDB actions needed on each table — and the batch starter, which the SQS event
 * source mapping invokes and which starts the buffered state machine.
 *
 * The handlers themselves live in `src/functions/<role>.ts` (thin entry points over
 * `src/processing`); this module only describes them and does not import them.
 */
import { FUNCTION_PLACEHOLDERS } from '../contract/index.js';
import type { WorkflowMode } from '../contract/index.js';

/** Names of the environment variables the functions read. */
export const FUNCTION_ENV = {
  /** DynamoDB table of idempotency records (partition key `id` (S); TTL attribute `expiration`). */
  IDEMPOTENCY_TABLE_NAME: 'IDEMPOTENCY_TABLE_NAME',
  /** Seconds an idempotency record lives (default 604800 = 7 days; must exceed Genesys's 4-day re-send window). */
  IDEMPOTENCY_EXPIRES_AFTER_SECONDS: 'IDEMPOTENCY_EXPIRES_AFTER_SECONDS',
  /** DynamoDB table of conversation projections and facts (partition key `conversationId` (S), sort key `sk` (S)). */
  CONVERSATIONS_TABLE_NAME: 'CONVERSATIONS_TABLE_NAME',
  /**
   * Optional: DynamoDB table of the agent-state projection (partition key `userId` (S), sort key `sk` (S)).
   * Set when the deployment forwards presence, routing status or activity topics.
   */
  AGENT_STATE_TABLE_NAME: 'AGENT_STATE_TABLE_NAME',
  /**
   * Optional: DynamoDB table of the audit log (partition key `entity` (S), sort key `sk` (S); indexes
   * `byUser` (`userId`, `sk`), `byEntityType` (`entityType`, `sk`)). Set when the deployment forwards audits.
   */
  AUDIT_TABLE_NAME: 'AUDIT_TABLE_NAME',
  /**
   * Optional: DynamoDB table of transcripts (partition key `conversationId` (S), sort key `sk` (S)).
   * Set when the deployment forwards transcription.
   */
  TRANSCRIPTS_TABLE_NAME: 'TRANSCRIPTS_TABLE_NAME',
  /**
   * Optional: DynamoDB table of generic events, those of topics without a typed model (partition key
   * `stream` (S), sort key `sk` (S); index `byTopic` (`topic`, `sk`)). Set when the deployment forwards such topics.
   */
  GENERIC_EVENTS_TABLE_NAME: 'GENERIC_EVENTS_TABLE_NAME',
  /** DynamoDB table of dead-lettered events (partition key `id` (S); TTL attribute `expiresAt`). */
  DEAD_LETTER_TABLE_NAME: 'DEAD_LETTER_TABLE_NAME',
  /** Seconds a dead-letter entry lives (default 1209600 = 14 days, as SQS's longest retention). */
  DEAD_LETTER_EXPIRES_AFTER_SECONDS: 'DEAD_LETTER_EXPIRES_AFTER_SECONDS',
  /**
   * Buffered mode: the processor counts an event's transient failures (in the idempotency table)
   * and dead-letters it on the attempt that reaches this many. Unset (direct mode): no counting.
   */
  MAX_PROCESSING_ATTEMPTS: 'MAX_PROCESSING_ATTEMPTS',
  /** The batch starter: ARN of the buffered (Express) state machine it runs with StartSyncExecution. */
  STATE_MACHINE_ARN: 'STATE_MACHINE_ARN',
  /** The batch starter: worst-case seconds of one execution; it starts a chunk only with that much time left. */
  EXECUTION_BUDGET_SECONDS: 'EXECUTION_BUDGET_SECONDS',
  /** Optional: an HTTPS URL the webhook sink POSTs every new event to (see docs/processing.md). */
  SINK_WEBHOOK_URL: 'SINK_WEBHOOK_URL',
  /**
   * Optional: ARN of the Secrets Manager secret (a plain string) that signs the webhook sink's
   * requests (HMAC-SHA256; docs/processing.md). Read with `secretsmanager:GetSecretValue`, cached 5 minutes.
   */
  SINK_WEBHOOK_SECRET_ARN: 'SINK_WEBHOOK_SECRET_ARN',
  /**
   * Optional: the options of your sinks (the construct's `sinks`), a JSON array in their order;
   * set by the construct, so that options may hold CloudFormation values (a table's name).
   */
  SINK_OPTIONS: 'SINK_OPTIONS',
  /**
   * Optional: the name or ARN of the custom event bus the fan-out sink publishes every new event
   * to (PutEvents; docs/processing.md, "Fan-out to an event bus"). Unset: no fan-out.
   */
  SINK_FAN_OUT_EVENT_BUS: 'SINK_FAN_OUT_EVENT_BUS',
  /**
   * Optional: the Amazon Data Firehose stream of the data lake (the construct's `lake` prop); the
   * processor's lake sink sends every new event to it (docs/processing.md, "The data lake").
   */
  LAKE_DELIVERY_STREAM_NAME: 'LAKE_DELIVERY_STREAM_NAME',
  /**
   * Optional: the Genesys directory table (partition key `kind` (S), sort key `id` (S)); sinks
   * get names through `context.directory` (docs/directory.md). Unset: no names.
   */
  DIRECTORY_TABLE_NAME: 'DIRECTORY_TABLE_NAME',
  /** Optional: the directory refresher function, invoked asynchronously with the ids a lookup missed. */
  DIRECTORY_REFRESHER_FUNCTION_NAME: 'DIRECTORY_REFRESHER_FUNCTION_NAME',
  /** Powertools: service name in logs and metrics (default `genesys-event-pipeline`). */
  POWERTOOLS_SERVICE_NAME: 'POWERTOOLS_SERVICE_NAME',
  /** Powertools: CloudWatch metrics namespace (default `GenesysEventPipeline`). */
  POWERTOOLS_METRICS_NAMESPACE: 'POWERTOOLS_METRICS_NAMESPACE',
  /** Powertools: log level (default `INFO`). */
  POWERTOOLS_LOG_LEVEL: 'POWERTOOLS_LOG_LEVEL',
} as const;

/** The refresher's own environment variables (it is not a workflow function: not in `LAMBDA_FUNCTIONS`). */
export const REFRESHER_ENV = {
  /** The ARN of the secret `{"clientId", "clientSecret"}` (an ARN, never the secret itself). */
  GENESYS_SECRET_ARN: 'GENESYS_SECRET_ARN',
  /** The Genesys Cloud region of the org, e.g. `eu-west-1` or `mypurecloud.ie`. */
  GENESYSCLOUD_REGION: 'GENESYSCLOUD_REGION',
} as const;

/** Name of one of the {@link FUNCTION_ENV} variables. */
export type FunctionEnvName = (typeof FUNCTION_ENV)[keyof typeof FUNCTION_ENV];

/** DynamoDB actions a function needs on the table named by an environment variable. */
export interface TablePermission {
  /** The environment variable holding the table name, e.g. `IDEMPOTENCY_TABLE_NAME`. */
  tableEnv: FunctionEnvName;
  actions: readonly string[];
  /** The table exists only in some deployments (a projection of a family the topics may leave out, the directory): granted where it does, left out where it does not. */
  optional?: boolean;
}

/** One Lambda function of the pipeline. */
export interface FunctionSpec {
  /** Short role name, e.g. `validator`. */
  role: string;
  /** Entry file, from the repository root, e.g. `src/functions/validator.ts`. */
  entry: string;
  /** Exported handler name. */
  handler: 'handler';
  /** Environment variables it reads (names from {@link FUNCTION_ENV}). */
  environment: readonly FunctionEnvName[];
  /** DynamoDB permissions it needs. */
  tablePermissions: readonly TablePermission[];
  /** The workflow modes that use it. */
  modes: readonly WorkflowMode[];
  description: string;
}

/** A function the state machine definition calls. */
export interface LambdaFunctionSpec extends FunctionSpec {
  /** Definition substitution placeholder without `${}`, e.g. `ValidatorFunctionArn`. */
  placeholder: string;
}

const POWERTOOLS = [
  FUNCTION_ENV.POWERTOOLS_SERVICE_NAME,
  FUNCTION_ENV.POWERTOOLS_METRICS_NAMESPACE,
  FUNCTION_ENV.POWERTOOLS_LOG_LEVEL,
] as const;
const DEAD_LETTER_WRITE: TablePermission = {
  tableEnv: FUNCTION_ENV.DEAD_LETTER_TABLE_NAME,
  actions: ['dynamodb:PutItem'],
};

/** The functions, in the order the buffered workflow calls them. */
export const LAMBDA_FUNCTIONS: readonly LambdaFunctionSpec[] = [
  {
    role: 'validator',
    entry: 'src/functions/validator.ts',
    handler: 'handler',
    placeholder: FUNCTION_PLACEHOLDERS.validator,
    environment: [FUNCTION_ENV.DEAD_LETTER_TABLE_NAME, FUNCTION_ENV.DEAD_LETTER_EXPIRES_AFTER_SECONDS, ...POWERTOOLS],
    tablePermissions: [DEAD_LETTER_WRITE],
    modes: ['buffered', 'direct'],
    description:
      'Validates Genesys events (a batch of SQS records, or one EventBridge event); dead-letters invalid ones with their problems.',
  },
  {
    role: 'processor',
    entry: 'src/functions/processor.ts',
    handler: 'handler',
    placeholder: FUNCTION_PLACEHOLDERS.processor,
    environment: [
      FUNCTION_ENV.IDEMPOTENCY_TABLE_NAME,
      FUNCTION_ENV.IDEMPOTENCY_EXPIRES_AFTER_SECONDS,
      FUNCTION_ENV.CONVERSATIONS_TABLE_NAME,
      FUNCTION_ENV.AGENT_STATE_TABLE_NAME,
      FUNCTION_ENV.AUDIT_TABLE_NAME,
      FUNCTION_ENV.TRANSCRIPTS_TABLE_NAME,
      FUNCTION_ENV.GENERIC_EVENTS_TABLE_NAME,
      FUNCTION_ENV.DEAD_LETTER_TABLE_NAME,
      FUNCTION_ENV.DEAD_LETTER_EXPIRES_AFTER_SECONDS,
      FUNCTION_ENV.MAX_PROCESSING_ATTEMPTS,
      FUNCTION_ENV.SINK_WEBHOOK_URL,
      FUNCTION_ENV.SINK_WEBHOOK_SECRET_ARN,
      FUNCTION_ENV.SINK_OPTIONS,
      FUNCTION_ENV.SINK_FAN_OUT_EVENT_BUS,
      FUNCTION_ENV.LAKE_DELIVERY_STREAM_NAME,
      FUNCTION_ENV.DIRECTORY_TABLE_NAME,
      FUNCTION_ENV.DIRECTORY_REFRESHER_FUNCTION_NAME,
      ...POWERTOOLS,
    ],
    tablePermissions: [
      {
        tableEnv: FUNCTION_ENV.IDEMPOTENCY_TABLE_NAME,
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
      },
      {
        tableEnv: FUNCTION_ENV.CONVERSATIONS_TABLE_NAME,
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
      },
      // The other projections only write (idempotent puts, conditional updates).
      {
        tableEnv: FUNCTION_ENV.AGENT_STATE_TABLE_NAME,
        actions: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
        optional: true,
      },
      { tableEnv: FUNCTION_ENV.AUDIT_TABLE_NAME, actions: ['dynamodb:PutItem'], optional: true },
      { tableEnv: FUNCTION_ENV.TRANSCRIPTS_TABLE_NAME, actions: ['dynamodb:PutItem'], optional: true },
      { tableEnv: FUNCTION_ENV.GENERIC_EVENTS_TABLE_NAME, actions: ['dynamodb:PutItem'], optional: true },
      DEAD_LETTER_WRITE,
      // Read-only: names for the sinks. The refresher function alone writes the directory.
      {
        tableEnv: FUNCTION_ENV.DIRECTORY_TABLE_NAME,
        actions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'],
        optional: true,
      },
    ],
    modes: ['buffered', 'direct'],
    description:
      "Processes one Genesys event exactly once in effect (Powertools idempotency): its family's projection, then the configured sinks; counts its own failures.",
  },
  {
    role: 'batch-reporter',
    entry: 'src/functions/batch-reporter.ts',
    handler: 'handler',
    placeholder: FUNCTION_PLACEHOLDERS.batchReporter,
    environment: [...POWERTOOLS],
    tablePermissions: [],
    modes: ['buffered'],
    description:
      "Counts a batch's outcomes and returns the partial-batch response: throttled and failed events go back to the queue.",
  },
  {
    role: 'failure-recorder',
    entry: 'src/functions/failure-recorder.ts',
    handler: 'handler',
    placeholder: FUNCTION_PLACEHOLDERS.failureRecorder,
    environment: [FUNCTION_ENV.DEAD_LETTER_TABLE_NAME, FUNCTION_ENV.DEAD_LETTER_EXPIRES_AFTER_SECONDS, ...POWERTOOLS],
    tablePermissions: [DEAD_LETTER_WRITE],
    modes: ['direct'],
    description: 'Direct mode: dead-letters an event whose processing failed for good, with the error and cause.',
  },
];

/**
 * The batch starter (buffered mode): invoked by the SQS event source mapping, not by the state
 * machine; it starts the state machine. Its permission to do so is granted by the construct.
 */
export const BATCH_STARTER_FUNCTION: FunctionSpec = {
  role: 'batch-starter',
  entry: 'src/functions/batch-starter.ts',
  handler: 'handler',
  environment: [
    FUNCTION_ENV.STATE_MACHINE_ARN,
    FUNCTION_ENV.EXECUTION_BUDGET_SECONDS,
    FUNCTION_ENV.DEAD_LETTER_TABLE_NAME,
    FUNCTION_ENV.DEAD_LETTER_EXPIRES_AFTER_SECONDS,
    ...POWERTOOLS,
  ],
  tablePermissions: [DEAD_LETTER_WRITE],
  modes: ['buffered'],
  description:
    'Runs the buffered state machine (StartSyncExecution) over an SQS batch, chunk after chunk, and returns the partial-batch response.',
};

/** The functions a workflow mode's definition calls. */
export function functionsForMode(mode: WorkflowMode): LambdaFunctionSpec[] {
  return LAMBDA_FUNCTIONS.filter((f) => f.modes.includes(mode));
}
