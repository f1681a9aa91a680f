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
    output('RuleName', pipeline.rule.ruleName, 'The rule forwarding the Genesys topics');
    output('RuleDeadLetterQueueUrl', pipeline.ruleDeadLetterQueue.queueUrl, 'Events the rule could not deliver');
    if (pipeline.queue) output('QueueUrl', pipeline.queue.queueUrl, 'The event queue');
    if (pipeline.queueDeadLetterQueue)
      output(
        'QueueDeadLetterQueueUrl',
        pipeline.queueDeadLetterQueue.queueUrl,
        'Messages that failed maxReceiveCount times',
      );
    if (pipeline.pipe) output('PipeName', pipeline.pipe.ref, 'The EventBridge Pipe');
    output('StateMachineArn', pipeline.stateMachine.stateMachineArn, 'The state machine');
    output(
      'DeadLetterTableName',
      pipeline.deadLetterTable.tableName,
      'Invalid and permanently failed events, with their reason',
    );
    output('ConversationsTableName', pipeline.conversationsTable.tableName, 'The conversation projection');
    output('IdempotencyTableName', pipeline.idempotencyTable.tableName, 'Powertools idempotency records');
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
