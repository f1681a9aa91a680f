/**
 * `GenesysEventPipeline`: the whole AWS side of the pipeline as one construct.
 *
 * Two shapes (`mode`): `buffered` (the default, for volume) puts a queue and a bounded event
 * source mapping in front of Express executions, so at most E × M processor invocations run at
 * once, by construction; `direct` (low volume) starts one Standard execution per event. The flow
 * is drawn once, in docs/architecture.md ("Data flow"); docs/deploy.md lists what gets deployed.
 *
 * Why an event source mapping and not an EventBridge Pipe: a pipe's SQS source has no concurrency
 * setting (only BatchSize and MaximumBatchingWindowInSeconds) and scales to about 1,000 batches at
 * once, so the processor's demand would be 1,000 × M; the mapping's `MaximumConcurrency` simply
 * polls no more than E batches (docs/capacity.md, "The bound").
 *
 * The state machine is the one the local runtime executes: `buildStateMachineDefinition` from
 * `src/workflow`, with the function ARNs filled in through `DefinitionSubstitutions`.
 */
import { Annotations, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  AUDIT_INDEXES,
  GENERIC_EVENTS_BY_TOPIC_INDEX,
} from '../../src/processing/stores/dynamodb-projection-stores.js';
import { BATCH_STARTER_FUNCTION, functionsForMode, type LambdaFunctionSpec } from '../../src/functions/index.js';
import { buildStateMachineDefinition, definitionPlaceholders } from '../../src/workflow/index.js';
import { type GenesysEventPipelineProps, type PipelineConfig, resolvePipelineConfig } from './config.js';
import { GenesysDirectory } from './directory.js';
import { FanOutBus } from './fan-out.js';
import { GenesysEventLake } from './lake.js';
import { createFunctions } from './functions.js';
import { PipelineMonitoring } from './monitoring.js';
import { acknowledge } from './nag.js';
import {
  DEFAULT_EVENT_PATTERN_CHARACTERS,
  GENESYS_PARTNER_SOURCE_PREFIX,
  MAX_EVENT_PATTERN_CHARACTERS,
  rulePatternLength,
} from './source.js';
import { PipelineConfigError } from './errors.js';
import { describeTopicModels, topicModels } from '../../src/events/topics.js';
import type { TypedKind } from '../../src/events/topics.js';

export type { GenesysEventPipelineProps } from './config.js';

/**
 * The Genesys event pipeline on AWS. See the module comment for the shape of each mode.
 *
 * @example
 * new GenesysEventPipeline(stack, 'Pipeline', {
 *   orgId: '0c5c1f0e-2b1a-4c3d-9e8f-1a2b3c4d5e6f',
 *   eventSourceSuffix: 'prod',
 *   topics: ['customer.start', 'customer.end', 'acd.end', 'wrapup'],
 *   maxProcessorConcurrency: 100, // E = 4 batches at once × M = 25 per Map
 *   reserveConcurrency: true,
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
  /** The event queue's DLQ, after `maxReceiveCount` receives: the backstop (buffered mode). */
  readonly queueDeadLetterQueue?: sqs.Queue;
  /** The event source mapping from the queue to the batch starter, at most E batches at once (buffered mode). */
  readonly eventSource?: SqsEventSource;
  /** The function the event source mapping invokes; it runs the state machine (buffered mode). */
  readonly batchStarter?: NodejsFunction;
  /** The state machine: Express in buffered mode, Standard in direct mode. */
  readonly stateMachine: sfn.StateMachine;
  /** The Lambda functions, by role (as in `LAMBDA_FUNCTIONS`, and `batch-starter` in buffered mode). */
  readonly functions: Readonly<Record<string, NodejsFunction>>;
  /** Powertools idempotency records (partition key `id`, TTL `expiration`). */
  readonly idempotencyTable: dynamodb.Table;
  /** The conversation projection (on-demand, point-in-time recovery). */
  readonly conversationsTable: dynamodb.Table;
  /** The agent-state projection (presence, routing status, activity): present when the topics name one of them. */
  readonly agentStateTable?: dynamodb.Table;
  /** The audit log: present when the topics name the audit topic. */
  readonly auditTable?: dynamodb.Table;
  /** Transcripts: present when the topics name the transcription topic. */
  readonly transcriptsTable?: dynamodb.Table;
  /** Events of topics without a typed model: present when the topics name such a topic. */
  readonly genericEventsTable?: dynamodb.Table;
  /**
   * The dead-letter store: invalid and permanently failed events, each with its reason
   * (partition key `id`, TTL `expiresAt`; written by the functions, see docs/processing.md).
   */
  readonly deadLetterTable: dynamodb.Table;
  /** Alarms and dashboard. */
  readonly monitoring: PipelineMonitoring;
  /** The Genesys directory: table, scheduled refresher, secret reference, alarm (when `directory` is given). */
  readonly directory?: GenesysDirectory;
  /** The fan-out bus the processor publishes every new event to, its grant and alarm (when `fanOut` is given). */
  readonly fanOut?: FanOutBus;
  /** The data lake (the `lake` prop): bucket, Firehose stream, Glue database and table, alarm. */
  readonly lake?: GenesysEventLake;

  constructor(scope: Construct, id: string, props: GenesysEventPipelineProps) {
    super(scope, id);
    const config = resolvePipelineConfig(props);
    this.config = config;
    this.partnerEventSourceName = config.source.name;
    for (const warning of config.warnings) Annotations.of(this).addWarningV2('genesys-event-pipeline:config', warning);

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
    // Said once, at synth: which topics have a typed model and which are handled generically.
    Annotations.of(this).addInfo(describeTopicModels(config.topics));
    const patternLength = rulePatternLength(config.topics);
    if (patternLength > DEFAULT_EVENT_PATTERN_CHARACTERS) {
      Annotations.of(this).addWarningV2(
        'genesys-event-pipeline:eventPatternSize',
        `The rule's event pattern is ${patternLength} characters, over EventBridge's default quota of ${DEFAULT_EVENT_PATTERN_CHARACTERS} ("Event pattern size", adjustable up to ${MAX_EVENT_PATTERN_CHARACTERS}): request the increase in Service Quotas before deploying, or forward fewer topics.`,
      );
    }

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

    // The projections of the other families, for the families the topics name.
    const models = topicModels(config.topics);
    const kinds = new Set<TypedKind>(models.typed.map((t) => t.kind));
    if (kinds.has('user-presence') || kinds.has('user-routing-status') || kinds.has('user-activity')) {
      this.agentStateTable = this.projectionTable('AgentStateTable', 'userId', config);
    }
    if (kinds.has('audit')) {
      const table = this.projectionTable('AuditTable', 'entity', config);
      table.addGlobalSecondaryIndex({
        indexName: AUDIT_INDEXES.byUser,
        partitionKey: { name: 'userId', type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      });
      table.addGlobalSecondaryIndex({
        indexName: AUDIT_INDEXES.byEntityType,
        partitionKey: { name: 'entityType', type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      });
      this.auditTable = table;
    }
    if (kinds.has('transcription'))
      this.transcriptsTable = this.projectionTable('TranscriptsTable', 'conversationId', config);
    if (models.generic.length > 0) {
      const table = this.projectionTable('GenericEventsTable', 'stream', config);
      table.addGlobalSecondaryIndex({
        indexName: GENERIC_EVENTS_BY_TOPIC_INDEX,
        partitionKey: { name: 'topic', type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      });
      this.genericEventsTable = table;
    }
    if (config.directory) {
      this.directory = new GenesysDirectory(this, 'Directory', config.directory, {
        config,
        removalPolicy: config.removalPolicy,
        ...(config.alarmTopic ? { alarmTopic: config.alarmTopic } : {}),
      });
    }

    if (config.fanOut) {
      this.fanOut = new FanOutBus(this, 'FanOut', config.fanOut, {
        powertools: { namespace: config.metricsNamespace, serviceName: config.serviceName },
        ...(config.alarmTopic ? { alarmTopic: config.alarmTopic } : {}),
      });
    }
    if (config.lake) {
      this.lake = new GenesysEventLake(this, 'Lake', config.lake, {
        removalPolicy: config.removalPolicy,
        ...(config.alarmTopic ? { alarmTopic: config.alarmTopic } : {}),
      });
    }

    // --- Functions and state machine -----------------------------------------------------------
    const resources = {
      ...(this.lake ? { lake: this.lake } : {}),
      idempotencyTable: this.idempotencyTable,
      conversationsTable: this.conversationsTable,
      deadLetterTable: this.deadLetterTable,
      ...(this.agentStateTable ? { agentStateTable: this.agentStateTable } : {}),
      ...(this.auditTable ? { auditTable: this.auditTable } : {}),
      ...(this.transcriptsTable ? { transcriptsTable: this.transcriptsTable } : {}),
      ...(this.genericEventsTable ? { genericEventsTable: this.genericEventsTable } : {}),
      ...(this.directory
        ? { directoryTable: this.directory.table, directoryRefresherName: this.directory.refresher.functionName }
        : {}),
      ...(this.fanOut ? { fanOut: this.fanOut } : {}),
    };
    const buffered = config.mode === 'buffered';
    const roles = [...specs.map((s) => s.role), ...(buffered ? [BATCH_STARTER_FUNCTION.role] : [])];
    const functions = createFunctions(this, config, specs, resources, roles);
    // The processor reads the directory (its catalogue grant) and sends the ids it misses to the refresher.
    if (this.directory && functions.processor) this.directory.grantLookups(functions.processor);
    this.stateMachine = this.createStateMachine(config, definition, specs, functions);

    // --- Delivery: buffered (queue → event source mapping → batch starter) or direct ----------
    if (buffered) {
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
        // A backstop: maxReceiveCount × visibility ≥ 24 h, so throttling alone never gets there.
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
      const starter = createFunctions(
        this,
        config,
        [BATCH_STARTER_FUNCTION],
        {
          ...resources,
          stateMachine: this.stateMachine,
        },
        roles,
      )[BATCH_STARTER_FUNCTION.role]!;
      this.stateMachine.grant(starter, 'states:StartSyncExecution');
      this.batchStarter = starter;
      functions[BATCH_STARTER_FUNCTION.role] = starter;
      // The bound: Lambda polls no more than E batches at once, and each starter runs one
      // execution at a time, each at most M processor invocations at once.
      this.eventSource = new SqsEventSource(this.queue, {
        batchSize: config.batchSize,
        maxBatchingWindow: config.batchWindowSeconds > 0 ? Duration.seconds(config.batchWindowSeconds) : undefined,
        maxConcurrency: config.bound!.eventSourceConcurrency,
        reportBatchItemFailures: true,
      });
      starter.addEventSource(this.eventSource);
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

    this.functions = functions;

    this.monitoring = new PipelineMonitoring(this, 'Monitoring', {
      partnerEventSourceName: config.source.name,
      eventBus: this.eventBus,
      rule: this.rule,
      ruleDeadLetterQueue: this.ruleDeadLetterQueue,
      queue: this.queue,
      queueDeadLetterQueue: this.queueDeadLetterQueue,
      deadLetterTable: this.deadLetterTable,
      stateMachine: this.stateMachine,
      functions,
      processorConcurrencyBound: config.bound?.maxProcessorConcurrency,
      tables: {
        idempotency: this.idempotencyTable,
        conversations: this.conversationsTable,
        deadLetter: this.deadLetterTable,
        ...(this.agentStateTable ? { agentState: this.agentStateTable } : {}),
        ...(this.auditTable ? { audit: this.auditTable } : {}),
        ...(this.transcriptsTable ? { transcripts: this.transcriptsTable } : {}),
        ...(this.genericEventsTable ? { genericEvents: this.genericEventsTable } : {}),
      },
      powertools: { namespace: config.metricsNamespace, serviceName: config.serviceName },
      oldestMessageAgeThreshold: config.oldestMessageAgeAlarmThreshold,
      visibilityTimeout: config.visibilityTimeout,
      alarmTopic: config.alarmTopic,
      dashboardName: config.dashboardName,
    });
  }

  /** A projection table: partition key `partitionKey` (S), sort key `sk` (S), on demand, point-in-time recovery. */
  private projectionTable(id: string, partitionKey: string, config: PipelineConfig): dynamodb.Table {
    return new dynamodb.Table(this, id, {
      partitionKey: { name: partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: config.removalPolicy,
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

  private logGroup(id: string, service: 'states', config: PipelineConfig): logs.LogGroup {
    // The /aws/vendedlogs/ prefix keeps CloudWatch Logs resource policies small (AWS guidance
    // for Step Functions log delivery). A named group is deleted with the stack, so a redeploy
    // can create it again.
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
    functions: Readonly<Record<string, NodejsFunction>>,
  ): sfn.StateMachine {
    const logGroup = this.logGroup('StateMachineLogs', 'states', config);
    // Each `${Placeholder}` of the definition → the ARN of the function built from that catalogue entry.
    const functionArns = specs.map((spec) => functions[spec.role]!.functionArn);
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
}
