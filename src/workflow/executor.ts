/**
 * The local executor: runs a definition from {@link buildStateMachineDefinition} with
 * `aws-local-stepfunctions`, its Lambda tasks mapped to in-process handlers.
 *
 * Each `lambda:invoke` task is emulated as Lambda and the optimized integration behave: the
 * payload is serialized to JSON and back, the handler's result comes back wrapped as
 * `{ ExecutedVersion, Payload, StatusCode }`, and a thrown error surfaces with the error's `name`
 * as the state error and `{"errorType","errorMessage","trace"}` JSON as the cause. So the same
 * `ResultSelector`, `Retry` and `Catch` run locally as on AWS.
 */
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine } from './interpreter.js';
import type { StateMachineDefinition } from './interpreter.js';
import type { AslDefinition, AslState, JsonValue } from './asl.js';
import { LAMBDA_INVOKE_RESOURCE } from './definition.js';

/** An in-process stand-in for one Lambda function: payload in, result out (or a thrown error). */
export type LocalLambdaHandler = (payload: JsonValue) => Promise<JsonValue | undefined> | JsonValue | undefined;

/**
 * A limit on simultaneous invocations of one function across all executions of an executor —
 * the local counterpart of Lambda reserved concurrency.
 */
export interface ConcurrencyLimit {
  limit: number;
  /**
   * `wait` (default): an invocation over the limit waits for a free slot.
   * `throttle`: it fails at once with `Lambda.TooManyRequestsException`, as Lambda throttles,
   * and the task's `Retry` decides what happens next.
   */
  onLimit?: 'wait' | 'throttle';
}

/** Options of {@link LocalWorkflowExecutor}. */
export interface LocalExecutorOptions {
  /** One handler per function placeholder of the definition, e.g. `{ ProcessorFunctionArn: handler }`. */
  functions: Readonly<Record<string, LocalLambdaHandler>>;
  /** Global concurrency limits by placeholder, e.g. `{ ProcessorFunctionArn: { limit: 10 } }`. */
  concurrency?: Readonly<Record<string, ConcurrencyLimit>>;
  /**
   * Pause before every retry, in milliseconds, instead of the definition's backoff (which
   * then also skips the jitter). For tests and fast local replays; leave unset to back off as on AWS.
   */
  retryPauseMs?: number;
}

/** Options of one execution. */
export interface ExecuteOptions {
  /** Aborts the execution: the promise rejects with a {@link WorkflowExecutionError} of error `ExecutionAborted`. */
  signal?: AbortSignal;
}

/** Counters of one function. */
export interface FunctionStats {
  invocations: number;
  errors: number;
  throttles: number;
  inFlight: number;
  peakInFlight: number;
}

/** Counters of an executor since it was created (or since {@link LocalWorkflowExecutor.resetStats}). */
export interface ExecutorStats {
  executions: { started: number; succeeded: number; failed: number };
  functions: Record<string, FunctionStats>;
}

/** An execution that did not succeed: `error` and `cause` as Step Functions reports them. */
export class WorkflowExecutionError extends Error {
  override readonly name = 'WorkflowExecutionError';
  constructor(
    /** The state error (e.g. `TransientProcessingError`, `States.Timeout`, `ExecutionAborted`). */
    readonly error: string,
    /** The cause text (for Lambda errors, the `{"errorType","errorMessage","trace"}` JSON). */
    override readonly cause: string,
  ) {
    super(`Execution failed with ${error}: ${cause}`);
  }
}

/** The definition references a function with no handler, or is otherwise unusable locally. */
export class LocalExecutorConfigError extends Error {
  override readonly name = 'LocalExecutorConfigError';
}

/** The error a handler's failure becomes, as Step Functions names it. */
class LambdaFunctionError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

/**
 * Runs one state machine definition locally, many executions at once. Create one per definition
 * and reuse it: the `StateMachine` is built (and validated) once.
 *
 * @example
 * const executor = new LocalWorkflowExecutor(buildStateMachineDefinition({ mode: 'buffered' }), {
 *   functions: { ValidatorFunctionArn: validate, ProcessorFunctionArn: process, BatchReporterFunctionArn: report },
 *   concurrency: { ProcessorFunctionArn: { limit: 10 } },
 * });
 * const response = await executor.execute(sqsRecords); // { batchItemFailures, processed, … }
 */
export class LocalWorkflowExecutor {
  readonly #machine: InstanceType<typeof StateMachine>;
  readonly #taskHandlers: Record<string, (input: JsonValue) => Promise<JsonValue>>;
  readonly #retryOverrides: Record<string, number> | undefined;
  readonly #functionStats = new Map<string, FunctionStats>();
  readonly #executions = { started: 0, succeeded: 0, failed: 0 };

  constructor(definition: AslDefinition, options: LocalExecutorOptions) {
    this.#machine = new StateMachine(definition as unknown as StateMachineDefinition, {
      validationOptions: { checkPaths: true, checkArn: true },
    });
    const tasks = lambdaTasks(definition);
    const missing = [...new Set(tasks.map((t) => t.fn))].filter((fn) => !options.functions[fn]);
    if (missing.length) {
      throw new LocalExecutorConfigError(`No local handler for ${missing.map((m) => `\${${m}}`).join(', ')}: pass functions: { ${missing.map((m) => `${m}: handler`).join(', ')} }.`);
    }
    for (const [fn, limit] of Object.entries(options.concurrency ?? {})) {
      if (!Number.isInteger(limit.limit) || limit.limit < 1) {
        throw new LocalExecutorConfigError(`concurrency.${fn}.limit must be a positive integer, got ${String(limit.limit)}.`);
      }
    }
    const invokers = new Map<string, (input: JsonValue) => Promise<JsonValue>>();
    for (const fn of new Set(tasks.map((t) => t.fn))) {
      invokers.set(fn, this.#invoker(fn, options.functions[fn]!, options.concurrency?.[fn]));
    }
    this.#taskHandlers = Object.fromEntries(tasks.map((t) => [t.state, invokers.get(t.fn)!]));
    this.#retryOverrides =
      options.retryPauseMs === undefined ? undefined : Object.fromEntries(retryableStates(definition).map((s) => [s, options.retryPauseMs!]));
  }

  /**
   * Runs one execution to its end.
   *
   * @returns the execution output.
   * @throws {WorkflowExecutionError} when the execution fails, times out or is aborted.
   */
  async execute(input: JsonValue, options: ExecuteOptions = {}): Promise<JsonValue> {
    this.#executions.started++;
    const execution = this.#machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: this.#taskHandlers as never, ...(this.#retryOverrides ? { retryIntervalOverrides: this.#retryOverrides } : {}) },
    });
    const onAbort = (): void => execution.abort();
    if (options.signal?.aborted) execution.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const output = (await execution.result) as JsonValue;
      this.#executions.succeeded++;
      return output;
    } catch (error) {
      this.#executions.failed++;
      throw toExecutionError(error);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Counters per function (by placeholder) and per execution. */
  stats(): ExecutorStats {
    return {
      executions: { ...this.#executions },
      functions: Object.fromEntries([...this.#functionStats].map(([fn, s]) => [fn, { ...s }])),
    };
  }

  /** Zeroes every counter (not the in-flight gauges). */
  resetStats(): void {
    Object.assign(this.#executions, { started: 0, succeeded: 0, failed: 0 });
    for (const s of this.#functionStats.values()) Object.assign(s, { invocations: 0, errors: 0, throttles: 0, peakInFlight: s.inFlight });
  }

  #invoker(fn: string, handler: LocalLambdaHandler, limit: ConcurrencyLimit | undefined): (input: JsonValue) => Promise<JsonValue> {
    const stats: FunctionStats = { invocations: 0, errors: 0, throttles: 0, inFlight: 0, peakInFlight: 0 };
    this.#functionStats.set(fn, stats);
    const waiting: Array<() => void> = [];
    // A slot is handed straight from a finishing invocation to a waiting one, so the count never
    // exceeds the limit even for an instant.
    const acquire = async (): Promise<void> => {
      if (!limit || stats.inFlight < limit.limit) {
        stats.inFlight++;
        return;
      }
      if (limit.onLimit === 'throttle') {
        stats.throttles++;
        throw new LambdaFunctionError('Lambda.TooManyRequestsException', `Rate Exceeded. (Service: Lambda, Status Code: 429, Error Code: TooManyRequestsException; local reserved concurrency ${limit.limit} of \${${fn}})`);
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    };
    const release = (): void => {
      const next = waiting.shift();
      if (next) next();
      else stats.inFlight--;
    };
    return async (input: JsonValue): Promise<JsonValue> => {
      const request = input as { FunctionName?: unknown; Payload?: JsonValue };
      await acquire();
      stats.invocations++;
      if (stats.inFlight > stats.peakInFlight) stats.peakInFlight = stats.inFlight;
      try {
        const payload = roundTrip(request.Payload ?? null);
        let result: JsonValue | undefined;
        try {
          result = await handler(payload);
        } catch (error) {
          stats.errors++;
          throw asLambdaError(error);
        }
        return { ExecutedVersion: '$LATEST', Payload: roundTrip(result ?? null), StatusCode: 200 };
      } finally {
        release();
      }
    };
  }
}

/** JSON serialization and back, as a payload crossing the Lambda API. */
function roundTrip(value: JsonValue): JsonValue {
  const text = JSON.stringify(value);
  return text === undefined ? null : (JSON.parse(text) as JsonValue);
}

/** A handler's thrown value as Step Functions reports a Lambda function error. */
function asLambdaError(error: unknown): LambdaFunctionError {
  const errorType = error instanceof Error ? error.name : 'Error';
  const errorMessage = error instanceof Error ? error.message : String(error);
  const trace = error instanceof Error && error.stack ? error.stack.split('\n').slice(0, 10) : [];
  return new LambdaFunctionError(errorType, JSON.stringify({ errorType, errorMessage, trace }));
}

function toExecutionError(error: unknown): WorkflowExecutionError {
  if (error instanceof ExecutionAbortedError) return new WorkflowExecutionError('ExecutionAborted', 'The execution was aborted.');
  if (error instanceof ExecutionTimeoutError) return new WorkflowExecutionError('States.Timeout', 'The execution timed out (definition TimeoutSeconds).');
  if (error instanceof ExecutionError) {
    const cause = error.cause as Error | undefined;
    return new WorkflowExecutionError(cause?.name ?? 'States.Runtime', cause?.message ?? error.message);
  }
  const e = error as Error;
  return new WorkflowExecutionError(e?.name ?? 'Error', e?.message ?? String(error));
}

interface TaskRef {
  state: string;
  fn: string;
}

function* walkStates(states: Record<string, AslState>): Generator<[string, AslState]> {
  for (const [name, state] of Object.entries(states)) {
    yield [name, state];
    if (state.Type === 'Map') yield* walkStates(state.ItemProcessor.States);
  }
}

/** Every `lambda:invoke` task and the placeholder its `FunctionName` names. */
function lambdaTasks(definition: AslDefinition): TaskRef[] {
  const tasks: TaskRef[] = [];
  const seen = new Set<string>();
  for (const [name, state] of walkStates(definition.States)) {
    if (seen.has(name)) throw new LocalExecutorConfigError(`State name "${name}" is used twice; local task overrides need unique state names.`);
    seen.add(name);
    if (state.Type !== 'Task') continue;
    const fnName = state.Parameters?.FunctionName;
    const match = typeof fnName === 'string' ? /^\$\{([A-Za-z0-9_]+)\}$/.exec(fnName) : null;
    if (state.Resource !== LAMBDA_INVOKE_RESOURCE || !match) {
      throw new LocalExecutorConfigError(`Task "${name}" must call ${LAMBDA_INVOKE_RESOURCE} with FunctionName "\${Placeholder}" to run locally.`);
    }
    tasks.push({ state: name, fn: match[1]! });
  }
  return tasks;
}

function retryableStates(definition: AslDefinition): string[] {
  return [...walkStates(definition.States)].filter(([, s]) => (s.Type === 'Task' || s.Type === 'Map') && s.Retry?.length).map(([n]) => n);
}
