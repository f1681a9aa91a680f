/**
 * The state machine definition: one source of truth for AWS (CDK `definitionSubstitutions`) and
 * for the local executor.
 *
 * Two modes:
 *
 * ```text
 * buffered  [SQS records from a Pipe] → Validate → ProcessEach (Map, MaxConcurrency) ─┬→ Process ─(Retry)─→ {messageId, status}
 *                                                                                      └→ (Catch) ProcessFailed → failure record
 *                                     → ReportBatch → {batchItemFailures, processed, duplicates, invalid, failed}
 * direct    [one EventBridge event]   → Validate → CheckValid ─→ Rejected (Succeed: dead-lettered by the validator)
 *                                                             └→ Process ─(Retry)─→ {messageId, status}
 *                                                                 └→ (Catch) RecordFailure → Failed (Fail: error + cause)
 * ```
 *
 * Every Lambda is called through the optimized integration `arn:aws:states:::lambda:invoke`
 * with `FunctionName` set to a `${…FunctionArn}` placeholder and the result taken from
 * `$.Payload` by a `ResultSelector`. Why this and not the plain function ARN as `Resource`:
 * the placeholder sits in `Parameters`, so the `Resource` is always a valid ARN (asl-validator
 * and the local executor check it without disabling ARN checks); the `Payload` wrapper is
 * produced locally by the executor exactly as Lambda returns it, so the same `ResultSelector`s
 * run in both places; and it is the integration AWS documents the `Lambda.*` retry errors for.
 */
import { FUNCTION_PLACEHOLDERS, TRANSIENT_ERROR_NAME } from '../contract/index.js';
import type { WorkflowMode } from '../contract/index.js';
import { stripUndefined } from '../shared/index.js';
import { WorkflowOptionsError } from './errors.js';
import type { AslCatcher, AslDefinition, AslRetrier, AslState, JsonObject } from './asl.js';

/** Options of {@link buildStateMachineDefinition}. */
export interface WorkflowOptions {
  mode: WorkflowMode;
  /** Map `MaxConcurrency` in buffered mode: iterations of one execution in parallel (1–40; default 10). */
  maxConcurrency?: number;
  /** Retry policy of every Lambda task. */
  retry?: { maxAttempts?: number; intervalSeconds?: number; backoffRate?: number; maxDelaySeconds?: number };
  /** `TimeoutSeconds` of every Lambda task (default 60). Set it above the Lambda functions' own timeout. */
  taskTimeoutSeconds?: number;
}

/** Names of the states, for event logs, overrides and tests. */
export const STATE_NAMES = {
  validate: 'Validate',
  checkValid: 'CheckValid',
  rejected: 'Rejected',
  processEach: 'ProcessEach',
  process: 'Process',
  processFailed: 'ProcessFailed',
  reportBatch: 'ReportBatch',
  recordFailure: 'RecordFailure',
  failed: 'Failed',
} as const;

/** The resource of the optimized Lambda integration. */
export const LAMBDA_INVOKE_RESOURCE = 'arn:aws:states:::lambda:invoke';

/** The Lambda service errors AWS recommends retrying for `lambda:invoke` tasks. */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

/** Defaults of {@link WorkflowOptions}. */
export const WORKFLOW_DEFAULTS = {
  maxConcurrency: 10,
  retry: { maxAttempts: 3, intervalSeconds: 1, backoffRate: 2, maxDelaySeconds: 10 },
  taskTimeoutSeconds: 60,
} as const;

/** Inline Map runs at most 40 iterations at once (AWS Step Functions, "Map state in Inline mode"). */
export const MAX_INLINE_MAP_CONCURRENCY = 40;

/** `${Name}`: a definition substitution placeholder. */
export function placeholder(name: string): string {
  return `\${${name}}`;
}

/**
 * Builds the state machine definition for a mode.
 *
 * @example
 * const definition = buildStateMachineDefinition({ mode: 'buffered', maxConcurrency: 10 });
 * // CDK: DefinitionBody.fromString(JSON.stringify(definition)) with
 * //      definitionSubstitutions: { ProcessorFunctionArn: processor.functionArn, … }
 */
export function buildStateMachineDefinition(options: WorkflowOptions): AslDefinition {
  const resolved = resolveOptions(options);
  return options.mode === 'buffered' ? buffered(resolved) : direct(resolved);
}

interface Resolved {
  maxConcurrency: number;
  retrier: AslRetrier;
  taskTimeoutSeconds: number;
}

function resolveOptions(options: WorkflowOptions): Resolved {
  if (options.mode !== 'buffered' && options.mode !== 'direct') {
    throw new WorkflowOptionsError(
      'mode',
      `Unknown workflow mode ${JSON.stringify(options.mode)}: use "buffered" (SQS → Pipe batches) or "direct" (one event per execution).`,
    );
  }
  const maxConcurrency = options.maxConcurrency ?? WORKFLOW_DEFAULTS.maxConcurrency;
  integer(
    'maxConcurrency',
    maxConcurrency,
    1,
    MAX_INLINE_MAP_CONCURRENCY,
    'an inline Map runs at most 40 iterations at once; bound the total with the Pipe and Lambda reserved concurrency',
  );
  const retry = { ...WORKFLOW_DEFAULTS.retry, ...stripUndefined(options.retry ?? {}) };
  integer(
    'retry.maxAttempts',
    retry.maxAttempts,
    0,
    99_999_999,
    'MaxAttempts is a non-negative integer; 0 disables retries',
  );
  integer('retry.intervalSeconds', retry.intervalSeconds, 1, 99_999_999, 'IntervalSeconds is a positive integer');
  integer(
    'retry.maxDelaySeconds',
    retry.maxDelaySeconds,
    1,
    31_622_400,
    'MaxDelaySeconds is a positive integer below one year',
  );
  if (!(Number.isFinite(retry.backoffRate) && retry.backoffRate >= 1)) {
    throw new WorkflowOptionsError(
      'retry.backoffRate',
      `retry.backoffRate must be a number ≥ 1, got ${String(retry.backoffRate)}.`,
    );
  }
  const taskTimeoutSeconds = options.taskTimeoutSeconds ?? WORKFLOW_DEFAULTS.taskTimeoutSeconds;
  integer('taskTimeoutSeconds', taskTimeoutSeconds, 1, 99_999_999, 'TimeoutSeconds is a positive integer');
  return {
    maxConcurrency,
    taskTimeoutSeconds,
    retrier: {
      ErrorEquals: [...LAMBDA_SERVICE_ERRORS, TRANSIENT_ERROR_NAME],
      IntervalSeconds: retry.intervalSeconds,
      BackoffRate: retry.backoffRate,
      MaxAttempts: retry.maxAttempts,
      MaxDelaySeconds: retry.maxDelaySeconds,
      JitterStrategy: 'FULL',
    },
  };
}

function integer(option: string, value: number, min: number, max: number, hint: string): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new WorkflowOptionsError(
      option,
      `${option} must be an integer from ${min} to ${max}, got ${String(value)} (${hint}).`,
    );
  }
}

/** A `lambda:invoke` task whose result is the function's payload shaped by `selector`. */
// ResultPath "$" is the default (the result replaces the input) and is left out on purpose:
// aws-local-stepfunctions v3 rejects an explicit "$" on a non-object input.
function lambdaTask(
  r: Resolved,
  fn: string,
  payload: JsonObject | string,
  selector: JsonObject | undefined,
  rest: Partial<Extract<AslState, { Type: 'Task' }>>,
): Extract<AslState, { Type: 'Task' }> {
  const parameters: JsonObject = { FunctionName: placeholder(fn) };
  if (typeof payload === 'string') parameters['Payload.$'] = payload;
  else parameters.Payload = payload;
  return {
    Type: 'Task',
    Resource: LAMBDA_INVOKE_RESOURCE,
    Parameters: parameters,
    ...(selector ? { ResultSelector: selector } : {}),
    TimeoutSeconds: r.taskTimeoutSeconds,
    Retry: [{ ...r.retrier, ErrorEquals: [...r.retrier.ErrorEquals] }],
    ...rest,
  };
}

const VALIDATION_SELECTOR: JsonObject = { 'items.$': '$.Payload.items', 'invalid.$': '$.Payload.invalid' };
const OUTCOME_SELECTOR: JsonObject = { 'messageId.$': '$.Payload.messageId', 'status.$': '$.Payload.status' };
const CATCH_ALL = (next: string): AslCatcher[] => [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: next }];

function buffered(r: Resolved): AslDefinition {
  const S = STATE_NAMES;
  return {
    Comment:
      'Genesys events, buffered: one execution per batch of SQS records delivered by an EventBridge Pipe. ' +
      'Returns the Pipes partial-batch-failure response; records in batchItemFailures return to the queue.',
    QueryLanguage: 'JSONPath',
    StartAt: S.validate,
    States: {
      [S.validate]: lambdaTask(
        r,
        FUNCTION_PLACEHOLDERS.validator,
        { source: 'pipe', 'records.$': '$' },
        VALIDATION_SELECTOR,
        {
          Comment: 'Parse every record; invalid events go to the dead-letter store with their problems.',
          Next: S.processEach,
        },
      ),
      [S.processEach]: {
        Type: 'Map',
        Comment:
          'Process the valid events, at most MaxConcurrency at once. The outcomes replace the items (keeps the payload small).',
        ItemsPath: '$.items',
        ItemSelector: {
          'messageId.$': '$$.Map.Item.Value.messageId',
          'receiveCount.$': '$$.Map.Item.Value.receiveCount',
          'event.$': '$$.Map.Item.Value.event',
        },
        MaxConcurrency: r.maxConcurrency,
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: S.process,
          States: {
            [S.process]: lambdaTask(r, FUNCTION_PLACEHOLDERS.processor, '$', OUTCOME_SELECTOR, {
              Comment: 'Idempotent per event. Transient errors are retried with backoff; anything left is caught.',
              Catch: CATCH_ALL(S.processFailed),
              End: true,
            }),
            [S.processFailed]: {
              Type: 'Pass',
              Comment:
                'A final failure becomes a failure record; the batch reporter returns it to the queue or dead-letters it.',
              Parameters: {
                'messageId.$': '$.messageId',
                'receiveCount.$': '$.receiveCount',
                status: 'failed',
                'error.$': '$.error.Error',
                'cause.$': '$.error.Cause',
                'event.$': '$.event',
              },
              End: true,
            },
          },
        },
        ResultPath: '$.items',
        Next: S.reportBatch,
      },
      [S.reportBatch]: lambdaTask(
        r,
        FUNCTION_PLACEHOLDERS.batchReporter,
        { 'invalid.$': '$.invalid', 'outcomes.$': '$.items' },
        {
          'batchItemFailures.$': '$.Payload.batchItemFailures',
          'processed.$': '$.Payload.processed',
          'duplicates.$': '$.Payload.duplicates',
          'invalid.$': '$.Payload.invalid',
          'failed.$': '$.Payload.failed',
        },
        { Comment: 'Count the outcomes and list the records the queue must deliver again.', End: true },
      ),
    },
  };
}

function direct(r: Resolved): AslDefinition {
  const S = STATE_NAMES;
  return {
    Comment:
      'Genesys events, direct: one execution per EventBridge event (the tutorial shape, fixed: bounded Retry with backoff and jitter, ' +
      'a dead-letter record and a Fail with the error and cause instead of an endless Wait loop). For low volume only.',
    QueryLanguage: 'JSONPath',
    StartAt: S.validate,
    States: {
      [S.validate]: lambdaTask(
        r,
        FUNCTION_PLACEHOLDERS.validator,
        { source: 'eventbridge', 'event.$': '$' },
        VALIDATION_SELECTOR,
        {
          Comment: 'Parse the event; an invalid event goes to the dead-letter store with its problems.',
          Next: S.checkValid,
        },
      ),
      [S.checkValid]: {
        Type: 'Choice',
        Choices: [{ Variable: '$.invalid', NumericGreaterThan: 0, Next: S.rejected }],
        Default: S.process,
      },
      [S.rejected]: {
        Type: 'Succeed',
        Comment: 'Invalid event: already dead-lettered by the validator with its problems.',
      },
      [S.process]: lambdaTask(
        r,
        FUNCTION_PLACEHOLDERS.processor,
        {
          'messageId.$': '$.items[0].messageId',
          'receiveCount.$': '$.items[0].receiveCount',
          'event.$': '$.items[0].event',
        },
        OUTCOME_SELECTOR,
        {
          Comment: 'Idempotent per event. Transient errors are retried with backoff; anything left is caught.',
          Catch: CATCH_ALL(S.recordFailure),
          End: true,
        },
      ),
      [S.recordFailure]: lambdaTask(
        r,
        FUNCTION_PLACEHOLDERS.failureRecorder,
        {
          'messageId.$': '$.items[0].messageId',
          'event.$': '$.items[0].event',
          'error.$': '$.error.Error',
          'cause.$': '$.error.Cause',
        },
        undefined,
        {
          Comment: 'Keep the event and the reason in the dead-letter store, then fail the execution.',
          ResultPath: null,
          Next: S.failed,
        },
      ),
      [S.failed]: {
        Type: 'Fail',
        Comment: 'Fails with the processor error and cause.',
        ErrorPath: '$.error.Error',
        CausePath: '$.error.Cause',
      },
    },
  };
}

/** The placeholders a definition uses, e.g. `['ValidatorFunctionArn', 'ProcessorFunctionArn', …]`. */
export function definitionPlaceholders(definition: AslDefinition): string[] {
  const found = new Set<string>();
  for (const match of JSON.stringify(definition).matchAll(/\$\{([A-Za-z0-9_]+)\}/g)) found.add(match[1]!);
  return [...found];
}
