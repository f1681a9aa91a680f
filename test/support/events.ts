/** Hand-built Genesys events for unit tests (the simulator builds realistic streams). */
import { concreteConversationTopic, genericConversationTopic } from '../../src/events/index.js';
import type { ConversationTopic } from '../../src/events/index.js';

export const ORG_ID = 'b0e1c2d3-0000-4000-8000-00000000abcd';
export const SOURCE = `aws.partner/genesys.com/cloud/${ORG_ID}/test-suffix`;
export const CONVERSATION_ID = '5f1c2d3e-4a5b-4c6d-8e7f-9a8b7c6d5e4f';

/** A valid EventBridge envelope of a conversation detail event; override any part. */
export function conversationEvent(
  topic: ConversationTopic,
  body: Record<string, unknown> = {},
  envelope: Record<string, unknown> = {},
): Record<string, unknown> {
  const conversationId = (body.conversationId as string | undefined) ?? CONVERSATION_ID;
  return {
    version: '0',
    id: '0d3f7a10-6f5e-4f3b-9a51-8f2d6c1b2a01',
    'detail-type': genericConversationTopic(topic),
    source: SOURCE,
    account: '123456789012',
    time: '2026-01-01T12:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: {
      topicName: concreteConversationTopic(topic, conversationId),
      version: '2',
      eventBody: {
        eventTime: 1767268800000,
        conversationId,
        participantId: 'a1b2c3d4-0000-4000-8000-000000000001',
        sessionId: 'a1b2c3d4-0000-4000-8000-000000000002',
        mediaType: 'VOICE',
        direction: 'INBOUND',
        ...body,
      },
      metadata: { CorrelationId: 'c0rre1a7-0000-4000-8000-000000000003' },
      timestamp: '2026-01-01T12:00:00.123Z',
    },
    ...envelope,
  };
}

export const USER_ID = '278522be-1683-4877-8257-4164a177be89';
export const QUEUE_ID = '7c1e5a3b-2d4f-4a6b-8c9d-0e1f2a3b4c5d';

/** An EventBridge envelope of any Genesys topic: `detail-type` the generic name, `detail.topicName` the concrete one. */
export function genesysEvent(
  genericTopic: string,
  topicName: string,
  eventBody: Record<string, unknown>,
  envelope: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    version: '0',
    id: '4cbedb0f-4dfd-4c8e-9e57-0acded092527',
    'detail-type': genericTopic,
    source: SOURCE,
    account: '123456789012',
    time: '2026-01-01T12:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: {
      topicName,
      version: '2',
      eventBody,
      metadata: { CorrelationId: 'b61df0b3-9e33-444b-a455-1c92a33ef4e2' },
      timestamp: '2026-01-01T12:00:00.435Z',
    },
    ...envelope,
  };
}

/** `v2.users.{id}.presence` with every field of the SDK's `PresenceEventUserPresence`; override any. */
export function presenceEvent(body: Record<string, unknown> = {}, userId = USER_ID): Record<string, unknown> {
  return genesysEvent('v2.users.{id}.presence', `v2.users.${userId}.presence`, {
    source: 'PURECLOUD',
    presenceDefinition: { id: '6a3af858-942f-489d-9700-5f9bcdcdae9b', systemPresence: 'AVAILABLE' },
    primary: true,
    message: '',
    modifiedDate: '2026-01-01T11:59:58.120Z',
    futurePresenceDefinition: { id: 'e08eaf1b-ee47-4fa9-a231-1200e284798f', systemPresence: 'ON_QUEUE' },
    ...body,
  });
}

/** `v2.users.{id}.routingStatus` with every field of the SDK's `UserRoutingStatusUserRoutingStatus`; override any. */
export function routingStatusEvent(body: Record<string, unknown> = {}, userId = USER_ID): Record<string, unknown> {
  return genesysEvent('v2.users.{id}.routingStatus', `v2.users.${userId}.routingStatus`, {
    id: userId,
    routingStatus: { status: 'IDLE', startTime: '2026-01-01T11:59:59.500Z' },
    errorInfo: {
      errorCode: 'none',
      status: 200,
      correlationId: 'c0rre1a7-0000-4000-8000-000000000009',
      userMessage: '',
      userParamsMessage: '',
      userParams: [{ key: 'k', value: 'v', additionalProperties: { any: { thing: 1 } } }],
    },
    ...body,
  });
}

/** `v2.users.{id}.activity` with every field of the SDK's `AgentActivityChangedTopicAgentActivity`; override any. */
export function activityEvent(body: Record<string, unknown> = {}, userId = USER_ID): Record<string, unknown> {
  return genesysEvent('v2.users.{id}.activity', `v2.users.${userId}.activity`, {
    id: userId,
    routingStatus: { status: 'INTERACTING', startTime: '2026-01-01T12:00:05.000Z' },
    presence: {
      presenceDefinition: { id: 'e08eaf1b-ee47-4fa9-a231-1200e284798f', systemPresence: 'ON_QUEUE' },
      presenceMessage: 'Taking calls',
      modifiedDate: '2026-01-01T11:59:59.000Z',
    },
    outOfOffice: { active: false, modifiedDate: '2025-12-20T09:00:00.000Z' },
    activeQueueIds: [QUEUE_ID],
    dateActiveQueuesChanged: '2026-01-01T11:59:59.000Z',
    ...body,
  });
}

/**
 * `v2.audits.entitytype.{id}.entityid.{id}` with every field of the SDK's `AuditTopicAuditLogMessage`
 * (the shape of the audit event captured in Genesys's user-presence EventBridge blueprint); override any.
 */
export function auditEvent(
  body: Record<string, unknown> = {},
  entityType = 'Queue',
  entityId = QUEUE_ID,
): Record<string, unknown> {
  return genesysEvent(
    'v2.audits.entitytype.{id}.entityid.{id}',
    `v2.audits.entitytype.${entityType}.entityid.${entityId}`,
    {
      id: 'b8775049-2993-450d-97d7-5d7c784d7cc9',
      userId: USER_ID,
      userHomeOrgId: ORG_ID,
      username: { id: USER_ID, name: 'Ann Admin', selfUri: `/api/v2/users/${USER_ID}` },
      userDisplay: 'Ann Admin',
      clientId: { id: 'e4a3b2c1-0000-4000-8000-000000000011', selfUri: '/api/v2/oauth/clients/e4a3' },
      remoteIp: ['203.0.113.7'],
      serviceName: 'Routing',
      level: 'USER',
      eventTime: '2026-01-01T11:58:00.000Z',
      message: {
        localizableMessageCode: 'queue.updated',
        message: 'Queue updated',
        messageWithParams: 'Queue {name} updated',
        messageParams: { name: 'Billing' },
      },
      action: 'Update',
      entityType,
      entity: { id: entityId, name: 'Billing', selfUri: `/api/v2/routing/queues/${entityId}` },
      propertyChanges: [{ property: 'acwTimeoutMs', oldValues: ['60000'], newValues: ['90000'] }],
      context: { divisionId: 'd1' },
      ...body,
    },
  );
}

/** `v2.conversations.{id}.transcription` with every field of the SDK's `TranscriptionTopicTranscriptionMessage`; override any. */
export function transcriptionEvent(
  body: Record<string, unknown> = {},
  conversationId = CONVERSATION_ID,
): Record<string, unknown> {
  const word = { confidence: 0.91, startTimeMs: 1767268801200, offsetMs: 1200, durationMs: 300, word: 'hello' };
  return genesysEvent('v2.conversations.{id}.transcription', `v2.conversations.${conversationId}.transcription`, {
    eventTime: '2026-01-01T12:00:04.128Z',
    organizationId: ORG_ID,
    conversationId,
    communicationId: 'a1b2c3d4-0000-4000-8000-000000000002',
    sessionStartTimeMs: 1767268800000,
    transcriptionStartTimeMs: 1767268799950,
    transcripts: [
      {
        utteranceId: '5b778cb0-0000-4000-8000-000000000001',
        isFinal: true,
        channel: 'EXTERNAL',
        alternatives: [
          {
            confidence: 0.91,
            offsetMs: 1200,
            durationMs: 2400,
            transcript: 'hello i have a question about my bill',
            words: [word],
            decoratedTranscript: 'Hello, I have a question about my bill.',
            decoratedWords: [word],
          },
        ],
        agentAssistantId: 'aa1',
        engineProvider: 'GENESYS',
        engineId: 'engine-1',
        engineName: 'Genesys',
        dialect: 'en-US',
        speechTextAnalyticsProgramId: 'p1',
        agentAssistEnabled: false,
        voiceTranscriptionEnabled: true,
      },
    ],
    status: { offsetMs: 0, status: 'SESSION_ONGOING' },
    speechTextAnalyticsProgramId: 'p1',
    ...body,
  });
}
