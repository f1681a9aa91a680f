/**
 * The typed event bodies must have exactly the fields the official Genesys SDK types for them:
 * this test reads `purecloud-platform-client-v2`'s `index.d.ts` and compares every field name
 * and type of the 16 `…DetailEventTopic…Event` interfaces with our zod schemas.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { CONVERSATION_BODY_SCHEMAS, CONVERSATION_TOPICS } from '../../src/events/index.js';
import type { ConversationTopic } from '../../src/events/index.js';

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
