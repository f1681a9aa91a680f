/**
 * The EventBridge envelope of a Genesys event, as Genesys delivers it through its partner event
 * source (see ERRATA.md):
 *
 * ```json
 * {"version":"0","id":"…","detail-type":"v2.detail.events.conversation.{id}.acd.end",
 *  "source":"aws.partner/genesys.com/cloud/<orgId>/<suffix>","account":"…","time":"2026-01-01T12:00:00Z",
 *  "region":"us-east-1","resources":[],
 *  "detail":{"topicName":"v2.detail.events.conversation.<conversationId>.acd.end","version":"2",
 *            "eventBody":{…},"metadata":{"CorrelationId":"…"},"timestamp":"2026-01-01T12:00:00.123Z"}}
 * ```
 *
 * Lines are assembled from pre-serialized parts (the constant fields are serialized once), which
 * is several times faster than `JSON.stringify` of the whole envelope and gives the same text.
 */
import { CONVERSATION_TOPIC_PREFIX } from '../events/index.js';
import type { ConversationTopic } from '../events/index.js';
import { partnerEventSourceName } from '../genesys/partner-event-source.js';

const DETAIL_HEAD = `{"topicName":"${CONVERSATION_TOPIC_PREFIX}`;
const DETAIL_BODY = '","version":"2","eventBody":';
const DETAIL_METADATA = ',"metadata":{"CorrelationId":"';
const DETAIL_END = '"}}';
const DETAIL_TIMESTAMP = '"},"timestamp":"';
const DETAIL_TIMESTAMP_END = '"}';
const LINE_HEAD = '{"version":"0","id":"';
const LINE_DETAIL_TYPE = '","detail-type":"';

/** Builds envelope lines for one org, account and region. */
export class EnvelopeBuilder {
  /** The partner event source name. */
  readonly source: string;
  private readonly afterDetailType: string;
  private readonly afterTime: string;
  private cachedSecond = Number.NaN;
  private cachedSecondIso = '';
  private cachedMillisSecond = Number.NaN;
  private cachedMillisPrefix = '';

  constructor(options: { orgId: string; suffix: string; account: string; region: string }) {
    this.source = partnerEventSourceName(options.orgId, options.suffix);
    this.afterDetailType = `","source":${JSON.stringify(this.source)},"account":${JSON.stringify(options.account)},"time":"`;
    this.afterTime = `","region":${JSON.stringify(options.region)},"resources":[],"detail":`;
  }

  /**
   * The `detail` JSON text of a conversation event.
   *
   * @param eventBody the event body, already JSON text
   * @param timestampMs `detail.timestamp` (ISO, ms precision), or `undefined` when absent
   */
  detail(
    topic: ConversationTopic,
    conversationId: string,
    eventBody: string,
    correlationId: string,
    timestampMs: number | undefined,
  ): string {
    // One join: a flat string, cheaper to keep and to write than a tree of concatenations.
    const parts = [DETAIL_HEAD, conversationId, '.', topic, DETAIL_BODY, eventBody, DETAIL_METADATA, correlationId];
    if (timestampMs === undefined) parts.push(DETAIL_END);
    else parts.push(DETAIL_TIMESTAMP, this.isoMillis(timestampMs), DETAIL_TIMESTAMP_END);
    return parts.join('');
  }

  /**
   * The `detail` JSON text of an event of any topic.
   *
   * @param topicName `detail.topicName`: the concrete topic (no character needs escaping)
   * @param eventBody the event body, already JSON text
   */
  detailOf(topicName: string, eventBody: string, correlationId: string, timestampMs: number | undefined): string {
    const parts = ['{"topicName":"', topicName, DETAIL_BODY, eventBody, DETAIL_METADATA, correlationId];
    if (timestampMs === undefined) parts.push(DETAIL_END);
    else parts.push(DETAIL_TIMESTAMP, this.isoMillis(timestampMs), DETAIL_TIMESTAMP_END);
    return parts.join('');
  }

  /**
   * The envelope line of a conversation event: the same text as
   * `line(id, genericTopic, timeMs, detail(topic, conversationId, eventBody, correlationId, timestampMs))`,
   * built in one step.
   */
  conversationLine(
    id: string,
    topic: ConversationTopic,
    timeMs: number,
    conversationId: string,
    eventBody: string,
    correlationId: string,
    timestampMs: number | undefined,
  ): string {
    const parts = [
      LINE_HEAD,
      id,
      LINE_DETAIL_TYPE,
      CONVERSATION_TOPIC_PREFIX,
      '{id}.',
      topic,
      this.afterDetailType,
      this.isoSeconds(timeMs),
      this.afterTime,
      DETAIL_HEAD,
      conversationId,
      '.',
      topic,
      DETAIL_BODY,
      eventBody,
      DETAIL_METADATA,
      correlationId,
    ];
    if (timestampMs === undefined) parts.push(DETAIL_END, '}');
    else parts.push(DETAIL_TIMESTAMP, this.isoMillis(timestampMs), DETAIL_TIMESTAMP_END, '}');
    return parts.join('');
  }

  /**
   * One envelope line.
   *
   * @param id envelope `id` (a UUID)
   * @param detailType `detail-type`: the generic topic name
   * @param timeMs delivery time; `time` is written at seconds precision, as EventBridge does
   * @param detail the `detail` JSON text
   */
  line(id: string, detailType: string, timeMs: number, detail: string): string {
    return [
      LINE_HEAD,
      id,
      LINE_DETAIL_TYPE,
      detailType,
      this.afterDetailType,
      this.isoSeconds(timeMs),
      this.afterTime,
      detail,
      '}',
    ].join('');
  }

  /** `2026-01-01T12:00:00.123Z` (as `Date.prototype.toISOString`, for times from 1970 to 9999). */
  isoMillis(timeMs: number): string {
    const second = Math.floor(timeMs / 1000);
    if (second !== this.cachedMillisSecond) {
      this.cachedMillisSecond = second;
      this.cachedMillisPrefix = new Date(second * 1000).toISOString().slice(0, 20);
    }
    const ms = timeMs - second * 1000;
    return `${this.cachedMillisPrefix}${ms < 10 ? '00' : ms < 100 ? '0' : ''}${ms}Z`;
  }

  /** `2026-01-01T12:00:00Z` for any time within that second. */
  isoSeconds(timeMs: number): string {
    const second = Math.floor(timeMs / 1000);
    if (second !== this.cachedSecond) {
      this.cachedSecond = second;
      this.cachedSecondIso = `${new Date(second * 1000).toISOString().slice(0, 19)}Z`;
    }
    return this.cachedSecondIso;
  }
}
