/** The two shapes of the pipeline, on AWS and on one machine. */

/** Every mode: `buffered` (queue → event source mapping → batch starter → Express, for volume) and `direct` (rule → one execution per event, low volume). */
export const WORKFLOW_MODES = ['buffered', 'direct'] as const;

/** `buffered`: a batch of SQS records per execution (event source mapping → batch starter → Express, for volume); `direct`: one event per execution (rule → state machine). */
export type WorkflowMode = (typeof WORKFLOW_MODES)[number];
