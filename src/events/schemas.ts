/**
 * zod schemas for Genesys Cloud events as EventBridge delivers them.
 *
 * The `eventBody` of each of the 16 conversation detail topics has exactly the fields the
 * official Genesys SDK (`purecloud-platform-client-v2`, e.g. `AcdEndDetailEventTopicAcdEndEvent`)
 * types for it; a test compares them with the SDK's `index.d.ts`. Every object schema is
 * *loose*: fields Genesys adds later are kept, never stripped. Enumerated values (media type,
 * disconnect type, …) are typed as their known values but accepted as any string, because
 * Genesys adds values over time and an event must not be dead-lettered for that.
 */
import { z } from 'zod';
import type { ConversationTopic } from './topics.js';

/** A string with known values that still accepts values added later. */
type Open<T extends string> = T | (string & {});

/** Known `mediaType` values (SDK enum `MediaType`). */
export const MEDIA_TYPES = [
  'VOICE',
  'CHAT',
  'EMAIL',
  'CALLBACK',
  'COBROWSE',
  'VIDEO',
  'SCREENSHARE',
  'MESSAGE',
  'INTERNALMESSAGE',
  'SCREENMONITORING',
  'UNKNOWN',
] as const;
export type MediaType = Open<(typeof MEDIA_TYPES)[number]>;

/** Known `direction` values. */
export const DIRECTIONS = ['INBOUND', 'OUTBOUND', 'UNKNOWN'] as const;
export type Direction = Open<(typeof DIRECTIONS)[number]>;

/** Known `acdOutcome` values of `acd.end` (SDK enum `AcdOutcome`). */
export const ACD_OUTCOMES = ['ANSWERED', 'ABANDON', 'FLOW_OUT', 'UNKNOWN'] as const;
export type AcdOutcome = Open<(typeof ACD_OUTCOMES)[number]>;

/** Known `disconnectType` values (SDK enum `DisconnectType`). */
export const DISCONNECT_TYPES = [
  'ENDPOINT',
  'CLIENT',
  'SYSTEM',
  'TRANSFER',
  'ERROR',
  'PEER',
  'OTHER',
  'SPAM',
  'TIMEOUT',
  'TRANSPORT_FAILURE',
  'CONFERENCE_TRANSFER',
  'CONSULT_TRANSFER',
  'FORWARD_TRANSFER',
  'NO_ANSWER_TRANSFER',
  'NOT_AVAILABLE_TRANSFER',
  'UNCALLABLE',
  'DND_ENDPOINT',
  'DND_TRANSFER',
  'INACTIVITY',
  'SESSION_EXPIRED',
  'UNKNOWN',
] as const;
export type DisconnectType = Open<(typeof DISCONNECT_TYPES)[number]>;

/** Known `messageType` values (for mediaType MESSAGE). */
export const MESSAGE_TYPES = [
  'SMS',
  'TWITTER',
  'FACEBOOK',
  'LINE',
  'WHATSAPP',
  'WEBMESSAGING',
  'OPEN',
  'INSTAGRAM',
  'APPLE',
  'UNKNOWN',
] as const;
export type MessageType = Open<(typeof MESSAGE_TYPES)[number]>;

const text = z.string();
const texts = z.array(z.string());
const integer = z.number().int();
const durationMs = z.number().int().nonnegative();
const epochMs = z.number().int().nonnegative();
const openEnum = <T extends string>() => z.string() as unknown as z.ZodType<Open<T>>;

/**
 * Every field of a conversation detail event body, with its type. `eventTime` and
 * `conversationId` are required: without them an event cannot be placed in its conversation.
 */
const FIELDS = {
  eventTime: epochMs,
  conversationId: z.string().min(1),
  participantId: text.optional(),
  sessionId: text.optional(),
  disconnectType: openEnum<(typeof DISCONNECT_TYPES)[number]>().optional(),
  mediaType: openEnum<(typeof MEDIA_TYPES)[number]>().optional(),
  provider: text.optional(),
  direction: openEnum<(typeof DIRECTIONS)[number]>().optional(),
  ani: text.optional(),
  dnis: text.optional(),
  addressTo: text.optional(),
  addressFrom: text.optional(),
  callbackUserName: text.optional(),
  callbackNumbers: texts.optional(),
  callbackScheduledTime: epochMs.optional(),
  subject: text.optional(),
  messageType: openEnum<(typeof MESSAGE_TYPES)[number]>().optional(),
  externalOrganizationId: text.optional(),
  externalContactId: text.optional(),
  queueId: text.optional(),
  divisionId: text.optional(),
  userId: text.optional(),
  acdOutcome: openEnum<(typeof ACD_OUTCOMES)[number]>().optional(),
  answeredUserId: text.optional(),
  requestedRoutings: texts.optional(),
  usedRouting: text.optional(),
  requestedRoutingSkillIds: texts.optional(),
  requestedSkillExpressionIds: texts.optional(),
  skillExpressionApplied: z.boolean().optional(),
  requestedLanguageId: text.optional(),
  requestedRoutingUserIds: texts.optional(),
  routingPriority: integer.optional(),
  connectedDurationMs: durationMs.optional(),
  interactingDurationMs: durationMs.optional(),
  heldDurationMs: durationMs.optional(),
  alertingDurationMs: durationMs.optional(),
  contactingDurationMs: durationMs.optional(),
  dialingDurationMs: durationMs.optional(),
  callbackDurationMs: durationMs.optional(),
  voicemailDurationMs: durationMs.optional(),
  wrapupCode: text.optional(),
  wrapupNotes: text.optional(),
  wrapupDurationMs: durationMs.optional(),
  flowType: text.optional(),
  flowId: text.optional(),
  flowVersion: text.optional(),
  exitReason: text.optional(),
  transferType: text.optional(),
  flowOutcomeId: text.optional(),
  flowOutcomeStartTime: epochMs.optional(),
  flowOutcomeEndTime: epochMs.optional(),
  flowOutcomeValue: text.optional(),
  flowMilestones: z
    .array(z.looseObject({ milestoneId: text.optional(), milestoneTime: epochMs.optional() }))
    .optional(),
  journeyContext: z
    .looseObject({
      sessionId: text.optional(),
      sessionIdType: text.optional(),
      actionId: text.optional(),
      actionMapId: text.optional(),
    })
    .optional(),
  attributes: z.record(z.string(), z.string()).optional(),
  communications: z.array(z.looseObject({ id: text.optional(), mediaType: text.optional() })).optional(),
  outboundCampaignId: text.optional(),
  outboundContactListId: text.optional(),
  outboundContactId: text.optional(),
  conversationExternalContactIds: texts.optional(),
  conversationExternalOrganizationIds: texts.optional(),
  utilizationLabel: text.optional(),
};

type FieldName = keyof typeof FIELDS;

function body<const K extends FieldName>(names: readonly K[]) {
  const shape = {} as { [P in K]: (typeof FIELDS)[P] };
  for (const name of names) (shape as Record<string, unknown>)[name] = FIELDS[name];
  return z.looseObject(shape);
}

// Field groups shared by most topics (in the SDK's order).
const ROUTED = [
  'eventTime',
  'conversationId',
  'participantId',
  'sessionId',
  'mediaType',
  'provider',
  'direction',
  'ani',
  'dnis',
  'addressTo',
  'addressFrom',
] as const;
const CALLBACK = ['callbackUserName', 'callbackNumbers', 'callbackScheduledTime'] as const;
const MEDIA = ['subject', 'messageType'] as const;
const EXTERNAL = ['conversationExternalContactIds', 'conversationExternalOrganizationIds', 'utilizationLabel'] as const;
const FLOW = ['flowType', 'flowId', 'divisionId', 'flowVersion'] as const;

/** The `eventBody` schema of each conversation detail topic. */
export const CONVERSATION_BODY_SCHEMAS = {
  'customer.start': body([
    ...ROUTED,
    ...CALLBACK,
    ...MEDIA,
    ...EXTERNAL,
    'externalOrganizationId',
    'externalContactId',
    'journeyContext',
    'divisionId',
  ]),
  'customer.end': body([
    ...ROUTED,
    ...CALLBACK,
    ...MEDIA,
    ...EXTERNAL,
    'disconnectType',
    'externalOrganizationId',
    'externalContactId',
    'interactingDurationMs',
    'divisionId',
  ]),
  'flow.start': body([...ROUTED, ...MEDIA, ...FLOW, ...EXTERNAL]),
  'flow.end': body([
    ...ROUTED,
    ...MEDIA,
    ...FLOW,
    ...EXTERNAL,
    'disconnectType',
    'connectedDurationMs',
    'exitReason',
    'transferType',
  ]),
  'flow.outcome': body([
    ...ROUTED,
    ...MEDIA,
    ...FLOW,
    ...EXTERNAL,
    'flowOutcomeId',
    'flowOutcomeStartTime',
    'flowOutcomeEndTime',
    'flowOutcomeValue',
    'flowMilestones',
  ]),
  'acd.start': body([
    ...ROUTED,
    ...CALLBACK,
    ...MEDIA,
    ...EXTERNAL,
    'queueId',
    'divisionId',
    'routingPriority',
    'requestedRoutingSkillIds',
    'skillExpressionApplied',
  ]),
  'acd.end': body([
    ...ROUTED,
    ...CALLBACK,
    ...MEDIA,
    ...EXTERNAL,
    'disconnectType',
    'queueId',
    'divisionId',
    'acdOutcome',
    'answeredUserId',
    'requestedRoutings',
    'usedRouting',
    'requestedRoutingSkillIds',
    'requestedSkillExpressionIds',
    'requestedLanguageId',
    'requestedRoutingUserIds',
    'routingPriority',
    'connectedDurationMs',
    'flowType',
  ]),
  'user.start': body([...ROUTED, ...CALLBACK, ...MEDIA, ...EXTERNAL, 'userId', 'divisionId', 'queueId']),
  'user.end': body([
    ...ROUTED,
    ...CALLBACK,
    ...MEDIA,
    ...EXTERNAL,
    'disconnectType',
    'userId',
    'divisionId',
    'queueId',
    'interactingDurationMs',
    'heldDurationMs',
    'alertingDurationMs',
    'contactingDurationMs',
    'dialingDurationMs',
    'callbackDurationMs',
  ]),
  attributes: body([
    'eventTime',
    'conversationId',
    'participantId',
    'attributes',
    'conversationExternalContactIds',
    'conversationExternalOrganizationIds',
    'communications',
  ]),
  acw: body([
    ...ROUTED,
    ...CALLBACK,
    ...MEDIA,
    ...EXTERNAL,
    'userId',
    'queueId',
    'wrapupCode',
    'wrapupNotes',
    'wrapupDurationMs',
  ]),
  wrapup: body([
    ...ROUTED,
    ...CALLBACK,
    ...MEDIA,
    ...EXTERNAL,
    'queueId',
    'wrapupCode',
    'wrapupNotes',
    'wrapupDurationMs',
  ]),
  contact: body([
    ...ROUTED,
    ...CALLBACK,
    ...MEDIA,
    ...EXTERNAL,
    'externalOrganizationId',
    'externalContactId',
    'divisionId',
  ]),
  outbound: body([
    ...ROUTED,
    ...MEDIA,
    ...EXTERNAL,
    'outboundCampaignId',
    'divisionId',
    'outboundContactListId',
    'outboundContactId',
  ]),
  'voicemail.start': body([
    'eventTime',
    'conversationId',
    'participantId',
    'sessionId',
    'mediaType',
    'provider',
    'direction',
    'ani',
    'dnis',
    'userId',
    'queueId',
    'divisionId',
    ...EXTERNAL,
  ]),
  'voicemail.end': body([
    'eventTime',
    'conversationId',
    'participantId',
    'sessionId',
    'disconnectType',
    'mediaType',
    'provider',
    'direction',
    'ani',
    'dnis',
    'userId',
    'queueId',
    'divisionId',
    'voicemailDurationMs',
    ...EXTERNAL,
  ]),
} satisfies Record<ConversationTopic, z.ZodType>;

/** The typed `eventBody` of conversation detail topic `T` (unknown fields kept). */
export type ConversationEventBody<T extends ConversationTopic = ConversationTopic> = z.infer<
  (typeof CONVERSATION_BODY_SCHEMAS)[T]
>;

/** The Genesys partner event source: `aws.partner/genesys.com/cloud/<orgId>/<suffix>`. */
export const PARTNER_SOURCE_PATTERN = /^aws\.partner\/genesys\.com\/cloud\/([^/]+)\/([A-Za-z0-9._-]{1,64})$/;

/** `detail` of a Genesys event. */
export const DetailSchema = z.looseObject({
  topicName: z.string().min(1),
  version: z.string(),
  eventBody: z.record(z.string(), z.unknown()),
  metadata: z.looseObject({ CorrelationId: z.string().optional() }).optional(),
  timestamp: z.iso.datetime({ offset: true }).optional(),
});

/** The EventBridge envelope of a Genesys event (unknown fields kept). */
export const EnvelopeSchema = z.looseObject({
  version: z.string(),
  id: z.string().min(1),
  'detail-type': z.string().min(1),
  source: z
    .string()
    .regex(PARTNER_SOURCE_PATTERN, 'the Genesys partner event source "aws.partner/genesys.com/cloud/<orgId>/<suffix>"'),
  account: z.string(),
  time: z.iso.datetime({ offset: true }),
  region: z.string(),
  resources: z.array(z.string()),
  detail: DetailSchema,
});

/** A validated EventBridge envelope of a Genesys event. */
export type GenesysEnvelope = z.infer<typeof EnvelopeSchema>;
