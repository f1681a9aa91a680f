import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { FUNCTION_ENV, LAMBDA_FUNCTIONS, functionsForMode } from '../../src/functions/index.js';
import { TRANSIENT_ERROR_NAME } from '../../src/processing/index.js';
import {
  buildStateMachineDefinition,
  definitionPlaceholders,
  STATE_NAMES,
  WORKFLOW_DEFAULTS,
  WorkflowOptionsError,
} from '../../src/workflow/index.js';
import { LAMBDA_INVOKE_RESOURCE, LAMBDA_SERVICE_ERRORS } from '../../src/workflow/definition.js';
import type { AslDefinition, AslState, WorkflowMode } from '../../src/workflow/index.js';
import { projectRoot } from '../support/paths.js';

function allStates(states: Record<string, AslState>): Array<[string, AslState]> {
  return Object.entries(states).flatMap(([name, state]) => [
    [name, state] as [string, AslState],
    ...(state.Type === 'Map' ? allStates(state.ItemProcessor.States) : []),
  ]);
}

// asl-validator ships no type declarations.
const aslValidator = createRequire(import.meta.url)('asl-validator') as (
  definition: unknown,
  options: { checkArn: boolean; checkPaths: boolean },
) => { isValid: boolean; errorsText: (separator?: string) => string };

function validate(definition: unknown) {
  return aslValidator(definition, { checkArn: true, checkPaths: true });
}

describe('buildStateMachineDefinition', () => {
  const modes: WorkflowMode[] = ['buffered', 'direct'];

  it.each(modes)('%s: passes asl-validator with ARN and path checks', (mode) => {
    const result = validate(buildStateMachineDefinition({ mode }));
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
  });

  it('asl-validator does reject a broken definition (the check above can fail)', () => {
    const broken = structuredClone(buildStateMachineDefinition({ mode: 'buffered' })) as unknown as {
      States: Record<string, { Next?: string }>;
    };
    broken.States[STATE_NAMES.validate]!.Next = 'NoSuchState';
    expect(validate(broken).isValid).toBe(false);
  });

  it.each(modes)('%s: is plain JSON and uses only lambda:invoke tasks with ${…} placeholders', (mode) => {
    const definition = buildStateMachineDefinition({ mode });
    expect(JSON.parse(JSON.stringify(definition))).toEqual(definition);
    const tasks = allStates(definition.States).filter(([, s]) => s.Type === 'Task');
    expect(tasks.length).toBeGreaterThan(0);
    for (const [name, task] of tasks) {
      if (task.Type !== 'Task') continue;
      expect(task.Resource, name).toBe(LAMBDA_INVOKE_RESOURCE);
      expect(task.Parameters?.FunctionName, name).toMatch(/^\$\{[A-Za-z]+FunctionArn\}$/);
      expect(task.TimeoutSeconds, name).toBe(60);
    }
    // No Wait loop anywhere, and every Retry is bounded with backoff and full jitter: throttles and
    // Lambda service errors on every task, the processor's own transient errors on Process only.
    expect(allStates(definition.States).some(([, s]) => (s as { Type: string }).Type === 'Wait')).toBe(false);
    const defaults = WORKFLOW_DEFAULTS[mode];
    for (const [name, state] of allStates(definition.States)) {
      if (state.Type !== 'Task') continue;
      const expected = [
        {
          ErrorEquals: [...LAMBDA_SERVICE_ERRORS],
          MaxAttempts: defaults.throttleRetry.maxAttempts,
          IntervalSeconds: defaults.throttleRetry.intervalSeconds,
          BackoffRate: defaults.throttleRetry.backoffRate,
          MaxDelaySeconds: defaults.throttleRetry.maxDelaySeconds,
          JitterStrategy: 'FULL',
        },
        ...(name === STATE_NAMES.process
          ? [
              {
                ErrorEquals: [TRANSIENT_ERROR_NAME],
                MaxAttempts: defaults.retry.maxAttempts,
                IntervalSeconds: defaults.retry.intervalSeconds,
                BackoffRate: defaults.retry.backoffRate,
                MaxDelaySeconds: defaults.retry.maxDelaySeconds,
                JitterStrategy: 'FULL',
              },
            ]
          : []),
      ];
      expect(state.Retry, name).toEqual(expected);
    }
  });

  it('retries exactly the Lambda throttling and service errors AWS documents, ClientExecutionTimeoutException included', () => {
    expect([...LAMBDA_SERVICE_ERRORS].sort()).toEqual(
      [
        'Lambda.AWSLambdaException',
        'Lambda.ClientExecutionTimeoutException',
        'Lambda.SdkClientException',
        'Lambda.ServiceException',
        'Lambda.TooManyRequestsException',
      ].sort(),
    );
  });

  it('buffered: validates, maps with MaxConcurrency over the valid items, retries and catches Process, reports the batch', () => {
    const definition = buildStateMachineDefinition({
      mode: 'buffered',
      maxConcurrency: 7,
      retry: { maxAttempts: 5, maxDelaySeconds: 30 },
      throttleRetry: { maxAttempts: 6 },
    });
    expect(definition.StartAt).toBe(STATE_NAMES.validate);
    const map = definition.States[STATE_NAMES.processEach];
    expect(map?.Type).toBe('Map');
    if (map?.Type !== 'Map') return;
    expect(map.MaxConcurrency).toBe(7);
    expect(map.ItemsPath).toBe('$.items');
    expect(map.ItemSelector).toEqual({
      'messageId.$': '$$.Map.Item.Value.messageId',
      'receiveCount.$': '$$.Map.Item.Value.receiveCount',
      'event.$': '$$.Map.Item.Value.event',
    });
    const process = map.ItemProcessor.States[STATE_NAMES.process];
    if (process?.Type !== 'Task') throw new Error('Process is not a Task');
    expect(process.Retry?.[0]).toMatchObject({ ErrorEquals: [...LAMBDA_SERVICE_ERRORS], MaxAttempts: 6 });
    expect(process.Retry?.[1]).toMatchObject({
      ErrorEquals: [TRANSIENT_ERROR_NAME],
      MaxAttempts: 5,
      MaxDelaySeconds: 30,
      BackoffRate: 2,
      JitterStrategy: 'FULL',
    });
    // Throttles past their retries are handed back, never caught as a failure.
    expect(process.Catch).toEqual([
      { ErrorEquals: [...LAMBDA_SERVICE_ERRORS], ResultPath: '$.error', Next: STATE_NAMES.throttled },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATE_NAMES.processFailed },
    ]);
    expect(process.ResultSelector).toEqual({ 'messageId.$': '$.Payload.messageId', 'status.$': '$.Payload.status' });
    // Small outcomes: ids, a status, the error name (and, for a failure, its short cause); never the event.
    expect(map.ItemProcessor.States[STATE_NAMES.throttled]).toMatchObject({
      Type: 'Pass',
      Parameters: { 'messageId.$': '$.messageId', status: 'throttled', 'error.$': '$.error.Error' },
    });
    expect(map.ItemProcessor.States[STATE_NAMES.processFailed]).toMatchObject({
      Type: 'Pass',
      Parameters: {
        'messageId.$': '$.messageId',
        status: 'failed',
        'error.$': '$.error.Error',
        'cause.$': '$.error.Cause',
      },
    });
    const report = definition.States[STATE_NAMES.reportBatch];
    if (report?.Type !== 'Task') throw new Error('ReportBatch is not a Task');
    expect(Object.keys(report.ResultSelector ?? {}).sort()).toEqual([
      'batchItemFailures.$',
      'deadLettered.$',
      'duplicates.$',
      'failed.$',
      'invalid.$',
      'processed.$',
      'throttled.$',
    ]);
    expect(report.End).toBe(true);
  });

  it('direct: Validate → CheckValid → Process (Retry, Catch) → RecordFailure → Fail with the error and cause', () => {
    const definition = buildStateMachineDefinition({ mode: 'direct' });
    const process = definition.States[STATE_NAMES.process];
    if (process?.Type !== 'Task') throw new Error('Process is not a Task');
    expect(process.Catch?.map((c) => c.Next)).toEqual([STATE_NAMES.throttled, STATE_NAMES.recordFailure]);
    // A throttle past its retries fails the execution without a dead-letter record.
    expect(definition.States[STATE_NAMES.throttled]).toMatchObject({
      Type: 'Fail',
      ErrorPath: '$.error.Error',
      CausePath: '$.error.Cause',
    });
    expect(definition.States[STATE_NAMES.recordFailure]).toMatchObject({
      Type: 'Task',
      ResultPath: null,
      Next: STATE_NAMES.failed,
    });
    expect(definition.States[STATE_NAMES.failed]).toMatchObject({
      Type: 'Fail',
      ErrorPath: '$.error.Error',
      CausePath: '$.error.Cause',
    });
    expect(definition.States[STATE_NAMES.rejected]).toMatchObject({ Type: 'Succeed' });
    expect(Object.values(definition.States).some((s) => s.Type === 'Map')).toBe(false);
  });

  it.each([
    [{ maxConcurrency: 0 }, 'maxConcurrency'],
    [{ maxConcurrency: 41 }, 'maxConcurrency'],
    [{ maxConcurrency: 2.5 }, 'maxConcurrency'],
    [{ retry: { backoffRate: 0.5 } }, 'retry.backoffRate'],
    [{ retry: { maxAttempts: -1 } }, 'retry.maxAttempts'],
    [{ retry: { intervalSeconds: 0 } }, 'retry.intervalSeconds'],
    [{ throttleRetry: { maxAttempts: 1.5 } }, 'throttleRetry.maxAttempts'],
    [{ taskTimeoutSeconds: 0 }, 'taskTimeoutSeconds'],
  ])('rejects %j with a WorkflowOptionsError naming %s', (options, option) => {
    let error: unknown;
    try {
      buildStateMachineDefinition({ mode: 'buffered', ...options });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WorkflowOptionsError);
    expect((error as WorkflowOptionsError).option).toBe(option);
    expect((error as Error).message).toContain(option);
  });

  it('rejects an unknown mode', () => {
    expect(() => buildStateMachineDefinition({ mode: 'standard' as WorkflowMode })).toThrow(
      /Unknown workflow mode "standard"/,
    );
  });
});

describe('LAMBDA_FUNCTIONS', () => {
  it.each(['buffered', 'direct'] as const)(
    '%s: the functions of a mode are exactly the placeholders of its definition',
    (mode) => {
      const definition: AslDefinition = buildStateMachineDefinition({ mode });
      expect(definitionPlaceholders(definition).sort()).toEqual(
        functionsForMode(mode)
          .map((f) => f.placeholder)
          .sort(),
      );
    },
  );

  it('every entry exists, exports handler, and declares only known environment variables', async () => {
    const known = new Set<string>(Object.values(FUNCTION_ENV));
    for (const spec of LAMBDA_FUNCTIONS) {
      expect(existsSync(join(projectRoot, spec.entry)), spec.entry).toBe(true);
      const module = (await import(join(projectRoot, spec.entry))) as Record<string, unknown>;
      expect(typeof module[spec.handler], spec.entry).toBe('function');
      for (const name of spec.environment) expect(known.has(name), `${spec.role}: ${name}`).toBe(true);
      for (const permission of spec.tablePermissions)
        expect(spec.environment, spec.role).toContain(permission.tableEnv);
    }
    expect(new Set(LAMBDA_FUNCTIONS.map((f) => f.role)).size).toBe(LAMBDA_FUNCTIONS.length);
  });
});
