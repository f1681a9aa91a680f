/**
 * The event bodies of the families besides conversation detail events, as Genesys publishes them:
 * each fills the fields of the SDK model its topic delivers (`PresenceEventUserPresence`,
 * `UserRoutingStatusUserRoutingStatus`, `AgentActivityChangedTopicAgentActivity`,
 * `AuditTopicAuditLogMessage`, `TranscriptionTopicTranscriptionMessage`) in the SDK's field order,
 * with the values a real org sends (the audit of a presence change as Genesys's user-presence
 * EventBridge blueprint captured it).
 */
import { BodyWriter } from './body-writer.js';
import type { Admin, Agent, PresenceDefinition } from './catalogue.js';

/** `2026-01-01T12:00:00.000Z`. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** `v2.users.{id}.presence`: the user's presence changed. */
export function presenceBody(definition: PresenceDefinition, at: number): string {
  return new BodyWriter()
    .id('source', 'PURECLOUD')
    .raw(`,"presenceDefinition":{"id":"${definition.id}","systemPresence":"${definition.systemPresence}"}`)
    .bool('primary', true)
    .id('message', '')
    .id('modifiedDate', iso(at))
    .end();
}

/** `v2.users.{id}.routingStatus`: the user's routing status changed. */
export function routingStatusBody(userId: string, status: string, since: number): string {
  return new BodyWriter()
    .id('id', userId)
    .raw(`,"routingStatus":{"status":"${status}","startTime":"${iso(since)}"}`)
    .end();
}

/** `v2.users.{id}.activity`: routing status, presence, out of office and active queues at once. */
export function activityBody(
  agent: Agent,
  routing: { status: string; since: number },
  presence: { definition: PresenceDefinition; since: number },
  loginAt: number,
  queuesSince: number,
): string {
  const onQueue = presence.definition.systemPresence === 'ON_QUEUE';
  return new BodyWriter()
    .id('id', agent.id)
    .raw(`,"routingStatus":{"status":"${routing.status}","startTime":"${iso(routing.since)}"}`)
    .raw(
      `,"presence":{"presenceDefinition":{"id":"${presence.definition.id}","systemPresence":"${presence.definition.systemPresence}"},"presenceMessage":"","modifiedDate":"${iso(presence.since)}"}`,
    )
    .raw(`,"outOfOffice":{"active":false,"modifiedDate":"${iso(loginAt)}"}`)
    .json('activeQueueIds', onQueue ? agent.queueIds : [])
    .id('dateActiveQueuesChanged', iso(queuesSince))
    .end();
}

/** One property change of an audit. */
export interface PropertyChange {
  property: string;
  oldValues: string[];
  newValues: string[];
}

/** `v2.audits.entitytype.{id}.entityid.{id}`: one audit log message. */
export function auditBody(fields: {
  id: string;
  /** Who made the change: an administrator, or the agent themself (a presence change). */
  user: Admin | Agent;
  serviceName: string;
  at: number;
  action: string;
  entityType: string;
  entity: { id: string; name: string };
  propertyChanges: PropertyChange[];
}): string {
  return new BodyWriter()
    .id('id', fields.id)
    .id('userId', fields.user.id)
    .raw(`,"username":{"id":"${fields.user.id}","name":${JSON.stringify(fields.user.name)}}`)
    .escaped('userDisplay', fields.user.name)
    .id('serviceName', fields.serviceName)
    .id('level', 'USER')
    .id('eventTime', iso(fields.at))
    .id('action', fields.action)
    .id('entityType', fields.entityType)
    .raw(`,"entity":{"id":"${fields.entity.id}","name":${JSON.stringify(fields.entity.name)}}`)
    .json('propertyChanges', fields.propertyChanges)
    .end();
}

/** One utterance of a transcription event. */
export interface SimulatedUtterance {
  utteranceId: string;
  channel: 'EXTERNAL' | 'INTERNAL';
  /** From the start of the transcribed session. */
  offsetMs: number;
  durationMs: number;
  confidence: number;
  transcript: string;
}

/** `v2.conversations.{id}.transcription`: final utterances of one session. */
export function transcriptionBody(fields: {
  at: number;
  organizationId: string;
  conversationId: string;
  communicationId: string;
  sessionStartTimeMs: number;
  transcriptionStartTimeMs: number;
  utterances: readonly SimulatedUtterance[];
}): string {
  const transcripts = fields.utterances.map((u) => ({
    utteranceId: u.utteranceId,
    isFinal: true,
    channel: u.channel,
    alternatives: [
      {
        confidence: u.confidence,
        offsetMs: u.offsetMs,
        durationMs: u.durationMs,
        transcript: u.transcript.toLowerCase().replace(/[.,?!]/g, ''),
        decoratedTranscript: u.transcript,
      },
    ],
    engineProvider: 'GENESYS',
    dialect: 'en-US',
  }));
  return new BodyWriter()
    .id('eventTime', iso(fields.at))
    .id('organizationId', fields.organizationId)
    .id('conversationId', fields.conversationId)
    .id('communicationId', fields.communicationId)
    .num('sessionStartTimeMs', fields.sessionStartTimeMs)
    .num('transcriptionStartTimeMs', fields.transcriptionStartTimeMs)
    .json('transcripts', transcripts)
    .end();
}
