/**
 * The Lambda functions of the pipeline, built from the functions module's catalogue
 * (`LAMBDA_FUNCTIONS`, `BATCH_STARTER_FUNCTION`): one `NodejsFunction` per entry, bundled locally
 * with esbuild (no Docker), arm64, on its own log group and its own role holding only the
 * DynamoDB actions the catalogue lists for it (`tablePermissions`) plus writing to its log group.
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { FanOutBus } from './fan-out.js';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, SystemLogLevel, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { FUNCTION_ENV, type FunctionEnvName, type FunctionSpec } from '../../src/functions/index.js';
import type { PipelineConfig } from './config.js';
import { acknowledge } from './nag.js';
import { bundlingRoot, findFunctionEntry, functionEntry, PACKAGE_ROOT } from './package-files.js';
import { PipelineConfigError } from './errors.js';
import { grantSinks, grantWebhookSecret, webhookSecret, writeProcessorEntry } from './sinks.js';
import type { WebhookSecret } from './sinks.js';
import type { GenesysEventLake } from './lake.js';

/** The repository root (entries in `LAMBDA_FUNCTIONS` are relative to it; `package-files.ts`). */
export const REPO_ROOT = PACKAGE_ROOT;

/** The data resources a function may be given through its environment. */
export interface FunctionResources {
  /** Powertools idempotency records. */
  idempotencyTable: ITable;
  /** The conversation projection. */
  conversationsTable: ITable;
  /** The dead-letter store: invalid and permanently failed events, each with its reason. */
  deadLetterTable: ITable;
  /** The projections of the other families: present when the topics name the family. */
  agentStateTable?: ITable;
  auditTable?: ITable;
  transcriptsTable?: ITable;
  genericEventsTable?: ITable;
  /** The buffered state machine (for the batch starter; created after the functions it calls). */
  stateMachine?: IStateMachine;
  /** The Genesys directory (when the deployment has one). */
  directoryTable?: ITable;
  /** The directory's refresher function, by name (when the deployment has one). */
  directoryRefresherName?: string;
  /** The fan-out bus (when the deployment has one). */
  fanOut?: FanOutBus;
  /** The data lake (when the deployment has one): its stream's name, and `PutRecordBatch` on it. */
  lake?: GenesysEventLake;
}

/** The function that runs the sinks. */
const PROCESSOR_ROLE = 'processor';

/** Memory of the batch starter, MB: it waits for executions and holds at most one batch (≤ 6 MB) of JSON. */
export const BATCH_STARTER_MEMORY_MB = 256;

/** What the construct puts in one environment variable, and the table behind it (if any). */
interface EnvValue {
  /** `undefined`: the variable stays unset (the function's own default applies). */
  value: string | undefined;
  table?: ITable;
}

/**
 * The value of every variable in `FUNCTION_ENV`. Typed over all of them: a variable added to
 * the catalogue does not compile until it is wired here.
 */
function envValues(
  scope: Construct,
  config: PipelineConfig,
  resources: FunctionResources,
  secret: WebhookSecret | undefined,
): Record<FunctionEnvName, EnvValue> {
  const E = FUNCTION_ENV;
  return {
    [E.IDEMPOTENCY_TABLE_NAME]: { value: resources.idempotencyTable.tableName, table: resources.idempotencyTable },
    [E.IDEMPOTENCY_EXPIRES_AFTER_SECONDS]: { value: String(config.idempotencyExpiry.toSeconds()) },
    [E.CONVERSATIONS_TABLE_NAME]: {
      value: resources.conversationsTable.tableName,
      table: resources.conversationsTable,
    },
    [E.AGENT_STATE_TABLE_NAME]: optionalTable(resources.agentStateTable),
    [E.AUDIT_TABLE_NAME]: optionalTable(resources.auditTable),
    [E.TRANSCRIPTS_TABLE_NAME]: optionalTable(resources.transcriptsTable),
    [E.GENERIC_EVENTS_TABLE_NAME]: optionalTable(resources.genericEventsTable),
    [E.DEAD_LETTER_TABLE_NAME]: { value: resources.deadLetterTable.tableName, table: resources.deadLetterTable },
    [E.DEAD_LETTER_EXPIRES_AFTER_SECONDS]: { value: String(config.deadLetterRetention.toSeconds()) },
    // Only buffered mode returns failed events to a queue, where the processor counts its failures.
    [E.MAX_PROCESSING_ATTEMPTS]: {
      value: config.mode === 'buffered' ? String(config.maxProcessingAttempts) : undefined,
    },
    [E.STATE_MACHINE_ARN]: { value: resources.stateMachine?.stateMachineArn },
    [E.EXECUTION_BUDGET_SECONDS]: {
      value: config.executionBudgetSeconds > 0 ? String(config.executionBudgetSeconds) : undefined,
    },
    [E.SINK_WEBHOOK_URL]: { value: config.sinkWebhookUrl },
    [E.SINK_WEBHOOK_SECRET_ARN]: { value: secret?.secretId },
    // JSON with the tokens resolved by CloudFormation (a table's name, a secret's ARN).
    [E.SINK_OPTIONS]: {
      value: config.sinks.length ? Stack.of(scope).toJsonString(config.sinks.map((s) => s.options ?? {})) : undefined,
    },
    [E.SINK_FAN_OUT_EVENT_BUS]: { value: resources.fanOut?.eventBus.eventBusArn },
    [E.LAKE_DELIVERY_STREAM_NAME]: { value: resources.lake?.deliveryStreamName },
    [E.DIRECTORY_TABLE_NAME]: optionalTable(resources.directoryTable),
    [E.DIRECTORY_REFRESHER_FUNCTION_NAME]: { value: resources.directoryRefresherName },
    [E.POWERTOOLS_SERVICE_NAME]: { value: config.serviceName },
    [E.POWERTOOLS_METRICS_NAMESPACE]: { value: config.metricsNamespace },
    [E.POWERTOOLS_LOG_LEVEL]: { value: config.logLevel },
  };
}

/** A table the deployment may not have: its name and grants when it does, the variable unset when not. */
function optionalTable(table: ITable | undefined): EnvValue {
  return table ? { value: table.tableName, table } : { value: undefined };
}

/**
 * How every function of the pipeline is bundled: locally with esbuild (no Docker), ESM for the
 * configured Node.js runtime, minified with source maps, with the AWS SDK we tested with.
 */
export function bundlingProps(
  config: PipelineConfig,
): Pick<NodejsFunctionProps, 'projectRoot' | 'depsLockFilePath' | 'bundling'> {
  return {
    ...bundlingRoot(),
    bundling: {
      forceDockerBundling: false,
      format: OutputFormat.ESM,
      target: `node${config.runtime.name.replace(/^nodejs(\d+).*$/, '$1')}`,
      mainFields: ['module', 'main'],
      // Some bundled CommonJS dependencies call require(); give ESM output a real one.
      banner:
        "import { createRequire as __gepCreateRequire } from 'node:module'; const require = __gepCreateRequire(import.meta.url);",
      minify: true,
      sourceMap: true,
      // Bundle the AWS SDK we tested with instead of the runtime's copy.
      bundleAwsSDK: true,
    },
  };
}

/** `'validator'` → `'Validator'`, `'dead-letter'` → `'DeadLetter'`. */
function pascal(role: string): string {
  return role
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

/**
 * Creates one function per spec, in `scope`.
 *
 * @param allRoles every role the pipeline builds (checks that `reservedConcurrency` names only real ones).
 * @throws PipelineConfigError when a spec names an entry file that does not exist, an
 * environment variable the construct cannot provide, or `reservedConcurrency` names an unknown role.
 */
export function createFunctions(
  scope: Construct,
  config: PipelineConfig,
  specs: readonly FunctionSpec[],
  resources: FunctionResources,
  allRoles: readonly string[] = specs.map((s) => s.role),
): Record<string, NodejsFunction> {
  const secret = webhookSecret(scope, config.sinkWebhookSecret);
  const values = envValues(scope, config, resources, secret);
  const problems: string[] = [];
  for (const spec of specs) {
    if (!findFunctionEntry(spec.entry)) problems.push(`function "${spec.role}": entry ${spec.entry} does not exist.`);
    for (const permission of spec.tablePermissions) {
      if (!values[permission.tableEnv].table && !permission.optional) {
        problems.push(
          `function "${spec.role}" asks for DynamoDB actions on ${permission.tableEnv}, which names no table the construct provides.`,
        );
      }
    }
  }
  for (const role of Object.keys(config.reservations)) {
    if (!allRoles.includes(role)) {
      problems.push(
        `reservedConcurrency names function "${role}", which does not exist; the functions are ${allRoles.join(', ')}.`,
      );
    }
  }
  if (problems.length) throw new PipelineConfigError(problems);

  const functions: Record<string, NodejsFunction> = {};
  for (const spec of specs) {
    const starter = spec.environment.includes(FUNCTION_ENV.STATE_MACHINE_ARN);
    const id = `${pascal(spec.role)}Function`;
    const group = new Construct(scope, id);
    const logGroup = new LogGroup(group, 'LogGroup', {
      retention: config.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Our own role instead of the default one with the AWSLambdaBasicExecutionRole managed
    // policy: logs go to this function's own log group only.
    const role = new iam.Role(group, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of the ${spec.role} function (least privilege)`,
    });
    logGroup.grantWrite(role);
    // Your sinks run in the processor: its entry imports them, its role holds what they declare.
    const withSinks = spec.role === PROCESSOR_ROLE && config.sinks.length > 0;
    if (withSinks) grantSinks(config.sinks, role);
    if (resources.lake && spec.environment.includes(FUNCTION_ENV.LAKE_DELIVERY_STREAM_NAME))
      resources.lake.grantPutRecordBatch(role);
    if (secret && spec.environment.includes(FUNCTION_ENV.SINK_WEBHOOK_SECRET_ARN))
      grantWebhookSecret(secret, config.sinkWebhookSecret, role);
    if (resources.fanOut && spec.environment.includes(FUNCTION_ENV.SINK_FAN_OUT_EVENT_BUS))
      resources.fanOut.grantPublish(role);

    const environment: Record<string, string> = { NODE_OPTIONS: '--enable-source-maps' };
    for (const name of spec.environment) {
      const value = values[name].value;
      if (value !== undefined) environment[name] = value;
    }
    // Exactly the DynamoDB actions the catalogue lists, on exactly that table (optional tables: when
    // deployed). On the table only: writes to a table maintain its indexes without a grant on them,
    // and no function queries an index (`table.grant` would add `<table>/index/*`).
    for (const permission of spec.tablePermissions) {
      const table = values[permission.tableEnv].table;
      if (table)
        iam.Grant.addToPrincipal({
          grantee: role,
          actions: [...permission.actions].sort(),
          resourceArns: [table.tableArn],
        });
    }

    const fn = new NodejsFunction(group, 'Function', {
      entry: withSinks
        ? writeProcessorEntry(REPO_ROOT, functionEntry(spec.entry), config.sinks)
        : functionEntry(spec.entry),
      handler: spec.handler,
      description: spec.description,
      runtime: config.runtime,
      architecture: Architecture.ARM_64,
      // The batch starter waits for the executions it runs: its own timeout and a modest memory.
      memorySize: starter ? BATCH_STARTER_MEMORY_MB : config.memorySize,
      timeout: starter ? config.starterTimeout : config.functionTimeout,
      reservedConcurrentExecutions: config.reservations[spec.role],
      tracing: config.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      role,
      logGroup,
      // JSON logs with the platform's own records (START, END, REPORT: INFO level) filtered out:
      // about 300 bytes of CloudWatch Logs per invocation that nobody reads (Lambda's metrics
      // carry the same durations). The functions' Powertools lines are JSON already.
      loggingFormat: LoggingFormat.JSON,
      systemLogLevelV2: SystemLogLevel.WARN,
      environment,
      ...bundlingProps(config),
    });
    if (config.tracing) {
      acknowledge(
        role,
        'AwsSolutions-IAM5[Resource::*]',
        'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions; AWS requires Resource "*".',
      );
    }
    functions[spec.role] = fn;
  }
  return functions;
}
