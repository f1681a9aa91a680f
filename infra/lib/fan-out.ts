/**
 * The fan-out bus on AWS: the construct's `fanOut` prop. The processor's fan-out sink
 * (`src/processing/sinks/event-bus.ts`) publishes every new event to an EventBridge custom bus
 * — one the construct creates, or yours — so that other teams subscribe with ordinary rules
 * (docs/processing.md, "Fan-out to an event bus"). The processor may `events:PutEvents` on that
 * bus alone, with the pipeline's `source` alone; an alarm fires when entries fail to publish.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { atLeastOneAlarm } from './alarms.js';
import { FAN_OUT_FAILED_METRIC, FAN_OUT_SOURCE } from '../../src/processing/sinks/event-bus.js';

/** The `fanOut` prop of `GenesysEventPipeline`. */
export interface FanOutProps {
  /**
   * The custom bus to publish to: an existing bus (`events.EventBus.fromEventBusName(…)`, or one
   * of your stack), or `{ name }` for a bus the construct creates with that name.
   * @default a bus the construct creates (CloudFormation names it)
   */
  readonly eventBus?: events.IEventBus | { readonly name: string };
}

/** Checks the `fanOut` prop; returns it, or undefined when there is none. */
export function checkFanOut(fanOut: FanOutProps | undefined, problems: string[]): FanOutProps | undefined {
  if (fanOut === undefined) return undefined;
  const bus = fanOut.eventBus;
  if (bus !== undefined && !isEventBus(bus)) {
    const name = (bus as { name?: unknown }).name;
    if (typeof name !== 'string' || !/^[/.\-_A-Za-z0-9]{1,256}$/.test(name) || name === 'default')
      problems.push(
        `fanOut.eventBus.name ${JSON.stringify(name)}: a custom bus name is 1–256 letters, digits, ".", "-", "_" or "/", and not "default" (publish to your own bus with an IEventBus instead).`,
      );
  }
  return fanOut;
}

function isEventBus(bus: unknown): bus is events.IEventBus {
  return typeof bus === 'object' && bus !== null && 'eventBusArn' in bus;
}

/** What {@link FanOutBus} needs besides the prop. */
export interface FanOutBusOptions {
  /** Namespace and `service` dimension of the processor's Powertools metrics. */
  readonly powertools: { readonly namespace: string; readonly serviceName: string };
  /** Notified on ALARM and OK. */
  readonly alarmTopic?: ITopic;
}

/** The fan-out bus, the grant to publish to it, and the alarm on failed publishes. */
export class FanOutBus extends Construct {
  /** The bus the processor publishes to. */
  readonly eventBus: events.IEventBus;
  /** Fan-out entries failed (dead-lettered for the sink, or still failing after its retries). */
  readonly failedEntriesAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: FanOutProps, options: FanOutBusOptions) {
    super(scope, id);
    const given = props.eventBus;
    this.eventBus = isEventBus(given)
      ? given
      : new events.EventBus(this, 'EventBus', {
          ...(given ? { eventBusName: given.name } : {}),
          description:
            'Genesys events re-published by the pipeline (source genesys-event-pipeline, detail-type the family)',
        });
    this.failedEntriesAlarm = atLeastOneAlarm(
      this,
      'FailedEntries',
      new cloudwatch.Metric({
        namespace: options.powertools.namespace,
        metricName: FAN_OUT_FAILED_METRIC,
        dimensionsMap: { service: options.powertools.serviceName },
        period: Duration.minutes(1),
        statistic: 'Sum',
      }),
      'Events were not published to the fan-out bus: rejected (dead-lettered for the sink "fan-out", with the reason) or still throttled after the sink\'s retries (retried by the pipeline). Inspect the dead letters, fix, then redrive with --sink fan-out (docs/processing.md).',
      options.alarmTopic,
    );
  }

  /** Lets `grantee` put events on this bus alone, with the pipeline's `source` alone. */
  grantPublish(grantee: iam.IGrantable): void {
    iam.Grant.addToPrincipal({
      grantee,
      actions: ['events:PutEvents'],
      resourceArns: [this.eventBus.eventBusArn],
      conditions: { StringEquals: { 'events:source': FAN_OUT_SOURCE } },
    });
  }
}
