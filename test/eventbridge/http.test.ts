import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import {
  EventBridgeClient,
  ListRulesCommand,
  PutEventsCommand,
  PutPartnerEventsCommand,
} from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBridgeEvent } from '../../src/eventbridge/bus-event.js';
import { startEventBusServer } from '../../src/eventbridge/http.js';
import type { EventBusServer } from '../../src/eventbridge/http.js';
import { LocalEventBridge } from '../../src/eventbridge/local-event-bridge.js';
import { durableQueueTarget } from '../../src/eventbridge/targets.js';
import type { DurableQueue } from '../../src/queue/index.js';
import { QueueStore } from '../../src/queue/index.js';
import { tempDir } from '../support/tmp.js';

const PARTNER = 'aws.partner/genesys.com/cloud/3b1c0a52-6f8e-4c1d-9a3e-2f1b5c7d9e01/pipeline';
let eb: LocalEventBridge;
let server: EventBusServer;
let client: EventBridgeClient;
let queue: DurableQueue;
let partnerQueue: DurableQueue;

beforeAll(async () => {
  eb = LocalEventBridge.open({ path: join(tempDir('gep-http-'), 'bus.sqlite'), accountId: '123456789012' });
  const queues = QueueStore.onDatabase(eb.database, { accountId: '123456789012' });
  queue = queues.queue('default-events');
  partnerQueue = queues.queue('genesys-events');
  eb.putRule({ Name: 'all', EventPattern: { source: [{ prefix: '' }] } });
  eb.putTargets({ Rule: 'all', Targets: [{ Id: 'q', target: durableQueueTarget(queue) }] });
  eb.createEventBus({ Name: PARTNER, EventSourceName: PARTNER });
  eb.putRule({
    Name: 'genesys',
    EventBusName: PARTNER,
    EventPattern: { 'detail-type': [{ prefix: 'v2.detail.events.conversation.' }] },
  });
  eb.putTargets({
    Rule: 'genesys',
    EventBusName: PARTNER,
    Targets: [{ Id: 'q', target: durableQueueTarget(partnerQueue) }],
  });
  server = await startEventBusServer({ eventBridge: eb, maxBodyBytes: 512 * 1024 });
  client = new EventBridgeClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  client?.destroy();
  await server?.close();
  await eb?.close();
});

/** A raw HTTP request to the endpoint. */
function post(
  body: string | Buffer,
  headers: Record<string, string> = {},
  method = 'POST',
): Promise<{ status: number; headers: Record<string, unknown>; json: { __type?: string; message?: string } }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}/`, {
      method,
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents', ...headers },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, json: text ? JSON.parse(text) : {} }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('HTTP endpoint with the real AWS SDK client', () => {
  it('round-trips PutEvents, including partial failures', async () => {
    const detail = { message: 'hello', n: 42 };
    const out = await client.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'test.sdk',
            DetailType: 'Greeting',
            Detail: JSON.stringify(detail),
            Time: new Date('2025-06-01T10:00:00Z'),
            Resources: ['arn:r'],
          },
          { Source: 'test.sdk', Detail: '{}' },
          { Source: 'test.sdk', DetailType: 'Greeting', Detail: 'not json' },
          {
            Source: 'test.sdk',
            DetailType: 'Greeting',
            Detail: '{}',
            EventBusName: 'arn:aws:events:us-east-1:123456789012:event-bus/missing',
          },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(2);
    expect(out.Entries![1]).toEqual({
      ErrorCode: 'InvalidArgument',
      ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
    });
    expect(out.Entries![2]).toEqual({ ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' });
    expect(out.Entries![3]!.EventId).toBeDefined(); // an unknown bus is accepted (and dropped), as AWS does
    const [m] = await queue.receive();
    const event = JSON.parse(m!.body) as EventBridgeEvent;
    expect(event).toEqual({
      version: '0',
      id: out.Entries![0]!.EventId,
      'detail-type': 'Greeting',
      source: 'test.sdk',
      account: '123456789012',
      time: '2025-06-01T10:00:00Z',
      region: 'us-east-1',
      resources: ['arn:r'],
      detail,
    });
    expect(eb.droppedEvents()[0]).toMatchObject({ busName: 'missing', errorCode: 'NO_RESOURCE' });
  });

  it('serves PutPartnerEvents to the partner bus named like the source', async () => {
    const out = await client.send(
      new PutPartnerEventsCommand({
        Entries: [
          {
            Source: PARTNER,
            DetailType: 'v2.detail.events.conversation.{id}.customer.start',
            Detail: JSON.stringify({ topicName: 't' }),
          },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(0);
    const [m] = await partnerQueue.receive();
    expect(JSON.parse(m!.body)).toMatchObject({ id: out.Entries![0]!.EventId, source: PARTNER });
  });

  it('answers ValidationException for more than 10 entries and for oversize entries', async () => {
    const eleven = Array.from({ length: 11 }, () => ({ Source: 's', DetailType: 'd', Detail: '{}' }));
    const tooMany = client.send(new PutEventsCommand({ Entries: eleven }));
    await expect(tooMany).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
    await expect(tooMany).rejects.toThrow(
      /at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10$/,
    );
    const big = client.send(
      new PutEventsCommand({
        Entries: [{ Source: 's', DetailType: 'd', Detail: JSON.stringify({ p: 'x'.repeat(300_000) }) }],
      }),
    );
    await expect(big).rejects.toMatchObject({
      name: 'ValidationException',
      message: 'Total size of the entries in the request is over the limit.',
    });
  });

  it('answers UnknownOperationException for other operations', async () => {
    await expect(client.send(new ListRulesCommand({}))).rejects.toMatchObject({
      name: 'UnknownOperationException',
      $metadata: { httpStatusCode: 400 },
    });
  });
});

describe('HTTP endpoint on bad input', () => {
  it('answers malformed bodies with AWS-shaped errors', async () => {
    const cases: Array<[string | Buffer, string, RegExp]> = [
      ['{"Entries": [', 'SerializationException', /not valid JSON/],
      ['[1, 2]', 'SerializationException', /must be a JSON object/],
      ['{"Entries": "x"}', 'SerializationException', /Entries must be a JSON array/],
      ['{"Entries": [42]}', 'SerializationException', /Entries\[0\] must be a JSON object/],
      [
        '{"Entries": [{"Source": 1, "DetailType": "d", "Detail": "{}"}]}',
        'SerializationException',
        /Entries\[0\]\.Source must be a string/,
      ],
      [
        '{"Entries": [{"Source": "s", "DetailType": "d", "Detail": "{}", "Resources": [1]}]}',
        'SerializationException',
        /Resources must be an array of strings/,
      ],
      ['{}', 'ValidationException', /Value null at 'entries' failed to satisfy constraint: Member must not be null/],
      [Buffer.from([0xff, 0xfe, 0x00]), 'SerializationException', /not valid JSON/],
    ];
    for (const [body, type, message] of cases) {
      const res = await post(body);
      expect(res.status, String(body)).toBe(400);
      expect(res.json.__type).toBe(type);
      expect(res.json.message).toMatch(message);
      expect(res.headers['x-amzn-errortype']).toBe(type);
      expect(res.headers['content-type']).toBe('application/x-amz-json-1.1');
    }
  });

  it('rejects missing or unknown targets, other methods, other content types and oversize bodies', async () => {
    expect((await post('{}', { 'x-amz-target': 'AWSEvents.DeleteRule' })).json.__type).toBe(
      'UnknownOperationException',
    );
    const noTarget = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${server.url}/`,
        { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1' } },
        (res) => {
          res.resume();
          resolve(res.statusCode!);
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
    expect(noTarget).toBe(400);
    expect((await post('', {}, 'GET')).status).toBe(405);
    expect((await post('{}', { 'content-type': 'text/plain' })).json.__type).toBe('SerializationException');
    const huge = await post(Buffer.alloc(600 * 1024, 0x20));
    expect(huge.status).toBe(413);
    expect(huge.json.__type).toBe('ValidationException');
  });

  it('survives a client that disconnects mid-body, and keeps serving', async () => {
    await new Promise<void>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => {
        socket.write(
          'POST / HTTP/1.1\r\nhost: x\r\ncontent-type: application/x-amz-json-1.1\r\nx-amz-target: AWSEvents.PutEvents\r\ncontent-length: 1000\r\n\r\n{"Entries": [',
        );
        setTimeout(() => {
          socket.destroy();
          resolve();
        }, 20);
      });
    });
    await new Promise<void>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.end('GARBAGE\r\n\r\n'));
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
      socket.resume();
    });
    const out = await client.send(
      new PutEventsCommand({ Entries: [{ Source: 'still.up', DetailType: 'd', Detail: '{}' }] }),
    );
    expect(out.FailedEntryCount).toBe(0);
  });
});
