/**
 * The Lambda functions the state machine definitions call, described so that the CDK app can
 * create them in a loop: entry file, placeholder in the definition, environment variables read
 * and the DynamoDB actions needed on each table.
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
  /** DynamoDB table of dead-lettered events (partition key `id` (S); TTL attribute `expiresAt`). */
  DEAD_LETTER_TABLE_NAME: 'DEAD_LETTER_TABLE_NAME',
  /** Seconds a dead-letter entry lives (default 1209600 = 14 days, as SQS's longest retention). */
  DEAD_LETTER_EXPIRES_AFTER_SECONDS: 'DEAD_LETTER_EXPIRES_AFTER_SECONDS',
  /**
   * The source queue's `maxReceiveCount` (redrive policy). On the last delivery the batch reporter
   * dead-letters a failed record with its reason instead of handing it back to the queue. Unset:
   * failed records always go back to the queue (and its own DLQ catches them, without a reason).
   */
  SOURCE_MAX_RECEIVE_COUNT: 'SOURCE_MAX_RECEIVE_COUNT',
  /** Optional: an HTTPS URL the webhook sink POSTs every new event to (see docs/processing.md). */
  SINK_WEBHOOK_URL: 'SINK_WEBHOOK_URL',
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
  /** The table exists only in some deployments (the directory): no grant where it does not. */
  optional?: boolean;
}

/** One Lambda function of the pipeline. */
export interface LambdaFunctionSpec {
  /** Short role name, e.g. `validator`. */
  role: string;
  /** Entry file, from the repository root, e.g. `src/functions/validator.ts`. */
  entry: string;
  /** Exported handler name. */
  handler: 'handler';
  /** Definition substitution placeholder without `${}`, e.g. `ValidatorFunctionArn`. */
  placeholder: string;
  /** Environment variables it reads (names from {@link FUNCTION_ENV}). */
  environment: readonly FunctionEnvName[];
  /** DynamoDB permissions it needs. */
  tablePermissions: readonly TablePermission[];
  /** The workflow modes whose definition calls it. */
  modes: readonly WorkflowMode[];
  description: string;
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
      'Validates Genesys events (a Pipe batch of SQS records, or one EventBridge event); dead-letters invalid ones with their problems.',
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
      FUNCTION_ENV.DEAD_LETTER_TABLE_NAME,
      FUNCTION_ENV.DEAD_LETTER_EXPIRES_AFTER_SECONDS,
      FUNCTION_ENV.SINK_WEBHOOK_URL,
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
      'Processes one Genesys event exactly once in effect (Powertools idempotency): conversation projection, then the configured sinks.',
  },
  {
    role: 'batch-reporter',
    entry: 'src/functions/batch-reporter.ts',
    handler: 'handler',
    placeholder: FUNCTION_PLACEHOLDERS.batchReporter,
    environment: [
      FUNCTION_ENV.SOURCE_MAX_RECEIVE_COUNT,
      FUNCTION_ENV.DEAD_LETTER_TABLE_NAME,
      FUNCTION_ENV.DEAD_LETTER_EXPIRES_AFTER_SECONDS,
      ...POWERTOOLS,
    ],
    tablePermissions: [DEAD_LETTER_WRITE],
    modes: ['buffered'],
    description:
      "Counts a batch's outcomes and returns the Pipes partial-batch-failure response; dead-letters failures on their last delivery.",
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

/** The functions a workflow mode needs. */
export function functionsForMode(mode: WorkflowMode): LambdaFunctionSpec[] {
  return LAMBDA_FUNCTIONS.filter((f) => f.modes.includes(mode));
}
