/**
 * The contract of the pipeline's pieces: names, shapes and numbers that the state machine
 * definition, the functions, the CDK construct, the local runtime and the planner must agree on.
 * A leaf module: it imports nothing of the project.
 */
export type { JsonObject, JsonValue } from './json.js';
export { FUNCTION_PLACEHOLDERS, PERMANENT_ERROR_NAME, TRANSIENT_ERROR_NAME } from './functions.js';
export type { LocalLambdaHandler } from './functions.js';
export { LOCAL_PIPELINE_DEFAULTS, PIPELINE_DEFAULTS } from './defaults.js';
export { WORKFLOW_MODES } from './modes.js';
export type { WorkflowMode } from './modes.js';
