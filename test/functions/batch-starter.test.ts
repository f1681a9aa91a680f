/**
 * The batch starter's Lambda entry point with the real AWS SDK v3 Step Functions client, against a
 * StartSyncExecution endpoint on 127.0.0.1 (AWS JSON 1.0) that runs the buffered definition on
 * the local executor: the request the SDK sends, the response it reads, the partial-batch answer.
 */
import { SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchStarterFromEnv, executionBudgetSeconds, stepFunctionsRunner } from '../../src/functions/batch-starter.js';
import { FUNCTION_ENV } from '../../src/functions/index.js';
import { createBatchReporter, createValidator } from '../../src/processing/index.js';
import type { BatchReportRequest, ValidatorRequest } from '../../src/processing/index.js';
import {
  buildStateMachineDefinition,
  FastWorkflowExecutor,
  FUNCTION_PLACEHOLDERS as F,
} from '../../src/workflow/index.js';
import type { JsonValue } from '../../src/workflow/index.js';
import { startSyncExecutionServer } from '../support/start-sync-execution.js';
import type { StartSyncRequest } from '../support/start-sync-execution.js';
import type { LoopbackServer } from '../support/http-server.js';
import { eventLine, MemoryDeadLetterStore, sqsRecord } from '../workflow/support.js';

const ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:genesys-events';
let server: LoopbackServer;
const requests: StartSyncRequest[] = [];

beforeAll(async () => {
  const deadLetters = new MemoryDeadLetterStore();
  const validator = createValidator({ deadLetters });
  const reporter = createBatchReporter();
  const executor = new FastWorkflowExecutor(buildStateMachineDefinition({ mode: 'buffered' }), {
    functions: {
      [F.validator]: async (p) => (await validator.validate(p as unknown as ValidatorRequest)) as unknown as JsonValue,
      // Every third event is throttled for good: it must come back in batchItemFailures.
      [F.processor]: (p) => {
        const { messageId } = p as { messageId: string };
        if (messageId.endsWith('3') || messageId.endsWith('6'))
          throw Object.assign(new Error('Rate Exceeded.'), { name: 'Lambda.TooManyRequestsException' });
        return { messageId, status: 'processed' };
      },
      [F.batchReporter]: async (p) =>
        (await reporter.report(p as unknown as BatchReportRequest)) as unknown as JsonValue,
    },
    retryPauseMs: 0,
  });
  server = await startSyncExecutionServer(executor, ARN, (request) => requests.push(request));
});

afterAll(async () => {
  await server?.close();
});

describe('batch starter function (real SFN client, local StartSyncExecution endpoint)', () => {
  it('sends StartSyncExecution with the records, and answers with the records to hand back', async () => {
    const client = new SFNClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      disableHostPrefix: true,
      maxAttempts: 1,
    });
    const env = {
      [FUNCTION_ENV.STATE_MACHINE_ARN]: ARN,
      [FUNCTION_ENV.EXECUTION_BUDGET_SECONDS]: '234',
      [FUNCTION_ENV.DEAD_LETTER_TABLE_NAME]: 'unused-here',
    };
    const starter = batchStarterFromEnv(env, stepFunctionsRunner(ARN, 234, client));
    const records = Array.from({ length: 7 }, (_, i) =>
      sqsRecord(eventLine(500 + i), { messageId: `00000000-0000-4000-8000-00000000050${i}` }),
    );
    const result = await starter.start(records, () => 300_000);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.target).toBe('AWSStepFunctions.StartSyncExecution');
    expect(requests[0]!.body.stateMachineArn).toBe(ARN);
    const input = JSON.parse(requests[0]!.body.input) as Array<Record<string, unknown>>;
    expect(input.map((r) => r.messageId)).toEqual(records.map((r) => r.messageId));
    expect(input[0]).not.toHaveProperty('receiptHandle');
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      [records[3]!.messageId, records[6]!.messageId].sort(),
    );
    expect(result).toMatchObject({ executions: 1, reported: 2, unprocessed: 0 });
  });

  it('refuses a missing or bad EXECUTION_BUDGET_SECONDS with the variable named', () => {
    expect(() => executionBudgetSeconds({})).toThrow(/EXECUTION_BUDGET_SECONDS is not set/);
    expect(() => executionBudgetSeconds({ [FUNCTION_ENV.EXECUTION_BUDGET_SECONDS]: 'soon' })).toThrow(
      /EXECUTION_BUDGET_SECONDS must be a positive number of seconds, got "soon"/,
    );
  });
});
