/**
 * The typed event bodies must have exactly the fields the official Genesys SDK types for them:
 * this test reads `purecloud-platform-client-v2`'s `index.d.ts` and compares every field name
 * and type of the 16 `…DetailEventTopic…Event` interfaces with our zod schemas, and those of the
 * other families' models (presence, routing status, activity, audit, transcription) recursively.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { CONVERSATION_BODY_SCHEMAS, CONVERSATION_TOPICS } from '../../src/events/index.js';
import type { ConversationTopic } from '../../src/events/index.js';
import { FAMILY_BODY_SCHEMAS } from '../../src/events/family-schemas.js';
import type { FamilyKind } from '../../src/events/family-schemas.js';
import { TOPIC_FAMILIES } from '../../src/events/topics.js';

const SDK_INTERFACES: Record<ConversationTopic, string> = {
  'acd.start': 'AcdStartDetailEventTopicAcdStartEvent',
  'acd.end': 'AcdEndDetailEventTopicAcdEndEvent',
  acw: 'AcwDetailEventTopicAfterCallWorkEvent',
  attributes: 'AttributeDetailEventTopicAttributeUpdateEvent',
  contact: 'ContactDetailEventTopicContactUpdateEvent',
  'customer.start': 'CustomerStartDetailEventTopicCustomerStartEvent',
  'customer.end': 'CustomerEndDetailEventTopicCustomerEndEvent',
  'flow.start': 'FlowStartDetailEventTopicFlowStartEvent',
  'flow.end': 'FlowEndDetailEventTopicFlowEndEvent',
  'flow.outcome': 'FlowOutcomeDetailEventTopicFlowOutcomeEvent',
  outbound: 'OutboundDetailEventTopicOutboundInitEvent',
  'user.start': 'UserStartDetailEventTopicUserStartEvent',
  'user.end': 'UserEndDetailEventTopicUserEndEvent',
  'voicemail.start': 'VoicemailStartDetailEventTopicVoicemailStartEvent',
  'voicemail.end': 'VoicemailEndDetailEventTopicVoicemailEndEvent',
  wrapup: 'WrapupDetailEventTopicWrapupEvent',
};

const require = createRequire(import.meta.url);
const typings = readFileSync(require.resolve('purecloud-platform-client-v2/index.d.ts'), 'utf8');

/** Field name → simplified type, from one interface of the SDK's typings. */
function sdkFields(interfaceName: string): Record<string, string> {
  const start = typings.indexOf(`export interface ${interfaceName} {`);
  expect(start, `${interfaceName} in the SDK typings`).toBeGreaterThan(-1);
  const block = typings.slice(start, typings.indexOf('\n\t}', start));
  const fields: Record<string, string> = {};
  for (const match of block.matchAll(/^\s*"(\w+)"\?: (.+);$/gm)) fields[match[1]!] = simplifySdkType(match[2]!);
  return fields;
}

function simplifySdkType(type: string): string {
  if (type === 'number' || type === 'string' || type === 'boolean') return type;
  if (type === 'Array<string>') return 'string[]';
  if (/^Array<Models\.\w+>$/.test(type)) return 'object[]';
  if (/^Models\.\w+$/.test(type)) return 'object';
  if (/^\{ \[key: string\]: string; \}$/.test(type)) return 'record';
  return `unsupported: ${type}`;
}

/** The same simplification applied to one of our zod field schemas. */
function zodType(schema: z.ZodType): string {
  const def = (schema as unknown as { def: { type: string; innerType?: z.ZodType; element?: z.ZodType } }).def;
  if (def.type === 'optional') return zodType(def.innerType!);
  if (def.type === 'array') return `${zodType(def.element!)}[]`;
  return def.type;
}

describe('conversation event bodies match the official Genesys SDK typings', () => {
  it('covers all 16 conversation detail topics', () => {
    expect(Object.keys(SDK_INTERFACES).sort()).toEqual([...CONVERSATION_TOPICS].sort());
  });

  for (const topic of CONVERSATION_TOPICS) {
    it(`${topic} has the fields and types of ${SDK_INTERFACES[topic]}`, () => {
      const shape = CONVERSATION_BODY_SCHEMAS[topic].shape as Record<string, z.ZodType>;
      const ours = Object.fromEntries(Object.entries(shape).map(([name, schema]) => [name, zodType(schema)]));
      expect(ours).toEqual(sdkFields(SDK_INTERFACES[topic]));
    });
  }
});

/**
 * The other typed families are compared recursively: every field of the SDK model and of each
 * nested model, with its type, against our zod schema at the same place.
 */
const FAMILY_MODELS: Record<FamilyKind, string> = {
  'user-presence': 'PresenceEventUserPresence',
  'user-routing-status': 'UserRoutingStatusUserRoutingStatus',
  'user-activity': 'AgentActivityChangedTopicAgentActivity',
  audit: 'AuditTopicAuditLogMessage',
  transcription: 'TranscriptionTopicTranscriptionMessage',
};

/** A type as a comparable tree: scalars by name, arrays of it, string-keyed records of it, objects field by field. */
type Shape = string | { array: Shape } | { record: Shape } | { object: Record<string, Shape> };

function sdkShape(type: string): Shape {
  if (type === 'number' || type === 'string' || type === 'boolean') return type;
  if (type === 'object') return 'unknown';
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return { array: sdkShape(array[1]!) };
  const record = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (record) return { record: sdkShape(record[1]!) };
  const model = /^Models\.(\w+)$/.exec(type);
  if (model) return sdkModelShape(model[1]!);
  return `unsupported: ${type}`;
}

function sdkModelShape(interfaceName: string): Shape {
  const start = typings.indexOf(`export interface ${interfaceName} {`);
  expect(start, `${interfaceName} in the SDK typings`).toBeGreaterThan(-1);
  const block = typings.slice(start, typings.indexOf('\n\t}', start));
  const fields: Record<string, Shape> = {};
  for (const match of block.matchAll(/^\s*"(\w+)"\??: (.+);$/gm)) fields[match[1]!] = sdkShape(match[2]!);
  return { object: fields };
}

function zodShape(schema: z.ZodType): Shape {
  const def = (schema as unknown as { def: Record<string, unknown> & { type: string } }).def;
  switch (def.type) {
    case 'optional':
      return zodShape(def.innerType as z.ZodType);
    case 'array':
      return { array: zodShape(def.element as z.ZodType) };
    case 'record':
      return { record: zodShape(def.valueType as z.ZodType) };
    case 'object': {
      const shape = def.shape as Record<string, z.ZodType>;
      return { object: Object.fromEntries(Object.entries(shape).map(([name, field]) => [name, zodShape(field)])) };
    }
    default:
      return def.type;
  }
}

describe('the other typed families match the official Genesys SDK typings, nested models included', () => {
  it('covers every family but conversation', () => {
    expect(Object.keys(FAMILY_MODELS).sort()).toEqual(Object.keys(FAMILY_BODY_SCHEMAS).sort());
    for (const kind of Object.keys(FAMILY_MODELS) as FamilyKind[])
      expect(TOPIC_FAMILIES[kind].sdkModel).toBe(FAMILY_MODELS[kind]);
  });

  for (const kind of Object.keys(FAMILY_MODELS) as FamilyKind[]) {
    it(`${kind} has the fields and types of ${FAMILY_MODELS[kind]}`, () => {
      expect(zodShape(FAMILY_BODY_SCHEMAS[kind] as unknown as z.ZodType)).toEqual(sdkModelShape(FAMILY_MODELS[kind]));
    });
  }
});
