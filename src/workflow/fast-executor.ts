/**
 * The fast local executor: the same definitions as the reference executor
 * ({@link LocalWorkflowExecutor}, `aws-local-stepfunctions`), compiled once into closures.
 *
 * The reference interprets generically: for every state of every execution and Map iteration it
 * deep-clones the input, evaluates each path with jsonpath-plus and creates abort controllers and
 * event logs. Here, at construction, every path is parsed, every payload template and `ResultPath`
 * becomes a function, every state a closure that knows its successor, and every `Retry`/`Catch`
 * a matcher; an execution then only runs them. Values flow between states by reference (nothing
 * is ever changed in place: templates and `ResultPath` build new objects), and a Lambda payload
 * still crosses the emulated Lambda API as JSON both ways, exactly as with the reference
 * (`local-functions.ts`, shared by both).
 *
 * Supported — everything `buildStateMachineDefinition` produces, and the same constructs in
 * other definitions:
 *
 * - **Task** `arn:aws:states:::lambda:invoke` with `Parameters` (`FunctionName: "${Placeholder}"`,
 *   `Payload` / `Payload.$`), `InputPath`, `ResultSelector`, `ResultPath`, `OutputPath`,
 *   `TimeoutSeconds` (→ `States.Timeout`; absent: no timeout, as on AWS), `Retry`, `Catch`;
 * - **Map** (inline): `ItemsPath`, `ItemSelector` (with `$$.Map.Item.Value`/`Index`),
 *   `MaxConcurrency` (0 or absent: 40, the inline limit), `ItemProcessor`, `ResultSelector`,
 *   `ResultPath`, `OutputPath`, `Retry`, `Catch`; results in item order;
 * - **Pass** (`Parameters` or `Result`, `ResultPath`), **Choice** (`And`/`Or`/`Not`, the five
 *   `Numeric…` comparisons, `StringEquals`, `BooleanEquals`, `IsNull`, `IsPresent`; a value of
 *   another type compares false), **Succeed**, **Fail** (`Error`/`Cause`, `ErrorPath`/`CausePath`);
 * - definition `TimeoutSeconds`.
 *
 * Semantics (AWS Step Functions, "Handling errors in Step Functions workflows"): the first
 * retrier whose `ErrorEquals` matches decides (`States.ALL` matches every error,
 * `States.TaskFailed` every error of a Task but `States.Timeout`); once its `MaxAttempts` are used
 * up the error goes to `Catch`. A retrier waits `IntervalSeconds × BackoffRate^n`, capped by
 * `MaxDelaySeconds`, and with `JitterStrategy: FULL` a random time between 0 and that. A catcher
 * puts `{Error, Cause}` at its `ResultPath` in the state's input and goes to `Next`.
 * `States.Runtime` (a path that finds nothing) is never retried or caught. `States.ALL` must be
 * alone in its `ErrorEquals` and in the last retrier/catcher (checked at construction).
 *
 * Where this executor differs from the reference — each a case the reference gets wrong with
 * respect to AWS and our definitions never meet: when a Map iteration fails with an error the
 * Map does not catch, the other iterations are stopped (no new item starts, no retry, no next
 * state) and the Map fails once those in flight have settled (the reference keeps starting the
 * remaining items in the background after the execution has failed); a numeric comparison of a
 * non-number is false (the reference compares with JavaScript `>`); `$$.Execution.Input` is the
 * execution's input inside a Map iteration too; `Pass` `Result` may be any value; `IsNull: false`
 * matches a non-null value; `ResultPath: "$"` replaces the input on any input.
 *
 * Anything else in a definition (Wait, Parallel, distributed Map, JSONata, intrinsic functions,
 * wildcard paths, other integrations) is refused at construction with a
 * {@link LocalExecutorConfigError} that names the state and says to use the reference executor.
 */
import type { AslDefinition, JsonValue } from './asl.js';
import { UnsupportedPathError } from './errors.js';
import { LocalExecutorConfigError, WorkflowExecutionError } from './errors.js';
import { runMachine, Scope, ScopeStopped } from './execution-scope.js';
import type { CompiledState } from './execution-scope.js';
import { LocalFunctions } from './local-functions.js';
import type { ExecuteOptions, ExecutorStats, LocalExecutorOptions, WorkflowExecutor } from './local-functions.js';
import { StateCompiler, unsupported } from './state-compiler.js';
import { stateErrorOf } from './state-errors.js';

/**
 * Runs one state machine definition locally, many executions at once, from closures compiled
 * when it is constructed. Same options, results, errors, counters and concurrency caps as
 * {@link LocalWorkflowExecutor}; see the module description for the supported subset.
 *
 * @throws {LocalExecutorConfigError} at construction for a definition outside the subset, a
 *   missing handler or a bad option.
 * @example
 * const executor = new FastWorkflowExecutor(buildStateMachineDefinition({ mode: 'buffered' }), {
 *   functions: local.functions,
 *   concurrency: { ProcessorFunctionArn: { limit: 10 } },
 * });
 * const response = await executor.execute(sqsRecords); // { batchItemFailures, processed, … }
 */
export class FastWorkflowExecutor implements WorkflowExecutor {
  readonly #functions: LocalFunctions;
  readonly #start: CompiledState;
  readonly #executionTimeoutMs: number | undefined;

  constructor(definition: AslDefinition, options: LocalExecutorOptions) {
    if (!definition || typeof definition !== 'object' || !definition.States || typeof definition.StartAt !== 'string') {
      throw new LocalExecutorConfigError(
        'The definition must be an Amazon States Language object with StartAt and States.',
      );
    }
    const language = (definition as { QueryLanguage?: unknown }).QueryLanguage;
    if (language !== undefined && language !== 'JSONPath') {
      throw unsupported('the definition', `QueryLanguage ${JSON.stringify(language)}`);
    }
    for (const key of Object.keys(definition)) {
      if (!['Comment', 'QueryLanguage', 'StartAt', 'States', 'TimeoutSeconds', 'Version'].includes(key))
        throw unsupported('the definition', `field "${key}"`);
    }
    this.#functions = new LocalFunctions(definition, options);
    const timeout = definition.TimeoutSeconds;
    if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0))
      throw new LocalExecutorConfigError(
        `The definition's TimeoutSeconds must be a positive integer, got ${String(timeout)}.`,
      );
    this.#executionTimeoutMs = timeout === undefined ? undefined : timeout * 1000;
    try {
      this.#start = new StateCompiler(this.#functions, options.retryPauseMs).compileMachine(
        definition.States,
        definition.StartAt,
        'the definition',
      );
    } catch (error) {
      if (error instanceof UnsupportedPathError)
        throw new LocalExecutorConfigError(
          `${error.message} Use the reference executor (LocalWorkflowExecutor; genesys-pipeline run --executor reference) for this definition.`,
        );
      throw error;
    }
  }

  /**
   * Runs one execution to its end. The input is not copied: do not change it while the
   * execution runs.
   *
   * @returns the execution output.
   * @throws {WorkflowExecutionError} when the execution fails, times out or is aborted.
   */
  async execute(input: JsonValue, options: ExecuteOptions = {}): Promise<JsonValue> {
    const executions = this.#functions.executions;
    executions.started++;
    const scope = new Scope({ executionInput: input, startTime: new Date().toISOString() });
    try {
      const output =
        options.signal || this.#executionTimeoutMs !== undefined
          ? await this.#guarded(input, scope, options.signal)
          : await runMachine(this.#start, input, scope);
      executions.succeeded++;
      return output;
    } catch (error) {
      executions.failed++;
      throw toExecutionError(error);
    }
  }

  /** The execution, ended early by the abort signal or the definition's `TimeoutSeconds` (what runs then stops at its next step). */
  #guarded(input: JsonValue, scope: Scope, signal: AbortSignal | undefined): Promise<JsonValue> {
    const timeoutMs = this.#executionTimeoutMs;
    return new Promise<JsonValue>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (): void => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const stop = (error: WorkflowExecutionError): void => {
        finish();
        scope.stop(error);
        reject(error);
      };
      const onAbort = (): void => stop(new WorkflowExecutionError('ExecutionAborted', 'The execution was aborted.'));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined)
        timer = setTimeout(
          () =>
            stop(new WorkflowExecutionError('States.Timeout', 'The execution timed out (definition TimeoutSeconds).')),
          timeoutMs,
        );
      runMachine(this.#start, input, scope).then(
        (output) => {
          finish();
          resolve(output);
        },
        (error: unknown) => {
          finish();
          reject(error);
        },
      );
    });
  }

  /** Counters per function (by placeholder) and per execution. */
  stats(): ExecutorStats {
    return this.#functions.stats();
  }

  /** Zeroes every counter (not the in-flight gauges). */
  resetStats(): void {
    this.#functions.resetStats();
  }

  /** Compiles the states of one machine (the definition, or a Map's processor); returns the first. */
}

function toExecutionError(error: unknown): WorkflowExecutionError {
  if (error instanceof WorkflowExecutionError) return error;
  if (error instanceof ScopeStopped) return toExecutionError(error.reason);
  const { name, cause } = stateErrorOf(error);
  return new WorkflowExecutionError(name, cause);
}
