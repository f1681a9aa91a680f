/**
 * The state machine definition: one source of truth for AWS (CDK `definitionSubstitutions`) and
 * for the local executor.
 *
 * Two modes:
 *
 * ```text
 * buffered  [SQS records of a batch] → Validate → ProcessEach (Map, MaxConcurrency) ─┬→ Process ─(Retry ×2)─→ {messageId, status}
 *                                                                                     ├→ (Catch throttle) Throttled → {messageId, status: throttled, error}
 *                                                                                     └→ (Catch other) ProcessFailed → {messageId, status: failed, error, cause}
 *                                    → ReportBatch → {batchItemFailures, processed, duplicates, invalid, deadLettered, failed, throttled}
 * direct    [one EventBridge event]  → Validate → CheckValid ─→ Rejected (Succeed: dead-lettered by the validator)
 *                                                            └→ Process ─(Retry ×2)─→ {messageId, status}
 *                                                                ├→ (Catch throttle) Throttled (Fail: error + cause; not dead-lettered)
 *                                                                └→ (Catch other) RecordFailure → Failed (Fail: error + cause)
 * ```
 *
 * Two retriers on every task (AWS Step Functions, "Handling errors"; "Handle Lambda service
 * exceptions"): Lambda throttles and service errors ({@link LAMBDA_SERVICE_ERRORS}) are retried
 * with backoff and full jitter by one, the processor's own transient failures
 * (`TransientProcessingError`) by the other; each counts its own attempts. A throttle that
 * outlasts its retries is never a failure: buffered mode hands the event back to the queue
 * (`throttled`), direct mode fails the execution without dead-lettering the event (redrive it).
 * The processor counts its own failures per event and dead-letters an event itself on its last
 * attempt (`docs/processing.md`), so a Map outcome is only ids, a status, an error name and a
 * short cause — never the event — and the execution output stays small even when every item fails.
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

/** A retrier's backoff: `MaxAttempts` retries, waiting `IntervalSeconds × BackoffRate^n` (at most `MaxDelaySeconds`), full jitter. */
export interface WorkflowRetry {
  maxAttempts?: number;
  intervalSeconds?: number;
  backoffRate?: number;
  maxDelaySeconds?: number;
}

/** Options of {@link buildStateMachineDefinition}. */
export interface WorkflowOptions {
  mode: WorkflowMode;
  /** Map `MaxConcurrency` in buffered mode: iterations of one execution in parallel (1–40; default 25). */
  maxConcurrency?: number;
  /** Retry of the processor's own transient failures (`TransientProcessingError`), Process task only. */
  retry?: WorkflowRetry;
  /** Retry of Lambda throttles and service errors ({@link LAMBDA_SERVICE_ERRORS}), every task. */
  throttleRetry?: WorkflowRetry;
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
  throttled: 'Throttled',
  processFailed: 'ProcessFailed',
  reportBatch: 'ReportBatch',
  recordFailure: 'RecordFailure',
  failed: 'Failed',
} as const;

/** The resource of the optimized Lambda integration. */
export const LAMBDA_INVOKE_RESOURCE = 'arn:aws:states:::lambda:invoke';

/**
 * The errors of a `lambda:invoke` task that are not the function's own: Lambda throttling
 * (`TooManyRequestsException`, "when Lambda hits the maximum number of invocations") and the
 * transient service errors AWS recommends retrying (Step Functions, "Handle Lambda service
 * exceptions"). Retried with backoff and jitter; never counted as a failure of the event.
 */
export const LAMBDA_SERVICE_ERRORS = [
  'Lambda.TooManyRequestsException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
] as const;

/**
 * Defaults of {@link WorkflowOptions}, per mode. Buffered mode keeps its retries short: an
 * Express execution has 5 minutes, and what outlasts them goes back to the queue. Direct mode
 * (Standard, no such limit, nothing to redeliver) retries throttles for up to ~8 minutes.
 */
export const WORKFLOW_DEFAULTS = {
  maxConcurrency: 25,
  taskTimeoutSeconds: 60,
  buffered: {
    retry: { maxAttempts: 2, intervalSeconds: 1, backoffRate: 2, maxDelaySeconds: 4 },
    throttleRetry: { maxAttempts: 3, intervalSeconds: 1, backoffRate: 2, maxDelaySeconds: 4 },
  },
  direct: {
    retry: { maxAttempts: 3, intervalSeconds: 1, backoffRate: 2, maxDelaySeconds: 10 },
    throttleRetry: { maxAttempts: 10, intervalSeconds: 1, backoffRate: 2, maxDelaySeconds: 60 },
  },
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
  /** Lambda throttles and service errors: every task. */
  throttleRetrier: AslRetrier;
  /** The processor's own transient failures: the Process task. */
  transientRetrier: AslRetrier;
  taskTimeoutSeconds: number;
}

/** Every option of {@link WorkflowOptions} with its default, checked. */
export interface ResolvedWorkflowOptions {
  mode: WorkflowMode;
  maxConcurrency: number;
  retry: Required<WorkflowRetry>;
  throttleRetry: Required<WorkflowRetry>;
  taskTimeoutSeconds: number;
}

/**
 * Applies the mode's defaults to `options` and checks them.
 *
 * @throws WorkflowOptionsError naming the option at fault.
 */
export function resolveWorkflowOptions(options: WorkflowOptions): ResolvedWorkflowOptions {
  if (options.mode !== 'buffered' && options.mode !== 'direct') {
    throw new WorkflowOptionsError(
      'mode',
      `Unknown workflow mode ${JSON.stringify(options.mode)}: use "buffered" (SQS batches) or "direct" (one event per execution).`,
    );
  }
  const maxConcurrency = options.maxConcurrency ?? WORKFLOW_DEFAULTS.maxConcurrency;
  integer(
    'maxConcurrency',
    maxConcurrency,
    1,
    MAX_INLINE_MAP_CONCURRENCY,
    'an inline Map runs at most 40 iterations at once; the global bound is the event source concurrency × this',
  );
  const defaults = WORKFLOW_DEFAULTS[options.mode];
  const retry = resolveRetry('retry', defaults.retry, options.retry);
  const throttleRetry = resolveRetry('throttleRetry', defaults.throttleRetry, options.throttleRetry);
  const taskTimeoutSeconds = options.taskTimeoutSeconds ?? WORKFLOW_DEFAULTS.taskTimeoutSeconds;
  integer('taskTimeoutSeconds', taskTimeoutSeconds, 1, 99_999_999, 'TimeoutSeconds is a positive integer');
  return { mode: options.mode, maxConcurrency, retry, throttleRetry, taskTimeoutSeconds };
}

function resolveRetry(
  name: string,
  defaults: Required<WorkflowRetry>,
  given: WorkflowRetry | undefined,
): Required<WorkflowRetry> {
  const retry = { ...defaults, ...stripUndefined(given ?? {}) };
  integer(
    `${name}.maxAttempts`,
    retry.maxAttempts,
    0,
    99_999_999,
    'MaxAttempts is a non-negative integer; 0 disables retries',
  );
  integer(`${name}.intervalSeconds`, retry.intervalSeconds, 1, 99_999_999, 'IntervalSeconds is a positive integer');
  integer(
    `${name}.maxDelaySeconds`,
    retry.maxDelaySeconds,
    1,
    31_622_400,
    'MaxDelaySeconds is a positive integer below one year',
  );
  if (!(Number.isFinite(retry.backoffRate) && retry.backoffRate >= 1)) {
    throw new WorkflowOptionsError(
      `${name}.backoffRate`,
      `${name}.backoffRate must be a number ≥ 1, got ${String(retry.backoffRate)}.`,
    );
  }
  return retry;
}

function retrier(errors: readonly string[], policy: Required<WorkflowRetry>): AslRetrier {
  return {
    ErrorEquals: [...errors],
    IntervalSeconds: policy.intervalSeconds,
    BackoffRate: policy.backoffRate,
    MaxAttempts: policy.maxAttempts,
    MaxDelaySeconds: policy.maxDelaySeconds,
    JitterStrategy: 'FULL',
  };
}

function resolveOptions(options: WorkflowOptions): Resolved {
  const r = resolveWorkflowOptions(options);
  return {
    maxConcurrency: r.maxConcurrency,
    taskTimeoutSeconds: r.taskTimeoutSeconds,
    throttleRetrier: retrier(LAMBDA_SERVICE_ERRORS, r.throttleRetry),
    transientRetrier: retrier([TRANSIENT_ERROR_NAME], r.retry),
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

/**
 * A `lambda:invoke` task whose result is the function's payload shaped by `selector`, retrying
 * Lambda throttles and service errors, and (`transient`: the processor) its own transient failures.
 */
// ResultPath "$" is the default (the result replaces the input) and is left out on purpose:
// aws-local-stepfunctions v3 rejects an explicit "$" on a non-object input.
function lambdaTask(
  r: Resolved,
  fn: string,
  payload: JsonObject | string,
  selector: JsonObject | undefined,
  rest: Partial<Extract<AslState, { Type: 'Task' }>>,
  transient = false,
): Extract<AslState, { Type: 'Task' }> {
  const parameters: JsonObject = { FunctionName: placeholder(fn) };
  if (typeof payload === 'string') parameters['Payload.$'] = payload;
  else parameters.Payload = payload;
  const copy = (retrier: AslRetrier): AslRetrier => ({ ...retrier, ErrorEquals: [...retrier.ErrorEquals] });
  return {
    Type: 'Task',
    Resource: LAMBDA_INVOKE_RESOURCE,
    Parameters: parameters,
    ...(selector ? { ResultSelector: selector } : {}),
    TimeoutSeconds: r.taskTimeoutSeconds,
    Retry: transient ? [copy(r.throttleRetrier), copy(r.transientRetrier)] : [copy(r.throttleRetrier)],
    ...rest,
  };
}

const VALIDATION_SELECTOR: JsonObject = { 'items.$': '$.Payload.items', 'invalid.$': '$.Payload.invalid' };
const OUTCOME_SELECTOR: JsonObject = { 'messageId.$': '$.Payload.messageId', 'status.$': '$.Payload.status' };
/** Throttles (after their retries) to `throttled`, anything else to `failed`; the error at `$.error`. */
const CATCH_PROCESS = (throttled: string, failed: string): AslCatcher[] => [
  { ErrorEquals: [...LAMBDA_SERVICE_ERRORS], ResultPath: '$.error', Next: throttled },
  { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: failed },
];

function buffered(r: Resolved): AslDefinition {
  const S = STATE_NAMES;
  return {
    Comment:
      'Genesys events, buffered: one execution per batch (or chunk of a batch) of SQS records. Returns the partial-batch ' +
      'response: records in batchItemFailures (throttled, or failed and not yet dead-lettered) return to the queue.',
    QueryLanguage: 'JSONPath',
    StartAt: S.validate,
    States: {
      [S.validate]: lambdaTask(
        r,
        FUNCTION_PLACEHOLDERS.validator,
        { source: 'sqs', 'records.$': '$' },
        VALIDATION_SELECTOR,
        {
          Comment: 'Parse every record; invalid events go to the dead-letter store with their problems.',
          Next: S.processEach,
        },
      ),
      [S.processEach]: {
        Type: 'Map',
        Comment:
          'Process the valid events, at most MaxConcurrency at once. The small outcomes replace the items (no event leaves the Map).',
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
            [S.process]: lambdaTask(
              r,
              FUNCTION_PLACEHOLDERS.processor,
              '$',
              OUTCOME_SELECTOR,
              {
                Comment:
                  'Idempotent per event; counts its own failures and dead-letters the event on its last attempt. Throttles and transient errors are retried with backoff and jitter.',
                Catch: CATCH_PROCESS(S.throttled, S.processFailed),
                End: true,
              },
              true,
            ),
            [S.throttled]: {
              Type: 'Pass',
              Comment:
                'Lambda throttled (or failed as a service) past the retries: back to the queue, never counted as a failure.',
              Parameters: { 'messageId.$': '$.messageId', status: 'throttled', 'error.$': '$.error.Error' },
              End: true,
            },
            [S.processFailed]: {
              Type: 'Pass',
              Comment:
                'The processor failed past its retries (its errors carry a short cause): back to the queue; the processor dead-letters the event on its last attempt.',
              Parameters: {
                'messageId.$': '$.messageId',
                status: 'failed',
                'error.$': '$.error.Error',
                'cause.$': '$.error.Cause',
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
          'deadLettered.$': '$.Payload.deadLettered',
          'failed.$': '$.Payload.failed',
          'throttled.$': '$.Payload.throttled',
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
      'a dead-letter record and a Fail with the error and cause instead of an endless Wait loop; a throttle is never dead-lettered). For low volume only.',
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
          Comment:
            'Idempotent per event. Throttles and transient errors are retried with backoff and jitter; anything left is caught.',
          Catch: CATCH_PROCESS(S.throttled, S.recordFailure),
          End: true,
        },
        true,
      ),
      [S.throttled]: {
        Type: 'Fail',
        Comment:
          'Lambda throttled past the retries: not a failure of the event, so nothing is dead-lettered. The failed execution keeps the event; redrive it.',
        ErrorPath: '$.error.Error',
        CausePath: '$.error.Cause',
      },
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
