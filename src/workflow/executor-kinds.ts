/**
 * Choosing a local executor by name: `fast` ({@link FastWorkflowExecutor}, compiled; the
 * default) or `reference` ({@link LocalWorkflowExecutor}, `aws-local-stepfunctions`).
 */
import type { AslDefinition } from './asl.js';
import { LocalWorkflowExecutor } from './reference-executor.js';
import { FastWorkflowExecutor } from './fast-executor.js';
import type { LocalExecutorOptions, WorkflowExecutor } from './local-functions.js';

/** The local executors, by the name `genesys-pipeline run --executor` takes. */
export const WORKFLOW_EXECUTORS = ['fast', 'reference'] as const;

/** `fast` or `reference`. */
export type WorkflowExecutorKind = (typeof WORKFLOW_EXECUTORS)[number];

/**
 * The executor of that kind for a definition.
 *
 * @example
 * const executor = createWorkflowExecutor('fast', buildStateMachineDefinition({ mode: 'buffered' }), { functions });
 */
export function createWorkflowExecutor(
  kind: WorkflowExecutorKind,
  definition: AslDefinition,
  options: LocalExecutorOptions,
): WorkflowExecutor {
  switch (kind) {
    case 'fast':
      return new FastWorkflowExecutor(definition, options);
    case 'reference':
      return new LocalWorkflowExecutor(definition, options);
    default:
      throw new RangeError(`Unknown executor ${JSON.stringify(kind)}: use "fast" or "reference".`);
  }
}
