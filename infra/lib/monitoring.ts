/**
 * Alarms and the CloudWatch dashboard of the pipeline.
 *
 * Every alarm answers "is an event being lost, stuck or failing?": events the rule could not even
 * put in its DLQ (lost), dead-letter queues with messages, the oldest queued event older than
 * twice the visibility timeout, state machine failures / timeouts / throttles, and every
 * function's errors and throttles (a processor throttle means the bound is not reserved).
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus, IRule } from 'aws-cdk-lib/aws-events';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

/** What {@link PipelineMonitoring} watches. The queue is absent in direct mode. */
export interface PipelineMonitoringProps {
  /** The partner event source name (dimension of the `Events` metric). */
  readonly partnerEventSourceName: string;
  readonly eventBus: IEventBus;
  readonly rule: IRule;
  /** Events the rule could not deliver to its target. */
  readonly ruleDeadLetterQueue: IQueue;
  /** The event queue (buffered mode). */
  readonly queue?: IQueue;
  /** Messages received `maxReceiveCount` times: the backstop (buffered mode). */
  readonly queueDeadLetterQueue?: IQueue;
  /** The dead-letter store (a table): invalid and permanently failed events, with their reason. */
  readonly deadLetterTable: dynamodb.ITable;
  readonly stateMachine: IStateMachine;
  /** The functions, by role. */
  readonly functions: Readonly<Record<string, IFunction>>;
  /** Buffered: E × M, drawn on the processor's concurrency graph. */
  readonly processorConcurrencyBound?: number;
  readonly tables: Readonly<Record<string, dynamodb.ITable>>;
  /** Namespace and `service` dimension of the functions' Powertools metrics. */
  readonly powertools: { readonly namespace: string; readonly serviceName: string };
  /** Alarm when the oldest queued event is older than this. */
  readonly oldestMessageAgeThreshold: Duration;
  /** The event queue's visibility timeout (for the alarm's description). */
  readonly visibilityTimeout?: Duration;
  /** Notified on ALARM and OK. */
  readonly alarmTopic?: ITopic;
  readonly dashboardName?: string;
}

const ONE_MINUTE = Duration.minutes(1);

/** The pipeline's alarms (public, by name) and its dashboard. */
export class PipelineMonitoring extends Construct {
  /** Every alarm, by a stable short name (e.g. `RuleDeadLetterQueueMessages`, `ProcessorFunctionErrors`). */
  readonly alarms: Readonly<Record<string, cloudwatch.Alarm>>;
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: PipelineMonitoringProps) {
    super(scope, id);
    const alarms: Record<string, cloudwatch.Alarm> = {};
    const add = (
      name: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      description: string,
    ): cloudwatch.Alarm => {
      const alarm = new cloudwatch.Alarm(this, name, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      if (props.alarmTopic) {
        alarm.addAlarmAction(new SnsAction(props.alarmTopic));
        alarm.addOkAction(new SnsAction(props.alarmTopic));
      }
      alarms[name] = alarm;
      return alarm;
    };
    const visible = (queue: IQueue) =>
      queue.metricApproximateNumberOfMessagesVisible({ period: ONE_MINUTE, statistic: 'Maximum' });

    const ruleMetric = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/Events',
        metricName,
        dimensionsMap: { EventBusName: props.eventBus.eventBusName, RuleName: props.rule.ruleName },
        period: ONE_MINUTE,
        statistic: 'Sum',
      });

    // --- Lost or parked events ---------------------------------------------------------------
    add(
      'RuleInvocationsFailedToBeSentToDlq',
      ruleMetric('InvocationsFailedToBeSentToDlq'),
      1,
      'Events LOST: the rule could not deliver them to its target and could not put them in its DLQ either (DLQ deleted, or its policy changed). Replay the time window from the archive (docs/deploy.md).',
    );
    add(
      'RuleDeadLetterQueueMessages',
      visible(props.ruleDeadLetterQueue),
      1,
      'Events the rule could not deliver to its target after all retries. Inspect, fix the cause, then send them back (docs/deploy.md).',
    );
    if (props.queueDeadLetterQueue) {
      add(
        'QueueDeadLetterQueueMessages',
        visible(props.queueDeadLetterQueue),
        1,
        'Messages received maxReceiveCount times (the backstop; throttling alone cannot get there in 24 h): the pipeline could not handle them (starter or state machine failing). Inspect the logs, fix, then redrive the DLQ to the source queue (docs/deploy.md).',
      );
    }
    // The functions only ever write to the dead-letter table to dead-letter an event (TTL expiry
    // is free), so any consumed write capacity means events were dead-lettered.
    add(
      'DeadLetterTableWrites',
      props.deadLetterTable.metricConsumedWriteCapacityUnits({ period: ONE_MINUTE, statistic: 'Sum' }),
      1,
      'Invalid or permanently failed events were written to the dead-letter table, each with its reason. Inspect them (docs/deploy.md), fix, replay.',
    );

    // --- Stuck events --------------------------------------------------------------------------
    if (props.queue) {
      add(
        'QueueOldestMessageAge',
        props.queue.metricApproximateAgeOfOldestMessage({ period: ONE_MINUTE, statistic: 'Maximum' }),
        props.oldestMessageAgeThreshold.toSeconds(),
        `The oldest queued event is older than ${props.oldestMessageAgeThreshold.toSeconds()} s${props.visibilityTimeout ? ` (the visibility timeout is ${props.visibilityTimeout.toSeconds()} s)` : ''}: processing is behind the backlog, or events keep being handed back (event source mapping disabled? throttling? failing processor?).`,
      );
    }

    // --- Failing executions --------------------------------------------------------------------
    const sm = props.stateMachine;
    add(
      'StateMachineExecutionsFailed',
      sm.metricFailed({ period: ONE_MINUTE, statistic: 'Sum' }),
      1,
      'State machine executions failed.',
    );
    add(
      'StateMachineExecutionsTimedOut',
      sm.metricTimedOut({ period: ONE_MINUTE, statistic: 'Sum' }),
      1,
      'State machine executions timed out.',
    );
    add(
      'StateMachineExecutionsThrottled',
      sm.metricThrottled({ period: ONE_MINUTE, statistic: 'Sum' }),
      1,
      'State machine executions were throttled.',
    );
    for (const [role, fn] of Object.entries(props.functions)) {
      const name = role.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_, __, c: string) => c.toUpperCase());
      add(
        `${name}FunctionErrors`,
        fn.metricErrors({ period: ONE_MINUTE, statistic: 'Sum' }),
        1,
        `The ${role} function raised errors.`,
      );
      add(
        `${name}FunctionThrottles`,
        fn.metricThrottles({ period: ONE_MINUTE, statistic: 'Sum' }),
        1,
        role === 'processor'
          ? 'The processor was throttled: the account ran out of concurrency for it (set reserveConcurrency to reserve the bound). Throttled events are retried and handed back to the queue, never dead-lettered.'
          : `The ${role} function was throttled (account concurrency exhausted, or its reserved concurrency reached). Work is retried or handed back to the queue.`,
      );
    }
    this.alarms = alarms;

    // --- Dashboard -----------------------------------------------------------------------------
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
    });
    const graph = (title: string, left: cloudwatch.IMetric[], width = 8): cloudwatch.GraphWidget =>
      new cloudwatch.GraphWidget({ title, left, width, height: 6 });
    const busName = props.eventBus.eventBusName;
    const ruleName = props.rule.ruleName;
    const eventsMetric = (metricName: string, dimensionsMap: Record<string, string>) =>
      new cloudwatch.Metric({
        namespace: 'AWS/Events',
        metricName,
        dimensionsMap,
        period: ONE_MINUTE,
        statistic: 'Sum',
      });

    dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown:
          '# Genesys event pipeline\n' +
          `Partner event source \`${props.partnerEventSourceName}\`. ` +
          'Dead-letter queues should stay empty; see docs/deploy.md for what to check and how to redrive.',
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(
      graph('Events in (partner source, rule)', [
        eventsMetric('Events', { EventSourceName: props.partnerEventSourceName }).with({
          label: 'Partner events ingested',
        }),
        eventsMetric('MatchedEvents', { EventBusName: busName, RuleName: ruleName }).with({ label: 'Matched by rule' }),
        eventsMetric('Invocations', { EventBusName: busName, RuleName: ruleName }).with({
          label: 'Target invocations',
        }),
      ]),
      graph('Rule delivery failures', [
        ruleMetric('FailedInvocations').with({ label: 'Failed invocations' }),
        ruleMetric('InvocationsSentToDlq').with({ label: 'Sent to DLQ' }),
        ruleMetric('InvocationsFailedToBeSentToDlq').with({ label: 'Failed to reach DLQ (lost)' }),
      ]),
      graph('Dead-letter queues (messages visible)', [
        visible(props.ruleDeadLetterQueue).with({ label: 'Rule target DLQ' }),
        ...(props.queueDeadLetterQueue ? [visible(props.queueDeadLetterQueue).with({ label: 'Queue DLQ' })] : []),
      ]),
      graph('Dead-letter table writes (invalid / failed events)', [
        props.deadLetterTable
          .metricConsumedWriteCapacityUnits({ period: ONE_MINUTE, statistic: 'Sum' })
          .with({ label: 'Write units' }),
      ]),
    );
    if (props.queue) {
      const processor = props.functions.processor;
      const bound = props.processorConcurrencyBound;
      dashboard.addWidgets(
        graph('Queue depth', [
          visible(props.queue).with({ label: 'Visible' }),
          props.queue
            .metricApproximateNumberOfMessagesNotVisible({ period: ONE_MINUTE, statistic: 'Maximum' })
            .with({ label: 'In flight' }),
        ]),
        graph('Oldest queued event (s)', [
          props.queue.metricApproximateAgeOfOldestMessage({ period: ONE_MINUTE, statistic: 'Maximum' }),
        ]),
        new cloudwatch.GraphWidget({
          title: 'Processor concurrency and its bound (E × M)',
          left: processor
            ? [
                processor
                  .metric('ConcurrentExecutions', { period: ONE_MINUTE, statistic: 'Maximum' })
                  .with({ label: 'Processor concurrency' }),
                processor.metricThrottles({ period: ONE_MINUTE, statistic: 'Sum' }).with({ label: 'Throttles' }),
              ]
            : [],
          leftAnnotations: bound ? [{ value: bound, label: `Bound E × M = ${bound}` }] : [],
          width: 8,
          height: 6,
        }),
      );
    }
    dashboard.addWidgets(
      graph('State machine executions', [
        sm.metricStarted({ period: ONE_MINUTE, statistic: 'Sum' }).with({ label: 'Started' }),
        sm.metricSucceeded({ period: ONE_MINUTE, statistic: 'Sum' }).with({ label: 'Succeeded' }),
        sm.metricFailed({ period: ONE_MINUTE, statistic: 'Sum' }).with({ label: 'Failed' }),
        sm.metricTimedOut({ period: ONE_MINUTE, statistic: 'Sum' }).with({ label: 'Timed out' }),
        sm.metricThrottled({ period: ONE_MINUTE, statistic: 'Sum' }).with({ label: 'Throttled' }),
      ]),
      graph('State machine duration (ms, p99)', [sm.metricTime({ period: ONE_MINUTE, statistic: 'p99' })]),
      graph(
        'DynamoDB throttle events',
        Object.entries(props.tables).flatMap(([name, table]) => [
          table.metric('ReadThrottleEvents', { period: ONE_MINUTE, statistic: 'Sum' }).with({ label: `${name} read` }),
          table
            .metric('WriteThrottleEvents', { period: ONE_MINUTE, statistic: 'Sum' })
            .with({ label: `${name} write` }),
        ]),
      ),
    );
    // The functions' own Powertools metrics (EMF; dimension `service`), see docs/processing.md.
    const eventMetric = (metricName: string) =>
      new cloudwatch.Metric({
        namespace: props.powertools.namespace,
        metricName,
        dimensionsMap: { service: props.powertools.serviceName },
        period: ONE_MINUTE,
        statistic: 'Sum',
        label: metricName,
      });
    dashboard.addWidgets(
      graph(
        'Events by outcome (function metrics)',
        ['EventsValid', 'EventsProcessed', 'EventsDuplicate'].map(eventMetric),
        12,
      ),
      graph(
        'Events not processed (function metrics)',
        ['EventsInvalid', 'EventsDeadLettered', 'EventsTransientFailure', 'BatchItemFailures'].map(eventMetric),
        12,
      ),
    );
    const fnEntries = Object.entries(props.functions);
    dashboard.addWidgets(
      graph(
        'Function invocations',
        fnEntries.map(([role, fn]) =>
          fn.metricInvocations({ period: ONE_MINUTE, statistic: 'Sum' }).with({ label: role }),
        ),
      ),
      graph(
        'Function errors and throttles',
        fnEntries.flatMap(([role, fn]) => [
          fn.metricErrors({ period: ONE_MINUTE, statistic: 'Sum' }).with({ label: `${role} errors` }),
          fn.metricThrottles({ period: ONE_MINUTE, statistic: 'Sum' }).with({ label: `${role} throttles` }),
        ]),
      ),
      graph(
        'Function concurrency and duration p99 (ms)',
        fnEntries.flatMap(([role, fn]) => [
          fn
            .metric('ConcurrentExecutions', { period: ONE_MINUTE, statistic: 'Maximum' })
            .with({ label: `${role} concurrency` }),
          fn.metricDuration({ period: ONE_MINUTE, statistic: 'p99' }).with({ label: `${role} p99 ms` }),
        ]),
      ),
    );
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(alarms), width: 24, height: 4 }),
    );
    this.dashboard = dashboard;
  }
}
