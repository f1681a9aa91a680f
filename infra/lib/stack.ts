/**
 * The deployable stack: one {@link GenesysEventPipeline} and the outputs an operator needs.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { GenesysEventPipeline, type GenesysEventPipelineProps } from './genesys-event-pipeline.js';

/** Props of {@link GenesysEventPipelineStack}. */
export interface GenesysEventPipelineStackProps extends StackProps {
  /** The pipeline's props. */
  readonly pipeline: GenesysEventPipelineProps;
  /** An existing SNS topic for alarm actions, by ARN (instead of `pipeline.alarmTopic`). */
  readonly alarmTopicArn?: string;
}

/** A stack holding the Genesys event pipeline, with outputs for the console and CLI checks. */
export class GenesysEventPipelineStack extends Stack {
  readonly pipeline: GenesysEventPipeline;

  constructor(scope: Construct, id: string, props: GenesysEventPipelineStackProps) {
    super(scope, id, props);
    const alarmTopic = props.alarmTopicArn
      ? sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn)
      : props.pipeline.alarmTopic;
    const pipeline = new GenesysEventPipeline(this, 'Pipeline', { ...props.pipeline, alarmTopic });
    this.pipeline = pipeline;

    const output = (id: string, value: string, description: string) => new CfnOutput(this, id, { value, description });
    output('PartnerEventSourceName', pipeline.partnerEventSourceName, 'The partner event source (and event bus) name');
    output('EventBusName', pipeline.eventBus.eventBusName, 'The partner event bus');
    output('EventBusArn', pipeline.eventBus.eventBusArn, 'The partner event bus (destination of an archive replay)');
    if (pipeline.archive)
      output('ArchiveArn', pipeline.archive.archiveArn, 'The archive of Genesys events (source of a replay)');
    output('RuleName', pipeline.rule.ruleName, 'The rule forwarding the Genesys topics');
    output('RuleDeadLetterQueueUrl', pipeline.ruleDeadLetterQueue.queueUrl, 'Events the rule could not deliver');
    output('RuleDeadLetterQueueArn', pipeline.ruleDeadLetterQueue.queueArn, 'Events the rule could not deliver');
    if (pipeline.queue) {
      output('QueueUrl', pipeline.queue.queueUrl, 'The event queue');
      output('QueueArn', pipeline.queue.queueArn, 'The event queue (destination of a DLQ redrive)');
    }
    if (pipeline.queueDeadLetterQueue) {
      output(
        'QueueDeadLetterQueueUrl',
        pipeline.queueDeadLetterQueue.queueUrl,
        'Messages received maxReceiveCount times (the backstop)',
      );
      output(
        'QueueDeadLetterQueueArn',
        pipeline.queueDeadLetterQueue.queueArn,
        'The backstop DLQ (source of aws sqs start-message-move-task)',
      );
    }
    if (pipeline.eventSource && pipeline.batchStarter) {
      output(
        'EventSourceMappingId',
        pipeline.eventSource.eventSourceMappingId,
        'The event source mapping queue → batch starter (aws lambda get-event-source-mapping --uuid)',
      );
      output(
        'BatchStarterFunctionName',
        pipeline.batchStarter.functionName,
        'The function the event source mapping invokes',
      );
    }
    const bound = pipeline.config.bound;
    if (bound) {
      output(
        'ConcurrencyBound',
        `${bound.eventSourceConcurrency} x ${bound.maxConcurrency} = ${bound.maxProcessorConcurrency}`,
        'E (event source MaximumConcurrency) x M (Map MaxConcurrency) = the most processor invocations at once',
      );
    }
    const processor = pipeline.functions.processor;
    if (processor) output('ProcessorFunctionName', processor.functionName, 'The processor function');
    output('StateMachineArn', pipeline.stateMachine.stateMachineArn, 'The state machine');
    output(
      'DeadLetterTableName',
      pipeline.deadLetterTable.tableName,
      'Invalid and permanently failed events, with their reason',
    );
    output('ConversationsTableName', pipeline.conversationsTable.tableName, 'The conversation projection');
    output(
      'IdempotencyTableName',
      pipeline.idempotencyTable.tableName,
      'Powertools idempotency records and failure counts',
    );
    output('DashboardName', pipeline.monitoring.dashboard.dashboardName, 'The CloudWatch dashboard');
    if (pipeline.directory) {
      output('DirectoryTableName', pipeline.directory.table.tableName, 'The Genesys directory (id → name)');
      output(
        'DirectoryRefresherName',
        pipeline.directory.refresher.functionName,
        'The directory refresher (invoke it to refresh now)',
      );
    }
  }
}
