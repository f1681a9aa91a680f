/**
 * `genesys-pipeline test-event-pattern` as a user runs it: a child process of the real CLI,
 * reading its output, its errors and its exit status.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import type { CliRun } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

function cli(args: string[], stdin?: string): Promise<CliRun> {
  return runCli(['test-event-pattern', ...args], stdin === undefined ? {} : { stdin });
}

const dir = tempDir('gep-tep-');
const genesysEvent = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'v2.detail.events.conversation.{id}.acd.end',
  source: 'aws.partner/genesys.com/cloud/8d3f1b2a-0000-4000-8000-000000000001/genesys-events',
  account: '111122223333',
  time: '2026-01-01T12:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail: {
    topicName: 'v2.detail.events.conversation.5f1c2d3e-0000-4000-8000-00000000abcd.acd.end',
    version: '2',
    eventBody: {
      eventTime: 1767268800000,
      conversationId: '5f1c2d3e-0000-4000-8000-00000000abcd',
      mediaType: 'VOICE',
      acdOutcome: 'ANSWERED',
    },
  },
};
const rule = {
  source: [{ prefix: 'aws.partner/genesys.com/cloud/' }],
  'detail-type': ['v2.detail.events.conversation.{id}.acd.end'],
  detail: { eventBody: { mediaType: ['VOICE'] } },
};
const eventFile = join(dir, 'event.json');
const ruleFile = join(dir, 'rule.json');
writeFileSync(eventFile, JSON.stringify(genesysEvent, null, 2));
writeFileSync(ruleFile, JSON.stringify(rule, null, 2));

describe('genesys-pipeline test-event-pattern', () => {
  it('prints {"Result": true} for a match, reading @files', async () => {
    const run = await cli(['--event-pattern', `@${ruleFile}`, '--event', `@${eventFile}`]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe('{\n    "Result": true\n}\n');
  });

  it('prints {"Result": false} for no match, with inline JSON and file:// and stdin', async () => {
    const chat = JSON.stringify({ ...rule, detail: { eventBody: { mediaType: ['CHAT'] } } });
    const run = await cli(['--event-pattern', chat, '--event', `file://${eventFile}`]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ Result: false });
    const fromStdin = await cli(['--event-pattern', `@${ruleFile}`, '--event', '@-'], JSON.stringify(genesysEvent));
    expect(JSON.parse(fromStdin.stdout)).toEqual({ Result: true });
  });

  it('keeps repeated keys of the pattern text as AWS does', async () => {
    const run = await cli([
      '--event-pattern',
      '{"detail": {"eventBody": {"mediaType": ["CHAT"], "mediaType": ["VOICE"]}}}',
      '--event',
      `@${eventFile}`,
    ]);
    expect(JSON.parse(run.stdout)).toEqual({ Result: true });
  });

  it('an invalid pattern prints AWS’s error to stderr and exits 1', async () => {
    const run = await cli(['--event-pattern', '{"source": "aws.partner"}', '--event', `@${eventFile}`]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      'An error occurred (InvalidEventPatternException) when calling the TestEventPattern operation: Event pattern is not valid. Reason: "source" must be an object or an array\n at [Source: (String)"{"source": "aws.partner"}"; line: 1, column: 13]\n',
    );
  });

  it('an event without the mandatory fields: AWS’s ValidationException and the missing fields', async () => {
    const run = await cli(['--event-pattern', `@${ruleFile}`, '--event', '{"detail": {}}']);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'An error occurred (ValidationException) when calling the TestEventPattern operation: Parameter Event is not valid.\nThe event lacks the field(s) TestEventPattern requires: id, account, source, time, region, detail-type.\n',
    );
  });

  it('an event that is not JSON says so', async () => {
    const run = await cli(['--event-pattern', `@${ruleFile}`, '--event', '{"id": ']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Parameter Event is not valid\.\nThe event is not valid JSON \(.+\)\.\n$/);
  });

  it('an unreadable file is a clear error', async () => {
    const missing = join(dir, 'missing.json');
    const run = await cli(['--event-pattern', `@${missing}`, '--event', `@${eventFile}`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`Cannot read the event pattern from ${missing}: no such file.\n`);
  });

  it('a missing option is a usage error', async () => {
    const run = await cli(['--event', `@${eventFile}`]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/required option '--event-pattern <json\|@file>' not specified/);
  });
});
