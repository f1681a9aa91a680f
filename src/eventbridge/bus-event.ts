/**
 * The event as EventBridge builds it from a PutEvents entry and delivers it to targets, and the
 * ARNs the local bus uses. Field order is AWS's (it shows in the JSON a target receives).
 */

/** An event on an event bus, as delivered to a target. */
export interface EventBridgeEvent {
  version: '0';
  /** A UUID assigned when the bus accepted the entry. */
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  /** `YYYY-MM-DDTHH:MM:SSZ`: the entry's `Time`, or when it was accepted. */
  time: string;
  region: string;
  /** Present only on an event re-sent by a replay: the replay's name. */
  'replay-name'?: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** Formats epoch milliseconds as EventBridge's `time`: ISO 8601, whole seconds, `Z`. */
export function formatEventTime(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Builds the event object with AWS's field order. */
export function buildEvent(fields: {
  id: string;
  detailType: string;
  source: string;
  account: string;
  time: string;
  region: string;
  replayName?: string;
  resources: string[];
  detail: Record<string, unknown>;
}): EventBridgeEvent {
  const event: EventBridgeEvent = {
    version: '0',
    id: fields.id,
    'detail-type': fields.detailType,
    source: fields.source,
    account: fields.account,
    time: fields.time,
    region: fields.region,
  } as EventBridgeEvent;
  if (fields.replayName !== undefined) event['replay-name'] = fields.replayName;
  event.resources = fields.resources;
  event.detail = fields.detail;
  return event;
}

/** `arn:aws:events:<region>:<account>:event-bus/<name>`. */
export function eventBusArn(region: string, account: string, busName: string): string {
  return `arn:aws:events:${region}:${account}:event-bus/${busName}`;
}

/** A rule's ARN: `…:rule/<name>` on the default bus, `…:rule/<bus>/<name>` on any other. */
export function ruleArn(region: string, account: string, busName: string, ruleName: string): string {
  return `arn:aws:events:${region}:${account}:rule/${busName === 'default' ? '' : `${busName}/`}${ruleName}`;
}

/** The bus name of an `EventBusName` parameter, which may be a name or an event bus ARN. */
export function busNameOf(nameOrArn: string): string {
  const marker = ':event-bus/';
  const at = nameOrArn.startsWith('arn:') ? nameOrArn.indexOf(marker) : -1;
  return at >= 0 ? nameOrArn.slice(at + marker.length) : nameOrArn;
}
