/**
 * Lambda entry point of the batch starter: the function the SQS event source mapping invokes
 * (at most `MaximumConcurrency` at once). Runs the buffered state machine over the batch with
 * `StartSyncExecution`, chunk after chunk, and returns the partial-batch response
 * (`ReportBatchItemFailures`). Reads STATE_MACHINE_ARN, EXECUTION_BUDGET_SECONDS,
 * DEAD_LETTER_TABLE_NAME and DEAD_LETTER_EXPIRES_AFTER_SECONDS.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { SFNClient, StartSyncExecutionCommand } from '@aws-sdk/client-sfn';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { createBatchStarter } from '../processing/batch-starter.js';
import type { ExecutionRunner, SqsEventRecord } from '../processing/batch-starter.js';
import { deadLetterStore, dynamoDbClient, observability, requireEnv } from './environment.js';
import { FunctionConfigError } from './errors.js';
import type { Env } from './environment.js';
import { FUNCTION_ENV } from './index.js';

const { logger, log, metrics } = observability(process.env);
let starter: ReturnType<typeof createBatchStarter> | undefined;

/**
 * `StartSyncExecution` as an {@link ExecutionRunner}. The request waits for the execution, so
 * its timeout is the execution's budget plus a minute; the SDK retries throttling
 * (`ThrottlingException`: "surges in workload may be throttled") with its backoff, 5 attempts.
 */
export function stepFunctionsRunner(
  stateMachineArn: string,
  budgetSeconds: number,
  client?: SFNClient,
): ExecutionRunner {
  const sfn =
    client ?? new SFNClient({ maxAttempts: 5, requestHandler: { requestTimeout: (budgetSeconds + 60) * 1000 } });
  return {
    async run(input) {
      const out = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn, input }));
      return {
        status: out.status ?? 'UNKNOWN',
        ...(out.output !== undefined ? { output: out.output } : {}),
        ...(out.error !== undefined ? { error: out.error } : {}),
        ...(out.cause !== undefined ? { cause: out.cause } : {}),
      };
    },
  };
}

/** The execution budget from EXECUTION_BUDGET_SECONDS. */
export function executionBudgetSeconds(env: Env): number {
  const raw = requireEnv(env, FUNCTION_ENV.EXECUTION_BUDGET_SECONDS);
  const value = Number(raw);
  if (!(Number.isFinite(value) && value > 0))
    throw new FunctionConfigError(
      FUNCTION_ENV.EXECUTION_BUDGET_SECONDS,
      `Environment variable ${FUNCTION_ENV.EXECUTION_BUDGET_SECONDS} must be a positive number of seconds, got "${raw}".`,
    );
  return value;
}

/** Builds the starter from the environment (once per execution environment). */
export function batchStarterFromEnv(env: Env, runner?: ExecutionRunner): ReturnType<typeof createBatchStarter> {
  const budget = executionBudgetSeconds(env);
  return createBatchStarter({
    runner: runner ?? stepFunctionsRunner(requireEnv(env, FUNCTION_ENV.STATE_MACHINE_ARN), budget),
    executionBudgetMs: budget * 1000,
    deadLetters: deadLetterStore(env, dynamoDbClient()),
    logger: log,
  });
}

/** Runs the batch through the state machine; answers which records go back to the queue. */
export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  logger.addContext(context);
  starter ??= batchStarterFromEnv(process.env);
  try {
    const records = (event.Records ?? []) as unknown as SqsEventRecord[];
    const result = await starter.start(records, () => context.getRemainingTimeInMillis());
    metrics.addMetric('BatchRecords', MetricUnit.Count, records.length);
    metrics.addMetric('BatchExecutions', MetricUnit.Count, result.executions);
    metrics.addMetric('RecordsHandedBack', MetricUnit.Count, result.batchItemFailures.length);
    if (result.oversized > 0) metrics.addMetric('EventsDeadLettered', MetricUnit.Count, result.oversized);
    logger.info('Batch started', {
      records: records.length,
      ...result,
      batchItemFailures: result.batchItemFailures.length,
    });
    return { batchItemFailures: result.batchItemFailures };
  } finally {
    metrics.publishStoredMetrics();
  }
}
