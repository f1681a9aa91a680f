/**
 * The rule target of `direct` mode: a state machine run once per event, as EventBridge starts
 * one execution per matching event.
 *
 * On AWS the rule's target call is `StartExecution` of a Standard workflow, whose executions are
 * durable. Locally an execution lives in this process, so the delivery counts as made only when
 * the execution has ended: succeeded, or failed after the failure recorder dead-lettered the
 * event (the `Fail` state the definition ends in then). Anything else — a Lambda throttle that
 * outlasted the execution's retries (the `Throttled` state: never dead-lettered), the failure
 * recorder itself failing, a crash — leaves the delivery to the bus, which retries it by the
 * target's `RetryPolicy` and finally sends the event to the target's dead-letter queue. (On AWS
 * the failed Standard execution keeps the event, to be redriven.)
 */
import type { BusTarget, EventBridgeEvent } from '../eventbridge/index.js';
import { TargetDeliveryError } from '../eventbridge/index.js';
import type { JsonValue } from '../workflow/index.js';
import type { Executions } from './executions.js';

/**
 * @example
 * eb.putTargets({ Rule: 'genesys', EventBusName, Targets: [{ Id: 'state-machine',
 *   target: stateMachineTarget(arn, executions),
 *   RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 }, DeadLetterConfig: { queue: dlq } }] });
 */
export function stateMachineTarget(
  arn: string,
  executions: Pick<Executions, 'execute'>,
  now: () => number = Date.now,
): BusTarget {
  return {
    arn,
    async deliver(body: string, event: EventBridgeEvent): Promise<void> {
      let input: JsonValue;
      try {
        input = JSON.parse(body) as JsonValue;
      } catch (error) {
        throw new TargetDeliveryError('INVALID_JSON', `The target input is not JSON: ${(error as Error).message}`, {
          retryable: false,
        });
      }
      const reply = await executions.execute(input, [{ id: event.id, acceptedAt: now() }]);
      if (reply.ok || reply.deadLettered) return; // succeeded, or dead-lettered with its reason by the workflow itself
      const code = reply.error === 'Lambda.TooManyRequestsException' ? 'THROTTLING' : 'ERROR_FROM_TARGET';
      throw new TargetDeliveryError(code, `Execution failed with ${reply.error}: ${reply.message}`);
    },
  };
}
