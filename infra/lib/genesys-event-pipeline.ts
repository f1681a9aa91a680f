/**
 * `GenesysEventPipeline`: the whole AWS side of the pipeline as one construct.
 *
 * ```text
 * buffered (default, for volume):
 *   partner event bus (+ archive) → rule (DLQ, RetryPolicy) → SQS (SSE, DLQ)
 *     → EventBridge Pipe (batch, REQUEST_RESPONSE) → Step Functions Express (Map over the batch)
 *     → Lambda (idempotent) → DynamoDB; invalid/failed events → dead-letter store
 * direct (low volume, the tutorial's shape fixed):
 *   partner event bus (+ archive) → rule (role, DLQ, RetryPolicy) → Step Functions Standard per event → …
 * ```
 *
 * The state machine is the one the local runtime executes: `buildStateMachineDefinition` from
 * `src/workflow`, with the function ARNs filled in through `DefinitionSubstitutions`.
 */
import type { Duration } from 'aws-cdk-lib';
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as pipes from 'aws-cdk-lib/aws-pipes';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { functionsForMode, type LambdaFunctionSpec } from '../../src/functions/index.js';
import { buildStateMachineDefinition, definitionPlaceholders } from '../../src/workflow/index.js';
import { type GenesysEventPipelineProps, type PipelineConfig, resolvePipelineConfig } from './config.js';
import { GenesysDirectory } from './directory.js';
import { createFunctions } from './functions.js';
import { PipelineMonitoring } from './monitoring.js';
import { acknowledge } from './nag.js';
import { GENESYS_PARTNER_SOURCE_PREFIX, PipelineConfigError } from './source.js';

export type { GenesysEventPipelineProps } from './config.js';

/**
 * The Genesys event pipeline on AWS. See the module comment for the shape of each mode.
 *
 * @example
 * new GenesysEventPipeline(stack, 'Pipeline', {
 *   orgId: '0c5c1f0e-2b1a-4c3d-9e8f-1a2b3c4d5e6f',
 *   eventSourceSuffix: 'prod',
 *   topics: ['customer.start', 'customer.end', 'acd.end', 'wrapup'],
 *   reservedConcurrency: { processor: 50 },
 * });
 */
export class GenesysEventPipeline extends Construct {
  /** The resolved configuration (every default applied). */
  readonly config: PipelineConfig;
  /** `aws.partner/genesys.com/cloud/<orgId>/<suffix>`: the partner event source, and the bus's name. */
  readonly partnerEventSourceName: string;
  /** The partner event bus, associated with the partner event source. */
  readonly eventBus: events.EventBus;
  /** The archive of the bus's Genesys events, for replay (absent when `archive: false`). */
  readonly archive?: events.Archive;
  /** The rule matching the Genesys source and the configured topics. */
  readonly rule: events.Rule;
  /** Events the rule could not deliver to its target after its retry policy. */
  readonly ruleDeadLetterQueue: sqs.Queue;
  /** The event queue (buffered mode). */
  readonly queue?: sqs.Queue;
  /** The event queue's DLQ, after `maxReceiveCount` receives (buffered mode). */
  readonly queueDeadLetterQueue?: sqs.Queue;
  /** The pipe from the queue to the state machine (buffered mode). */
  readonly pipe?: pipes.CfnPipe;
  /** The pipe's execution role (buffered mode). */
  readonly pipeRole?: iam.Role;
  /** The state machine: Express in buffered mode, Standard in direct mode. */
  readonly stateMachine: sfn.StateMachine;
  /** The Lambda functions, by role (as in `LAMBDA_FUNCTIONS`). */
  readonly functions: Readonly<Record<string, NodejsFunction>>;
  /** Powertools idempotency records (partition key `id`, TTL `expiration`). */
  readonly idempotencyTable: dynamodb.Table;
  /** The conversation projection (on-demand, point-in-time recovery). */
  readonly conversationsTable: dynamodb.Table;
  /**
   * The dead-letter store: invalid and permanently failed events, each with its reason
   * (partition key `id`, TTL `expiresAt`; written by the functions, see docs/processing.md).
   */
  readonly deadLetterTable: dynamodb.Table;
  /** Alarms and dashboard. */
  readonly monitoring: PipelineMonitoring;
  /** The Genesys directory: table, scheduled refresher, secret reference, alarm (when `directory` is given). */
  readonly directory?: GenesysDirectory;

  constructor(scope: Construct, id: string, props: GenesysEventPipelineProps) {
    super(scope, id);
    const config = resolvePipelineConfig(props);
    this.config = config;
    this.partnerEventSourceName = config.source.name;

    // --- The definition first: a mismatch with the function catalogue fails before anything else.
    const definitionObject = buildStateMachineDefinition(config.workflow);
    const definition = JSON.stringify(definitionObject);
    const placeholders = definitionPlaceholders(definitionObject);
    const specs = functionsForMode(config.mode);
    const provided = specs.map((spec) => spec.placeholder);
    const missing = placeholders.filter((p) => !provided.includes(p));
    const unused = provided.filter((p) => !placeholders.includes(p));
    if (missing.length || unused.length) {
      throw new PipelineConfigError([
        `the ${config.mode} state machine definition and the ${config.mode} functions of LAMBDA_FUNCTIONS disagree: ` +
          `placeholders without a function: [${missing.join(', ')}]; functions the definition never calls: [${unused.join(', ')}] (src/workflow, src/functions).`,
      ]);
    }

    // --- Event bus, archive, rule ------------------------------------------------------------
    this.eventBus = new events.EventBus(this, 'EventBus', {
      eventSourceName: config.source.name,
      description: 'Partner event bus of the Genesys Cloud EventBridge integration',
    });
    const sourcePattern = events.Match.prefix(`${GENESYS_PARTNER_SOURCE_PREFIX}${config.source.orgId}/`);
    if (config.archive) {
      this.archive = new events.Archive(this, 'Archive', {
        sourceEventBus: this.eventBus,
        description: `Genesys Cloud events of org ${config.source.orgId}, for replay`,
        eventPattern: { source: sourcePattern },
        retention: config.archiveRetention,
      });
    }
    this.rule = new events.Rule(this, 'Rule', {
      eventBus: this.eventBus,
      description: `Genesys Cloud events of org ${config.source.orgId}: ${config.topics.length} topic(s)`,
      eventPattern: { source: sourcePattern, detailType: config.topics },
    });

    this.ruleDeadLetterQueue = this.queueOf('RuleDeadLetterQueue', config.deadLetterRetention, config.removalPolicy);
    acknowledge(
      this.ruleDeadLetterQueue,
      'AwsSolutions-SQS3',
      'This queue is the dead-letter queue of the EventBridge rule target (DeadLetterConfig), not of another queue; it needs no DLQ of its own.',
    );

    // --- Data ----------------------------------------------------------------------------------
    this.idempotencyTable = new dynamodb.Table(this, 'IdempotencyTable', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'expiration',
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      removalPolicy: config.removalPolicy,
    });
    acknowledge(
      this.idempotencyTable,
      'AwsSolutions-DDB3',
      'Idempotency records are short-lived (TTL) locks and results, rebuilt by reprocessing; restoring them from a backup has no use.',
    );
    // Key schemas as the processing module documents them (FUNCTION_ENV in src/functions).
    this.conversationsTable = new dynamodb.Table(this, 'ConversationsTable', {
      partitionKey: { name: 'conversationId', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: config.removalPolicy,
    });
    this.deadLetterTable = new dynamodb.Table(this, 'DeadLetterTable', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'expiresAt',
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: config.removalPolicy,
    });

    if (config.directory) {
      this.directory = new GenesysDirectory(this, 'Directory', config.directory, {
        config,
        removalPolicy: config.removalPolicy,
        ...(config.alarmTopic ? { alarmTopic: config.alarmTopic } : {}),
      });
    }

    // --- Functions and state machine -----------------------------------------------------------
    this.functions = createFunctions(this, config, specs, {
      idempotencyTable: this.idempotencyTable,
      conversationsTable: this.conversationsTable,
      deadLetterTable: this.deadLetterTable,
      ...(this.directory
        ? { directoryTable: this.directory.table, directoryRefresherName: this.directory.refresher.functionName }
        : {}),
    });
    // The processor reads the directory (its catalogue grant) and sends the ids it misses to the refresher.
    if (this.directory && this.functions.processor) this.directory.grantLookups(this.functions.processor);
    this.stateMachine = this.createStateMachine(config, definition, specs);

    // --- Delivery: buffered (queue + pipe) or direct -----------------------------------------
    if (config.mode === 'buffered') {
      this.queueDeadLetterQueue = this.queueOf(
        'QueueDeadLetterQueue',
        config.deadLetterRetention,
        config.removalPolicy,
      );
      this.queue = new sqs.Queue(this, 'Queue', {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: config.queueRetention,
        visibilityTimeout: config.visibilityTimeout,
        deadLetterQueue: { queue: this.queueDeadLetterQueue, maxReceiveCount: config.maxReceiveCount },
      });
      // Adds the queue policy: events.amazonaws.com may send, only for this rule (aws:SourceArn).
      this.rule.addTarget(
        new targets.SqsQueue(this.queue, {
          deadLetterQueue: this.ruleDeadLetterQueue,
          retryAttempts: config.targetRetryAttempts,
          maxEventAge: config.targetMaxEventAge,
        }),
      );
      const { pipe, role } = this.createPipe(config, this.queue, this.stateMachine);
      this.pipe = pipe;
      this.pipeRole = role;
    } else {
      // The tutorial's shape, fixed: one Standard execution per event, with a role, a DLQ and a
      // retry policy on the target (StartExecution is throttled; EventBridge retries it).
      this.rule.addTarget(
        new targets.SfnStateMachine(this.stateMachine, {
          deadLetterQueue: this.ruleDeadLetterQueue,
          retryAttempts: config.targetRetryAttempts,
          maxEventAge: config.targetMaxEventAge,
        }),
      );
    }

    this.monitoring = new PipelineMonitoring(this, 'Monitoring', {
      partnerEventSourceName: config.source.name,
      eventBus: this.eventBus,
      rule: this.rule,
      ruleDeadLetterQueue: this.ruleDeadLetterQueue,
      queue: this.queue,
      queueDeadLetterQueue: this.queueDeadLetterQueue,
      pipe: this.pipe,
      deadLetterTable: this.deadLetterTable,
      stateMachine: this.stateMachine,
      functions: this.functions,
      tables: {
        idempotency: this.idempotencyTable,
        conversations: this.conversationsTable,
        deadLetter: this.deadLetterTable,
      },
      powertools: { namespace: config.metricsNamespace, serviceName: config.serviceName },
      oldestMessageAgeThreshold: config.oldestMessageAgeAlarmThreshold,
      alarmTopic: config.alarmTopic,
      dashboardName: config.dashboardName,
    });
  }

  /** An SSE-SQS, TLS-only queue with the given retention (the dead-letter queues). */
  private queueOf(id: string, retention: Duration, removalPolicy: RemovalPolicy): sqs.Queue {
    return new sqs.Queue(this, id, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: retention,
      removalPolicy,
    });
  }

  private logGroup(id: string, service: 'states' | 'pipes', config: PipelineConfig): logs.LogGroup {
    // The /aws/vendedlogs/ prefix keeps CloudWatch Logs resource policies small (AWS guidance
    // for Step Functions and Pipes log delivery). A named group is deleted with the stack, so a
    // redeploy can create it again.
    const name = `/aws/vendedlogs/${service}/${Stack.of(this).stackName}-${this.node.id}-${id}`;
    return new logs.LogGroup(this, id, {
      logGroupName: name,
      retention: config.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }

  private createStateMachine(
    config: PipelineConfig,
    definition: string,
    specs: readonly LambdaFunctionSpec[],
  ): sfn.StateMachine {
    const logGroup = this.logGroup('StateMachineLogs', 'states', config);
    // Each `${Placeholder}` of the definition → the ARN of the function built from that catalogue entry.
    const functionArns = specs.map((spec) => this.functions[spec.role]!.functionArn);
    const substitutions = Object.fromEntries(specs.map((spec, i) => [spec.placeholder, functionArns[i]!]));
    const stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromString(definition),
      definitionSubstitutions: substitutions,
      stateMachineType: config.mode === 'buffered' ? sfn.StateMachineType.EXPRESS : sfn.StateMachineType.STANDARD,
      logs: {
        destination: logGroup,
        level: config.stateMachineLogLevel,
        includeExecutionData: config.includeExecutionData,
      },
      tracingEnabled: config.tracing,
      comment: `Genesys event pipeline (${config.mode})`,
    });
    // Invoke exactly these functions, unqualified (no version/alias wildcard as grantInvoke adds).
    stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: functionArns,
      }),
    );
    acknowledge(
      stateMachine,
      'AwsSolutions-IAM5[Resource::*]',
      'CloudWatch Logs vended log delivery (logs:CreateLogDelivery, logs:DescribeLogGroups, …) and X-Ray (when tracing is on) support no resource-level permissions; AWS requires Resource "*".',
    );
    if (config.stateMachineLogLevel !== sfn.LogLevel.ALL) {
      acknowledge(
        stateMachine,
        'AwsSolutions-SF1',
        'Logs at ERROR by default: at volume, ALL would log every state transition of every execution (cost); failures are logged. Set stateMachineLogLevel to ALL when debugging.',
      );
    }
    if (!config.tracing) {
      acknowledge(
        stateMachine,
        'AwsSolutions-SF2',
        'X-Ray tracing is optional (prop `tracing`); off by default for cost at volume.',
      );
    }
    return stateMachine;
  }

  private createPipe(
    config: PipelineConfig,
    queue: sqs.Queue,
    stateMachine: sfn.StateMachine,
  ): { pipe: pipes.CfnPipe; role: iam.Role } {
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'PipeRole', {
      assumedBy: new iam.ServicePrincipal('pipes.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
      description: 'EventBridge Pipe: read the Genesys event queue, run the state machine synchronously',
    });
    // Source: receive, delete and read attributes of this queue only.
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        resources: [queue.queueArn],
      }),
    );
    // Target: the REQUEST_RESPONSE invocation type calls StartSyncExecution on this state machine only.
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['states:StartSyncExecution'], resources: [stateMachine.stateMachineArn] }),
    );

    let logConfiguration: pipes.CfnPipe.PipeLogConfigurationProperty | undefined;
    if (config.pipeLogLevel !== 'OFF') {
      const logGroup = this.logGroup('PipeLogs', 'pipes', config);
      logGroup.grantWrite(role);
      logConfiguration = {
        level: config.pipeLogLevel,
        cloudwatchLogsLogDestination: { logGroupArn: logGroup.logGroupArn },
      };
    }

    const pipe = new pipes.CfnPipe(this, 'Pipe', {
      roleArn: role.roleArn,
      description: 'Genesys event queue → state machine (batches, synchronous, partial batch failures)',
      desiredState: 'RUNNING',
      source: queue.queueArn,
      sourceParameters: {
        sqsQueueParameters: { batchSize: config.batchSize, maximumBatchingWindowInSeconds: config.batchWindowSeconds },
      },
      target: stateMachine.stateMachineArn,
      targetParameters: {
        // Synchronous (StartSyncExecution): the execution's output {"batchItemFailures":
        // [{"itemIdentifier": <messageId>}]} tells the pipe which messages to leave on the queue
        // for retry; the rest are deleted. A failed execution retries the whole batch.
        stepFunctionStateMachineParameters: { invocationType: 'REQUEST_RESPONSE' },
      },
      logConfiguration,
    });
    // The role and its policy must exist before the pipe validates its permissions.
    pipe.node.addDependency(role);
    return { pipe, role };
  }
}
