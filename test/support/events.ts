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
