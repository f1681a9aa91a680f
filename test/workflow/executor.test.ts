import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  createBatchReporter,
  createFailureRecorder,
  createValidator,
  TransientProcessingError,
} from '../../src/processing/index.js';
import type {
  ItemOutcome,
  ProcessRequest,
  ValidatorRequest,
  BatchReportRequest,
  FailureRecordRequest,
} from '../../src/processing/index.js';
import {
  buildStateMachineDefinition,
  FastWorkflowExecutor,
  FUNCTION_PLACEHOLDERS as F,
  LocalExecutorConfigError,
  LocalWorkflowExecutor,
  WorkflowExecutionError,
} from '../../src/workflow/index.js';
import type {
  AslDefinition,
  JsonValue,
  LocalExecutorOptions,
  WorkflowExecutor,
  WorkflowOptions,
} from '../../src/workflow/index.js';
import { projectRoot } from '../support/paths.js';
import { eventLine, MemoryDeadLetterStore, sleep, sqsRecord } from './support.js';

type ProcessFn = (request: ProcessRequest) => Promise<JsonValue>;
type ExecutorClass = new (definition: AslDefinition, options: LocalExecutorOptions) => WorkflowExecutor;

/** Every test runs against both executors: the reference (aws-local-stepfunctions) and the compiled one. */
const EXECUTORS: Array<[string, ExecutorClass]> = [
  ['LocalWorkflowExecutor (reference)', LocalWorkflowExecutor],
  ['FastWorkflowExecutor', FastWorkflowExecutor],
];

describe.each(EXECUTORS)('%s', (executorName, Executor) => {
  /** A buffered or direct executor with the real validator and batch reporter and a test-controlled processor. */
  function harness(
    options: Partial<WorkflowOptions> & { process: ProcessFn; executor?: Partial<LocalExecutorOptions> },
  ) {
    const deadLetters = new MemoryDeadLetterStore();
    const validator = createValidator({ deadLetters });
    const reporter = createBatchReporter();
    const recorder = createFailureRecorder({ deadLetters });
    const reports: BatchReportRequest[] = [];
    const failures: FailureRecordRequest[] = [];
    const calls = new Map<string, number>();
    const executor = new Executor(buildStateMachineDefinition({ mode: 'buffered', ...options }), {
      retryPauseMs: 1,
      ...options.executor,
      functions: {
        [F.validator]: async (p) =>
          (await validator.validate(p as unknown as ValidatorRequest)) as unknown as JsonValue,
        [F.processor]: async (p) => {
          const request = p as unknown as ProcessRequest;
          calls.set(request.messageId, (calls.get(request.messageId) ?? 0) + 1);
          return options.process(request);
        },
        [F.batchReporter]: async (p) => {
          reports.push(p as unknown as BatchReportRequest);
          return (await reporter.report(p as unknown as BatchReportRequest)) as unknown as JsonValue;
        },
        [F.failureRecorder]: async (p) => {
          failures.push(p as unknown as FailureRecordRequest);
          return (await recorder.record(p as unknown as FailureRecordRequest)) as unknown as JsonValue;
        },
        ...options.executor?.functions,
      },
    });
    return { executor, deadLetters, reports, failures, calls };
  }

  const ok: ProcessFn = async (r) => ({ messageId: r.messageId, status: 'processed', key: 'k' });

  function batch(n: number, offset = 0) {
    return Array.from({ length: n }, (_, i) => sqsRecord(eventLine(offset + i)));
  }

  describe('buffered mode', () => {
    it('processes a clean batch: every Task runs, nothing fails', async () => {
      const { executor } = harness({ process: ok });
      const output = await executor.execute(batch(5));
      // Without the polyfill on Node 20, every Task throws a TypeError that the Catch swallows: processed 0, failed 5.
      expect(output).toEqual({
        batchItemFailures: [],
        processed: 5,
        duplicates: 0,
        invalid: 0,
        deadLettered: 0,
        failed: 0,
        throttled: 0,
      });
    });

    // Node 20 has no Promise.withResolvers, which every Task of aws-local-stepfunctions calls: without
    // the polyfill each Task throws a TypeError that a Catch swallows. A child process removes the
    // method before importing the executor, so this fails whenever the polyfill is not loaded first.
    it('runs Task states when Promise.withResolvers is missing before the executor is imported (child process)', async () => {
      const script = `
      delete Promise.withResolvers;
      const workflow = await import('./src/workflow/index.ts');
      const executor = new workflow[${JSON.stringify(Executor.name)}](workflow.buildStateMachineDefinition({ mode: 'direct' }), { functions: {
        ValidatorFunctionArn: () => ({ items: [{ messageId: 'm1', receiveCount: 1, event: {} }], invalid: 0 }),
        ProcessorFunctionArn: (p) => ({ messageId: p.messageId, status: 'processed' }),
        FailureRecorderFunctionArn: () => ({}),
      } });
      console.log(JSON.stringify(await executor.execute({})));`;
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        { cwd: projectRoot, timeout: 60_000 },
      );
      expect(JSON.parse(stdout.trim())).toEqual({ messageId: 'm1', status: 'processed' });
    });

    it('Retry: a transient error is retried until it succeeds', async () => {
      const failuresLeft = new Map<string, number>();
      const { executor, calls } = harness({
        process: async (r) => {
          const left = failuresLeft.get(r.messageId) ?? 2;
          failuresLeft.set(r.messageId, left - 1);
          if (left > 0) throw new TransientProcessingError('DynamoDB throttled');
          return ok(r);
        },
      });
      const records = batch(3);
      const output = await executor.execute(records);
      expect(output).toMatchObject({ batchItemFailures: [], processed: 3, failed: 0, throttled: 0 });
      for (const r of records) expect(calls.get(r.messageId)).toBe(3);
    });

    it.each([
      'Lambda.ServiceException',
      'Lambda.AWSLambdaException',
      'Lambda.SdkClientException',
      'Lambda.TooManyRequestsException',
      'Lambda.ClientExecutionTimeoutException',
    ])('Retry: %s is retried', async (name) => {
      let thrown = 0;
      const { executor } = harness({
        process: async (r) => {
          if (thrown++ === 0) throw Object.assign(new Error('service hiccup'), { name });
          return ok(r);
        },
      });
      expect(await executor.execute(batch(1))).toMatchObject({ processed: 1, failed: 0 });
      expect(thrown).toBe(2);
    });

    it('Retry is bounded (MaxAttempts), then Catch turns the failure into a batch item failure with the Lambda-style cause', async () => {
      const records = batch(4);
      const bad = records[1]!.messageId;
      const { executor, calls, reports } = harness({
        retry: { maxAttempts: 2 },
        process: async (r) => {
          if (r.messageId === bad) throw new TransientProcessingError('conversation table unavailable');
          return ok(r);
        },
      });
      const output = await executor.execute(records);
      expect(output).toEqual({
        batchItemFailures: [{ itemIdentifier: bad }],
        processed: 3,
        duplicates: 0,
        invalid: 0,
        deadLettered: 0,
        failed: 1,
        throttled: 0,
      });
      expect(calls.get(bad)).toBe(3); // 1 attempt + 2 retries
      const failure = reports[0]!.outcomes.find((o) => o.messageId === bad) as Extract<
        ItemOutcome,
        { status: 'failed' }
      >;
      // A small outcome: ids, the error name and the cause; never the event.
      expect(Object.keys(failure).sort()).toEqual(['cause', 'error', 'messageId', 'status']);
      expect(failure).toMatchObject({ status: 'failed', error: 'TransientProcessingError' });
      expect(JSON.parse(failure.cause!)).toMatchObject({
        errorType: 'TransientProcessingError',
        errorMessage: 'conversation table unavailable',
      });
    });

    it('an error that is not retryable is caught at once, without retries', async () => {
      const records = batch(2);
      const { executor, calls } = harness({
        process: async (r) => {
          if (r.messageId === records[0]!.messageId) throw new TypeError('bug');
          return ok(r);
        },
      });
      expect(await executor.execute(records)).toMatchObject({
        batchItemFailures: [{ itemIdentifier: records[0]!.messageId }],
        processed: 1,
        failed: 1,
      });
      expect(calls.get(records[0]!.messageId)).toBe(1);
    });

    it('invalid events are counted and dead-lettered, never processed, and do not fail the batch', async () => {
      const records = [
        sqsRecord(eventLine(1)),
        sqsRecord('{"not":"genesys"}'),
        sqsRecord('garbage'),
        sqsRecord(eventLine(2)),
      ];
      const { executor, calls, deadLetters } = harness({ process: ok });
      expect(await executor.execute(records)).toEqual({
        batchItemFailures: [],
        processed: 2,
        duplicates: 0,
        invalid: 2,
        deadLettered: 0,
        failed: 0,
        throttled: 0,
      });
      expect(calls.has(records[1]!.messageId)).toBe(false);
      const entries = await deadLetters.list();
      expect(entries.map((e) => e.messageId).sort()).toEqual([records[1]!.messageId, records[2]!.messageId].sort());
      expect(entries.every((e) => e.stage === 'validate' && e.problems && e.problems.length > 0)).toBe(true);
    });

    it('MaxConcurrency bounds the Process invocations of one execution, and is reached', async () => {
      const { executor } = harness({ maxConcurrency: 4, process: async (r) => (await sleep(5), ok(r)) });
      await executor.execute(batch(40));
      const stats = executor.stats().functions[F.processor]!;
      expect(stats.invocations).toBe(40);
      expect(stats.peakInFlight).toBe(4);
    });

    it('MaxConcurrency alone does not bound concurrent executions; the executor-wide limit does (like reserved concurrency)', async () => {
      const slow: ProcessFn = async (r) => (await sleep(5), ok(r));
      const unbounded = harness({ maxConcurrency: 5, process: slow }).executor;
      await Promise.all([0, 1, 2, 3].map((i) => unbounded.execute(batch(20, i * 100))));
      expect(unbounded.stats().functions[F.processor]!.peakInFlight).toBeGreaterThan(5);

      const bounded = harness({
        maxConcurrency: 5,
        process: slow,
        executor: { concurrency: { [F.processor]: { limit: 3 } } },
      }).executor;
      const outputs = await Promise.all([0, 1, 2, 3].map((i) => bounded.execute(batch(20, i * 100))));
      expect(outputs.every((o) => (o as { processed: number }).processed === 20)).toBe(true);
      expect(bounded.stats().functions[F.processor]!.peakInFlight).toBe(3);
    });

    it('throttle mode fails invocations over the limit with Lambda.TooManyRequestsException, which Retry absorbs', async () => {
      const { executor } = harness({
        maxConcurrency: 10,
        throttleRetry: { maxAttempts: 50 },
        process: async (r) => (await sleep(3), ok(r)),
        executor: { concurrency: { [F.processor]: { limit: 2, onLimit: 'throttle' } } },
      });
      expect(await executor.execute(batch(10))).toMatchObject({ processed: 10, failed: 0 });
      const stats = executor.stats().functions[F.processor]!;
      expect(stats.throttles).toBeGreaterThan(0);
      expect(stats.peakInFlight).toBeLessThanOrEqual(2);
    });

    it('a throttle that outlasts the retries hands the event back as throttled: not failed, not dead-lettered, processor never run', async () => {
      const records = batch(3);
      const { executor, calls, deadLetters } = harness({
        process: ok,
        executor: {
          functions: {
            [F.processor]: () => {
              throw Object.assign(new Error('Rate Exceeded.'), { name: 'Lambda.TooManyRequestsException' });
            },
          },
        },
      });
      expect(await executor.execute(records)).toEqual({
        batchItemFailures: records.map((r) => ({ itemIdentifier: r.messageId })),
        processed: 0,
        duplicates: 0,
        invalid: 0,
        deadLettered: 0,
        failed: 0,
        throttled: 3,
      });
      expect(calls.size).toBe(0);
      expect(await deadLetters.list()).toEqual([]);
      // 1 attempt + the throttle retrier's 3 retries, per event.
      expect(executor.stats().functions[F.processor]!.errors).toBe(3 * 4);
    });

    it('throttle and transient retriers count their own attempts', async () => {
      const records = batch(1);
      let attempt = 0;
      const { executor } = harness({
        process: async (r) => {
          attempt++;
          // Throttled twice, transient twice, then done: within both retriers' budgets.
          if (attempt <= 2) throw Object.assign(new Error('slow down'), { name: 'Lambda.TooManyRequestsException' });
          if (attempt <= 4) throw new TransientProcessingError('blip');
          return ok(r);
        },
      });
      expect(await executor.execute(records)).toMatchObject({ processed: 1, failed: 0, throttled: 0 });
      expect(attempt).toBe(5);
    });

    it('a failing Validate fails the execution (the batch starter then hands the whole chunk back)', async () => {
      const { executor } = harness({
        process: ok,
        executor: {
          functions: {
            [F.validator]: () => {
              throw Object.assign(new Error('boom'), { name: 'Lambda.ServiceException' });
            },
          },
        },
      });
      const error = await executor.execute(batch(1)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WorkflowExecutionError);
      expect((error as WorkflowExecutionError).error).toBe('Lambda.ServiceException');
      expect(executor.stats().functions[F.validator]!.invocations).toBe(4);
    });

    it('abort stops an execution with ExecutionAborted', async () => {
      const { executor } = harness({ process: async (r) => (await sleep(200), ok(r)) });
      const controller = new AbortController();
      const running = executor.execute(batch(2), { signal: controller.signal });
      setTimeout(() => controller.abort(), 20);
      const error = await running.catch((e: unknown) => e);
      expect((error as WorkflowExecutionError).error).toBe('ExecutionAborted');
    });

    it('refuses a definition whose functions have no handler', () => {
      expect(
        () =>
          new Executor(buildStateMachineDefinition({ mode: 'buffered' }), { functions: { [F.validator]: () => null } }),
      ).toThrow(LocalExecutorConfigError);
    });
  });

  describe('direct mode', () => {
    function direct(process: ProcessFn) {
      const h = harness({ process });
      const executor = new Executor(buildStateMachineDefinition({ mode: 'direct' }), {
        retryPauseMs: 1,
        functions: {
          [F.validator]: async (p) => {
            const validator = createValidator({ deadLetters: h.deadLetters });
            return (await validator.validate(p as unknown as ValidatorRequest)) as unknown as JsonValue;
          },
          [F.processor]: async (p) => {
            const r = p as unknown as ProcessRequest;
            h.calls.set(r.messageId, (h.calls.get(r.messageId) ?? 0) + 1);
            return process(r);
          },
          [F.failureRecorder]: async (p) => {
            h.failures.push(p as unknown as FailureRecordRequest);
            return (await createFailureRecorder({ deadLetters: h.deadLetters }).record(
              p as unknown as FailureRecordRequest,
            )) as unknown as JsonValue;
          },
        },
      });
      return { ...h, executor };
    }

    it('processes one valid event', async () => {
      const event = JSON.parse(eventLine(1)) as JsonValue;
      const { executor } = direct(ok);
      expect(await executor.execute(event)).toEqual({ messageId: (event as { id: string }).id, status: 'processed' });
    });

    it('an invalid event ends in Rejected (dead-lettered), the processor is not called', async () => {
      const { executor, calls, deadLetters } = direct(ok);
      await executor.execute({ hello: 'world' });
      expect(calls.size).toBe(0);
      expect((await deadLetters.list())[0]).toMatchObject({ stage: 'validate' });
    });

    it('a final failure is dead-lettered, then the execution fails with the error and cause', async () => {
      const event = JSON.parse(eventLine(2)) as JsonValue;
      const { executor, calls, deadLetters, failures } = direct(async () => {
        throw new TransientProcessingError('still throttled');
      });
      const error = (await executor.execute(event).catch((e: unknown) => e)) as WorkflowExecutionError;
      expect(error).toBeInstanceOf(WorkflowExecutionError);
      expect(error.error).toBe('TransientProcessingError');
      expect(JSON.parse(error.cause)).toMatchObject({
        errorType: 'TransientProcessingError',
        errorMessage: 'still throttled',
      });
      expect([...calls.values()]).toEqual([4]); // direct mode: 1 attempt + 3 transient retries
      expect(failures).toHaveLength(1);
      const [entry] = await deadLetters.list();
      expect(entry).toMatchObject({ stage: 'process', errorName: 'TransientProcessingError' });
      expect(entry!.reason).toContain('TransientProcessingError: still throttled');
      expect(JSON.parse(entry!.body)).toEqual(event);
    });

    it('a throttle that outlasts the retries fails the execution as Throttled, without dead-lettering the event', async () => {
      const event = JSON.parse(eventLine(3)) as JsonValue;
      const { deadLetters, failures } = direct(ok);
      const throttling = new Executor(
        buildStateMachineDefinition({ mode: 'direct', throttleRetry: { maxAttempts: 2 } }),
        {
          retryPauseMs: 1,
          functions: {
            [F.validator]: async (p) =>
              (await createValidator({ deadLetters }).validate(
                p as unknown as ValidatorRequest,
              )) as unknown as JsonValue,
            [F.processor]: () => {
              throw Object.assign(new Error('Rate Exceeded.'), { name: 'Lambda.TooManyRequestsException' });
            },
            [F.failureRecorder]: async () => {
              failures.push({} as FailureRecordRequest);
              return {};
            },
          },
        },
      );
      const error = (await throttling.execute(event).catch((e: unknown) => e)) as WorkflowExecutionError;
      expect(error.error).toBe('Lambda.TooManyRequestsException');
      expect(failures).toHaveLength(0);
      expect(await deadLetters.list()).toEqual([]);
      expect(throttling.stats().functions[F.processor]!.errors).toBe(3);
    });
  });
});
