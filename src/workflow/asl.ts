/**
 * Types for the part of the Amazon States Language (JSONPath query language) our definitions use.
 *
 * A definition is a plain JSON object: it is handed to CDK (`DefinitionBody.fromString`) and to
 * the local executor as is, so these types only describe what we build — they add nothing at
 * run time.
 */

import type { JsonObject, JsonValue } from '../contract/index.js';

export type { JsonObject, JsonValue };

/** One `Retry` entry of a Task or Map state. */
export interface AslRetrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

/** One `Catch` entry. */
export interface AslCatcher {
  ErrorEquals: string[];
  Next: string;
  ResultPath?: string | null;
}

interface AslStateBase {
  Comment?: string;
}

interface Flow {
  Next?: string;
  End?: true;
}

/** A `Task` state. */
export interface AslTaskState extends AslStateBase, Flow {
  Type: 'Task';
  Resource: string;
  Parameters?: JsonObject;
  ResultSelector?: JsonObject;
  ResultPath?: string | null;
  OutputPath?: string;
  TimeoutSeconds?: number;
  Retry?: AslRetrier[];
  Catch?: AslCatcher[];
}

/** A `Pass` state. */
export interface AslPassState extends AslStateBase, Flow {
  Type: 'Pass';
  Parameters?: JsonObject;
  Result?: JsonValue;
  ResultPath?: string | null;
}

/** A `Map` state (inline mode). */
export interface AslMapState extends AslStateBase, Flow {
  Type: 'Map';
  ItemsPath?: string;
  ItemSelector?: JsonObject;
  ItemProcessor: { ProcessorConfig?: { Mode: 'INLINE' }; StartAt: string; States: Record<string, AslState> };
  MaxConcurrency?: number;
  ResultSelector?: JsonObject;
  ResultPath?: string | null;
  Retry?: AslRetrier[];
  Catch?: AslCatcher[];
}

/** One rule of a `Choice` state (the subset we use). */
interface AslChoiceRule {
  Variable: string;
  NumericGreaterThan?: number;
  NumericEquals?: number;
  Next: string;
}

/** A `Choice` state. */
export interface AslChoiceState extends AslStateBase {
  Type: 'Choice';
  Choices: AslChoiceRule[];
  Default?: string;
}

/** A `Succeed` state. */
interface AslSucceedState extends AslStateBase {
  Type: 'Succeed';
  OutputPath?: string;
}

/** A `Fail` state; `ErrorPath`/`CausePath` take the error and cause from the state input. */
export interface AslFailState extends AslStateBase {
  Type: 'Fail';
  Error?: string;
  Cause?: string;
  ErrorPath?: string;
  CausePath?: string;
}

/** Any state of our definitions. */
export type AslState = AslTaskState | AslPassState | AslMapState | AslChoiceState | AslSucceedState | AslFailState;

/** A whole state machine definition. */
export interface AslDefinition {
  Comment?: string;
  QueryLanguage: 'JSONPath';
  StartAt: string;
  TimeoutSeconds?: number;
  States: Record<string, AslState>;
}
