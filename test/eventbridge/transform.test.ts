/** Input transformation: template rules, JSON paths and configuration errors beyond the recorded cases. */
import { describe, expect, it } from 'vitest';
import { EventBridgeValidationException } from '../../src/eventbridge/errors.js';
import {
  evaluateJsonPath,
  parseJsonPath,
  transformInput,
  validateTargetInput,
} from '../../src/eventbridge/transform.js';

const context = {
  ruleArn: 'arn:aws:events:us-east-1:111122223333:rule/genesys/acd',
  ruleName: 'acd',
  ingestionTime: '2026-01-01T12:00:01Z',
};
const event = {
  version: '0',
  id: 'e-1',
  'detail-type': 'v2.detail.events.conversation.{id}.acd.end',
  source: 'aws.partner/genesys.com/cloud/org/suffix',
  account: '111122223333',
  time: '2026-01-01T12:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: {
    topicName: 'v2.detail.events.conversation.c-1.acd.end',
    eventBody: {
      conversationId: 'c-1',
      mediaType: 'VOICE',
      eventTime: 1767268800000,
      quote: 'say "hi"',
      skills: ['s1', 's2'],
    },
  },
};

function transform(target: Parameters<typeof transformInput>[1]) {
  validateTargetInput(target);
  return transformInput(event, target, context);
}

describe('transformInput', () => {
  it('delivers the event as compact JSON without configuration, Input as given, InputPath as JSON', () => {
    expect(transform({})).toEqual({ delivered: true, body: JSON.stringify(event) });
    expect(transform({ Input: '{"fixed": true}' })).toEqual({ delivered: true, body: '{"fixed": true}' });
    expect(transform({ InputPath: '$.detail.eventBody.mediaType' })).toEqual({ delivered: true, body: '"VOICE"' });
    expect(transform({ InputPath: '$.detail.eventBody.skills[1]' })).toEqual({ delivered: true, body: '"s2"' });
    expect(transform({ InputPath: '$' })).toEqual({ delivered: true, body: JSON.stringify(event) });
  });

  it('JSON templates quote strings used as values, escape them inside strings, keep numbers and objects', () => {
    const result = transform({
      InputTransformer: {
        InputPathsMap: {
          media: '$.detail.eventBody.mediaType',
          time: '$.detail.eventBody.eventTime',
          quote: '$.detail.eventBody.quote',
          skills: '$.detail.eventBody.skills',
          missing: '$.detail.nope',
        },
        InputTemplate:
          '{"media": <media>, "at": <time>, "said": "<quote>", "skills": <skills>, "missing": <missing>, "rule": <aws.events.rule-name>}',
      },
    });
    expect(result.delivered).toBe(true);
    expect(JSON.parse((result as { body: string }).body)).toEqual({
      media: 'VOICE',
      at: 1767268800000,
      said: 'say "hi"',
      skills: ['s1', 's2'],
      missing: '',
      rule: 'acd',
    });
  });

  it('text templates write values as plain text', () => {
    const result = transform({
      InputTransformer: {
        InputPathsMap: { body: '$.detail.eventBody', skills: '$.detail.eventBody.skills' },
        InputTemplate: '<aws.events.rule-arn> <skills> <body>',
      },
    });
    expect(result).toEqual({
      delivered: true,
      body: 'arn:aws:events:us-east-1:111122223333:rule/genesys/acd [s1,s2] {conversationId:c-1,mediaType:VOICE,eventTime:1767268800000,quote:say "hi",skills:[s1,s2]}',
    });
  });

  it('drops the event when a JSON template renders invalid JSON', () => {
    const result = transform({
      InputTransformer: { InputPathsMap: { body: '$.detail.eventBody' }, InputTemplate: '{"body": "<body>"}' },
    });
    expect(result.delivered).toBe(false);
    expect((result as { reason: string }).reason).toMatch(/not valid JSON/);
  });

  it('delivers nothing for an InputPath that selects nothing', () => {
    expect(transform({ InputPath: '$.detail.nope' }).delivered).toBe(false);
  });

  it('reserved variables: the event without detail, and the whole event', () => {
    const result = transform({
      InputTransformer: {
        InputTemplate:
          '{"e": <aws.events.event>, "j": <aws.events.event.json>, "t": <aws.events.event.ingestion-time>}',
      },
    });
    const body = JSON.parse((result as { body: string }).body) as Record<string, unknown>;
    expect(body.e).toEqual({
      id: 'e-1',
      account: '111122223333',
      detailType: event['detail-type'],
      time: context.ingestionTime,
      source: event.source,
      region: 'us-east-1',
      resources: [],
      version: '0',
    });
    expect(body.j).toEqual(event);
    expect(body.t).toBe(context.ingestionTime);
  });
});

describe('JSON paths (EventBridge subset)', () => {
  it('dot names, indices and wildcards', () => {
    expect(evaluateJsonPath(event, parseJsonPath('$.detail.eventBody.skills[0]'))).toBe('s1');
    expect(evaluateJsonPath(event, parseJsonPath('$.detail.eventBody.skills[*]'))).toEqual(['s1', 's2']);
    expect(evaluateJsonPath({ a: { 'b-c/d': 1 } }, parseJsonPath('$.a.b-c/d'))).toBe(1);
    expect(evaluateJsonPath({ a: { x: 1, y: 2 } }, parseJsonPath('$.a.*'))).toEqual([1, 2]);
    expect(evaluateJsonPath(event, parseJsonPath('$.detail.eventBody.skills[5]'))).toBeUndefined();
  });

  it('rejects paths outside the subset with a clear message', () => {
    expect(() => parseJsonPath('detail.x', 'InputPath of target t')).toThrow(
      /InputPath of target t "detail.x" is not a valid JSON path: it must start with \$/,
    );
    expect(() => parseJsonPath("$['detail']")).toThrow(/expected \[index\] or \[\*\]/);
    expect(() => parseJsonPath('$..x')).toThrow(/expected a member name/);
  });
});

describe('validateTargetInput', () => {
  const errorOf = (target: Parameters<typeof validateTargetInput>[0]): EventBridgeValidationException => {
    try {
      validateTargetInput(target);
    } catch (e) {
      expect(e).toBeInstanceOf(EventBridgeValidationException);
      return e as EventBridgeValidationException;
    }
    throw new Error('expected a ValidationException');
  };

  it('refuses configurations PutTargets refuses', () => {
    expect(errorOf({ Id: 't1', Input: '{}', InputPath: '$' }).message).toBe(
      'Only one of Input, InputPath, or InputTransformer must be provided for target t1.',
    );
    expect(errorOf({ Id: 't1', InputTransformer: { InputTemplate: '"<x>"' } }).message).toBe(
      'InputTemplate for target t1 contains invalid placeholder x.',
    );
    expect(errorOf({ Id: 't1', Input: 'not json' }).message).toMatch(/^Input of target t1 is not valid JSON/);
    expect(errorOf({ Id: 't1', InputPath: 'detail' }).message).toMatch(/not a valid JSON path/);
    expect(errorOf({ Id: 't1', InputTransformer: { InputTemplate: '' } }).message).toMatch(
      /inputTemplate' failed to satisfy constraint: Member must have length greater than or equal to 1/,
    );
    expect(errorOf({ Id: 't1', InputTransformer: { InputTemplate: 'x'.repeat(8193) } }).message).toMatch(
      /less than or equal to 8192/,
    );
    expect(
      errorOf({ Id: 't1', InputTransformer: { InputPathsMap: { 'bad key': '$.a' }, InputTemplate: '"x"' } }).message,
    ).toMatch(/regular expression pattern/);
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, '$.id']));
    expect(errorOf({ Id: 't1', InputTransformer: { InputPathsMap: many, InputTemplate: '"x"' } }).message).toMatch(
      /less than or equal to 100/,
    );
  });

  it('accepts 100 variables and the reserved names', () => {
    const paths = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, '$.id']));
    expect(() =>
      validateTargetInput({
        Id: 't',
        InputTransformer: { InputPathsMap: paths, InputTemplate: '"<k99> <aws.events.rule-name>"' },
      }),
    ).not.toThrow();
  });
});
