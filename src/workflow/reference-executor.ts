/**
 * The reference local executor: runs a definition from {@link buildStateMachineDefinition} with
 * `aws-local-stepfunctions` (a generic Amazon States Language interpreter), its Lambda tasks
 * mapped to in-process handlers through the Lambda emulation of `local-functions.ts`.
 *
 * It is the oracle the compiled {@link FastWorkflowExecutor} is checked against
 * (`test/workflow/fast-executor.differential.test.ts`), and the executor to use for a
 * definition outside the fast executor's subset. `genesys-pipeline run --executor reference`
 * runs the pipeline on it.
 */
import { loadInterpreter } from './interpreter.js';
import type { StateMachineDefinition } from './interpreter.js';
import type { StateMachine } from 'aws-local-stepfunctions';
import type { AslDefinition, JsonValue } from './asl.js';
import { WorkflowExecutionError } from './errors.js';
import { LocalFunctions, walkStates } from './local-functions.js';
import type { ExecuteOptions, ExecutorStats, LocalExecutorOptions, WorkflowExecutor } from './local-functions.js';

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
export class LocalWorkflowExecutor implements WorkflowExecutor {
  readonly #machine: InstanceType<typeof StateMachine>;
  readonly #taskHandlers: Record<string, (input: JsonValue) => Promise<JsonValue>>;
  readonly #retryOverrides: Record<string, number> | undefined;
  readonly #functions: LocalFunctions;

  constructor(definition: AslDefinition, options: LocalExecutorOptions) {
    // A copy: the library's validation writes QueryLanguage into every state of what it is given.
    this.#machine = new (loadInterpreter().interpreter.StateMachine)(
      structuredClone(definition) as unknown as StateMachineDefinition,
      {
        validationOptions: { checkPaths: true, checkArn: true },
      },
    );
    this.#functions = new LocalFunctions(definition, options);
    this.#taskHandlers = Object.fromEntries(this.#functions.tasks.map((t) => [t.state, this.#functions.invoker(t.fn)]));
    this.#retryOverrides =
      options.retryPauseMs === undefined
        ? undefined
        : Object.fromEntries(retryableStates(definition).map((s) => [s, options.retryPauseMs!]));
  }

  /**
   * Runs one execution to its end.
   *
   * @returns the execution output.
   * @throws {WorkflowExecutionError} when the execution fails, times out or is aborted.
   */
  async execute(input: JsonValue, options: ExecuteOptions = {}): Promise<JsonValue> {
    this.#functions.executions.started++;
    const execution = this.#machine.run(input as never, {
      overrides: {
        taskResourceLocalHandlers: this.#taskHandlers as never,
        ...(this.#retryOverrides ? { retryIntervalOverrides: this.#retryOverrides } : {}),
      },
    });
    const onAbort = (): void => execution.abort();
    if (options.signal?.aborted) execution.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const output = (await execution.result) as JsonValue;
      this.#functions.executions.succeeded++;
      return output;
    } catch (error) {
      this.#functions.executions.failed++;
      throw toExecutionError(error);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Counters per function (by placeholder) and per execution. */
  stats(): ExecutorStats {
    return this.#functions.stats();
  }

  /** Zeroes every counter (not the in-flight gauges). */
  resetStats(): void {
    this.#functions.resetStats();
  }
}

function toExecutionError(error: unknown): WorkflowExecutionError {
  const { ExecutionAbortedError, ExecutionTimeoutError, ExecutionError } = loadInterpreter().interpreter;
  if (error instanceof ExecutionAbortedError)
    return new WorkflowExecutionError('ExecutionAborted', 'The execution was aborted.');
  if (error instanceof ExecutionTimeoutError)
    return new WorkflowExecutionError('States.Timeout', 'The execution timed out (definition TimeoutSeconds).');
  if (error instanceof ExecutionError) {
    const cause = error.cause as Error | undefined;
    return new WorkflowExecutionError(cause?.name ?? 'States.Runtime', cause?.message ?? error.message);
  }
  const e = error as Error;
  return new WorkflowExecutionError(e?.name ?? 'Error', e?.message ?? String(error));
}

function retryableStates(definition: AslDefinition): string[] {
  return [...walkStates(definition.States)]
    .filter(([, s]) => (s.Type === 'Task' || s.Type === 'Map') && s.Retry?.length)
    .map(([n]) => n);
}
