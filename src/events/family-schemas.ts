/**
 * zod schemas of the `eventBody` of the typed families besides conversation detail events:
 * user presence, routing status and activity, audits, transcription.
 *
 * Each has exactly the fields of the official SDK model its topic delivers
 * (`purecloud-platform-client-v2`; the model is named in `TOPIC_FAMILIES`), nested models
 * included; `test/events/sdk-conformance.test.ts` compares them field by field with the SDK's
 * `index.d.ts`. As for conversation bodies, every object is *loose* (fields Genesys adds later are
 * kept), and enumerated values — system presence, routing status, audit action and level,
 * transcript channel — are any string: Genesys adds values over time, and an event is never
 * rejected for one. Dates are strings as the SDK types them (ISO 8601 in practice); an
 * unreadable date never rejects an event either, the event's `time` then falls back to
 * `detail.timestamp` (see `parse.ts`).
 *
 * Required beyond the SDK (whose fields are all optional) is only what an event cannot be used
 * without: a presence event's `presenceDefinition.systemPresence` and a routing status event's
 * `routingStatus.status`.
 */
import { z } from 'zod';

/** A string with known values that still accepts values added later. */
type Open<T extends string> = T | (string & {});

/** Known `systemPresence` values (Genesys system presences). */
export const SYSTEM_PRESENCES = [
  'AVAILABLE',
  'AWAY',
  'BUSY',
  'OFFLINE',
  'IDLE',
  'ON_QUEUE',
  'MEAL',
  'TRAINING',
  'MEETING',
  'BREAK',
] as const;
export type SystemPresence = Open<(typeof SYSTEM_PRESENCES)[number]>;

/** Known routing statuses (`routingStatus.status`). */
export const ROUTING_STATUSES = ['OFF_QUEUE', 'IDLE', 'INTERACTING', 'NOT_RESPONDING', 'COMMUNICATING'] as const;
export type RoutingStatus = Open<(typeof ROUTING_STATUSES)[number]>;

/** Known transcript channels: the customer's side and the agent's. */
export const TRANSCRIPT_CHANNELS = ['EXTERNAL', 'INTERNAL'] as const;
export type TranscriptChannel = Open<(typeof TRANSCRIPT_CHANNELS)[number]>;

const text = z.string();
const texts = z.array(z.string());
const number = z.number();
const flag = z.boolean();
const textRecord = z.record(z.string(), z.string());
const openEnum = <T extends string>() => z.string() as unknown as z.ZodType<Open<T>>;
const requiredOpenEnum = <T extends string>() => z.string().min(1) as unknown as z.ZodType<Open<T>>;

// --- user presence: PresenceEventUserPresence ------------------------------------------------

/** `PresenceEventOrganizationPresence` (in `futurePresenceDefinition`: nothing required). */
const organizationPresence = z.looseObject({
  id: text.optional(),
  systemPresence: openEnum<(typeof SYSTEM_PRESENCES)[number]>().optional(),
});

/** `eventBody` of `v2.users.{id}.presence` (SDK `PresenceEventUserPresence`). */
export const UserPresenceBodySchema = z.looseObject({
  source: text.optional(),
  presenceDefinition: z.looseObject({
    id: text.optional(),
    systemPresence: requiredOpenEnum<(typeof SYSTEM_PRESENCES)[number]>(),
  }),
  primary: flag.optional(),
  message: text.optional(),
  modifiedDate: text.optional(),
  futurePresenceDefinition: organizationPresence.optional(),
});
export type UserPresenceBody = z.infer<typeof UserPresenceBodySchema>;

// --- routing status: UserRoutingStatusUserRoutingStatus --------------------------------------

/** `eventBody` of `v2.users.{id}.routingStatus` (SDK `UserRoutingStatusUserRoutingStatus`). */
export const UserRoutingStatusBodySchema = z.looseObject({
  id: text.optional(),
  routingStatus: z.looseObject({
    status: requiredOpenEnum<(typeof ROUTING_STATUSES)[number]>(),
    startTime: text.optional(),
  }),
  errorInfo: z
    .looseObject({
      errorCode: text.optional(),
      status: number.optional(),
      correlationId: text.optional(),
      userMessage: text.optional(),
      userParamsMessage: text.optional(),
      userParams: z
        .array(
          z.looseObject({
            key: text.optional(),
            value: text.optional(),
            additionalProperties: z.record(z.string(), z.unknown()).optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});
export type UserRoutingStatusBody = z.infer<typeof UserRoutingStatusBodySchema>;

// --- user activity: AgentActivityChangedTopicAgentActivity -----------------------------------

/** `eventBody` of `v2.users.{id}.activity` (SDK `AgentActivityChangedTopicAgentActivity`). */
export const UserActivityBodySchema = z.looseObject({
  id: text.optional(),
  routingStatus: z
    .looseObject({ status: openEnum<(typeof ROUTING_STATUSES)[number]>().optional(), startTime: text.optional() })
    .optional(),
  presence: z
    .looseObject({
      presenceDefinition: organizationPresence.optional(),
      presenceMessage: text.optional(),
      modifiedDate: text.optional(),
    })
    .optional(),
  outOfOffice: z.looseObject({ active: flag.optional(), modifiedDate: text.optional() }).optional(),
  activeQueueIds: texts.optional(),
  dateActiveQueuesChanged: text.optional(),
});
export type UserActivityBody = z.infer<typeof UserActivityBodySchema>;

// --- audits: AuditTopicAuditLogMessage --------------------------------------------------------

/** `AuditTopicDomainEntityRef`. */
const domainEntityRef = z.looseObject({ id: text.optional(), name: text.optional(), selfUri: text.optional() });

/** `eventBody` of `v2.audits.entitytype.{id}.entityid.{id}` (SDK `AuditTopicAuditLogMessage`). */
export const AuditBodySchema = z.looseObject({
  id: text.optional(),
  userId: text.optional(),
  userHomeOrgId: text.optional(),
  username: domainEntityRef.optional(),
  userDisplay: text.optional(),
  clientId: z.looseObject({ id: text.optional(), selfUri: text.optional() }).optional(),
  remoteIp: texts.optional(),
  serviceName: text.optional(),
  level: text.optional(),
  eventTime: text.optional(),
  message: z
    .looseObject({
      localizableMessageCode: text.optional(),
      message: text.optional(),
      messageWithParams: text.optional(),
      messageParams: textRecord.optional(),
    })
    .optional(),
  action: text.optional(),
  entityType: text.optional(),
  entity: domainEntityRef.optional(),
  propertyChanges: z
    .array(z.looseObject({ property: text.optional(), oldValues: texts.optional(), newValues: texts.optional() }))
    .optional(),
  context: textRecord.optional(),
});
export type AuditBody = z.infer<typeof AuditBodySchema>;

// --- transcription: TranscriptionTopicTranscriptionMessage ------------------------------------

/** `TranscriptionTopicTranscriptWord`. */
const transcriptWord = z.looseObject({
  confidence: number.optional(),
  startTimeMs: number.optional(),
  offsetMs: number.optional(),
  durationMs: number.optional(),
  word: text.optional(),
});

/** `eventBody` of `v2.conversations.{id}.transcription` (SDK `TranscriptionTopicTranscriptionMessage`). */
export const TranscriptionBodySchema = z.looseObject({
  eventTime: text.optional(),
  organizationId: text.optional(),
  conversationId: text.optional(),
  communicationId: text.optional(),
  sessionStartTimeMs: number.optional(),
  transcriptionStartTimeMs: number.optional(),
  transcripts: z
    .array(
      z.looseObject({
        utteranceId: text.optional(),
        isFinal: flag.optional(),
        channel: openEnum<(typeof TRANSCRIPT_CHANNELS)[number]>().optional(),
        alternatives: z
          .array(
            z.looseObject({
              confidence: number.optional(),
              offsetMs: number.optional(),
              durationMs: number.optional(),
              transcript: text.optional(),
              words: z.array(transcriptWord).optional(),
              decoratedTranscript: text.optional(),
              decoratedWords: z.array(transcriptWord).optional(),
            }),
          )
          .optional(),
        agentAssistantId: text.optional(),
        engineProvider: text.optional(),
        engineId: text.optional(),
        engineName: text.optional(),
        dialect: text.optional(),
        speechTextAnalyticsProgramId: text.optional(),
        agentAssistEnabled: flag.optional(),
        voiceTranscriptionEnabled: flag.optional(),
      }),
    )
    .optional(),
  status: z.looseObject({ offsetMs: number.optional(), status: text.optional() }).optional(),
  speechTextAnalyticsProgramId: text.optional(),
});
export type TranscriptionBody = z.infer<typeof TranscriptionBodySchema>;

/** The body schema of each typed family other than conversation, by kind. */
export const FAMILY_BODY_SCHEMAS = {
  'user-presence': UserPresenceBodySchema,
  'user-routing-status': UserRoutingStatusBodySchema,
  'user-activity': UserActivityBodySchema,
  audit: AuditBodySchema,
  transcription: TranscriptionBodySchema,
} as const;

/** A typed kind with a schema of its own here (every typed kind but `conversation`). */
export type FamilyKind = keyof typeof FAMILY_BODY_SCHEMAS;
