/**
 * Reading a Lambda function's configuration from its environment, with errors that name the
 * variable and say how to fix it, and the Powertools logger and metrics every function uses.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import type { ProcessingLogger } from '../processing/logger.js';
import { DynamoDbDeadLetterStore } from '../processing/stores/dynamodb-dead-letter-store.js';
import { FunctionConfigError } from './errors.js';
import { FUNCTION_ENV } from './index.js';

/** The process environment (or a stand-in in tests). */
export type Env = Readonly<Record<string, string | undefined>>;

/** A required variable's value. */
export function requireEnv(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value)
    throw new FunctionConfigError(
      name,
      `Environment variable ${name} is not set; the deployment must set it (see docs/processing.md, "Lambda functions").`,
    );
  return value;
}

/** An optional positive integer variable. */
export function positiveIntEnv(env: Env, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new FunctionConfigError(name, `Environment variable ${name} must be a positive integer, got "${raw}".`);
  return value;
}

/** Powertools logger and metrics with the pipeline's defaults (overridden by the POWERTOOLS_* variables). */
export function observability(env: Env): { logger: Logger; log: ProcessingLogger; metrics: Metrics } {
  const serviceName = env[FUNCTION_ENV.POWERTOOLS_SERVICE_NAME]?.trim() || 'genesys-event-pipeline';
  const namespace = env[FUNCTION_ENV.POWERTOOLS_METRICS_NAMESPACE]?.trim() || 'GenesysEventPipeline';
  const logger = new Logger({ serviceName });
  const log: ProcessingLogger = {
    info: (message, extra) => (extra ? logger.info(message, extra as LogAttributes) : logger.info(message)),
    warn: (message, extra) => (extra ? logger.warn(message, extra as LogAttributes) : logger.warn(message)),
    error: (message, extra) => (extra ? logger.error(message, extra as LogAttributes) : logger.error(message)),
  };
  return { logger, log, metrics: new Metrics({ serviceName, namespace }) };
}

/** The shared DynamoDB client of a function (region, credentials and endpoint from the standard AWS variables). */
export function dynamoDbClient(): DynamoDBClient {
  return new DynamoDBClient({});
}

/** The dead-letter store named by DEAD_LETTER_TABLE_NAME. */
export function deadLetterStore(env: Env, client: DynamoDBClient): DynamoDbDeadLetterStore {
  const expiresAfterSeconds = positiveIntEnv(env, FUNCTION_ENV.DEAD_LETTER_EXPIRES_AFTER_SECONDS);
  return new DynamoDbDeadLetterStore({
    tableName: requireEnv(env, FUNCTION_ENV.DEAD_LETTER_TABLE_NAME),
    client,
    ...(expiresAfterSeconds !== undefined ? { expiresAfterSeconds } : {}),
  });
}
