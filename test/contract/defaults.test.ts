/**
 * One source for the pipeline's defaults (`src/contract/defaults.ts`): the CDK construct, the local
 * runtime and the planner resolve to the same numbers when given nothing else.
 */
import { describe, expect, it } from 'vitest';
import { resolvePipelineConfig } from '../../infra/index.js';
import { LOCAL_PIPELINE_DEFAULTS, PIPELINE_DEFAULTS } from '../../src/contract/index.js';
import { resolvePlanInputs } from '../../src/plan/index.js';
import { resolveRuntimeOptions } from '../../src/runtime/index.js';

const D = PIPELINE_DEFAULTS;

describe('the pipeline defaults', () => {
  it('are what the CDK construct deploys when the props name only the event source', () => {
    const config = resolvePipelineConfig({ orgId: '0c5c1f0e-2b1a-4c3d-9e8f-1a2b3c4d5e6f', eventSourceSuffix: 'prod' });
    expect(config.mode).toBe(D.mode);
    expect(config.bound?.maxProcessorConcurrency).toBe(D.maxProcessorConcurrency);
    expect(config.maxProcessingAttempts).toBe(D.maxProcessingAttempts);
    // Derived from the Express time budget: the derivation and the stated default agree.
    expect(config.batchSize).toBe(D.batchSize);
    expect(config.batchWindowSeconds).toBe(D.batchWindowSeconds);
    expect(config.memorySize).toBe(D.lambdaMemoryMb);
    expect(config.functionTimeout.toSeconds()).toBe(D.functionTimeoutSeconds);
    expect(config.targetRetryAttempts).toBe(D.targetRetry.maximumRetryAttempts);
    expect(config.targetMaxEventAge.toSeconds()).toBe(D.targetRetry.maximumEventAgeSeconds);
  });

  it('are what `plan` assumes', () => {
    const inputs = resolvePlanInputs({ rate: 100 });
    expect(inputs.maxProcessorConcurrency).toBe(D.maxProcessorConcurrency);
    expect(inputs.batchSize).toBe(D.batchSize);
    expect(inputs.batchWindowMs).toBe(D.batchWindowSeconds * 1_000);
    expect(inputs.lambdaMemoryMb).toBe(D.lambdaMemoryMb);
    expect(inputs.functionTimeoutMs).toBe(D.functionTimeoutSeconds * 1_000);
    expect(inputs.retryAttempts).toBe(D.targetRetry.maximumRetryAttempts);
    expect(inputs.retryMaxAgeSeconds).toBe(D.targetRetry.maximumEventAgeSeconds);
  });

  it('are what `run` uses, with the local departures', () => {
    const options = resolveRuntimeOptions({ dataDir: '.pipeline' });
    expect(options.mode).toBe(D.mode);
    expect(options.maxProcessorConcurrency).toBe(D.maxProcessorConcurrency);
    expect(options.maxProcessingAttempts).toBe(D.maxProcessingAttempts);
    expect(options.targetRetry).toEqual(D.targetRetry);
    expect(options.batchSize).toBe(LOCAL_PIPELINE_DEFAULTS.batchSize);
    expect(options.batchWindowMs).toBe(LOCAL_PIPELINE_DEFAULTS.batchWindowMs);
    expect(options.visibilityTimeoutMs).toBe(LOCAL_PIPELINE_DEFAULTS.visibilityTimeoutMs);
    expect(options.archiveRetentionDays).toBe(LOCAL_PIPELINE_DEFAULTS.archiveRetentionDays);
  });
});
