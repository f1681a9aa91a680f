/**
 * A fake of the EventBridge control-plane calls `status` and `setup` make — `DescribeEventSource`,
 * `DescribeEventBus` and `ListRules` (one page) — on real HTTP, speaking the AWS JSON 1.1 protocol the SDK uses
 * (`POST /`, `X-Amz-Target: AWSEvents.<Operation>`, errors as `{ "__type": "ResourceNotFoundException" }`).
 * Point the SDK at it with `endpoint` or `AWS_ENDPOINT_URL_EVENTBRIDGE`.
 */
import { createServer } from 'node:http';
import { listenOnLoopback } from '../support/http-server.js';
import type { LoopbackServer } from '../support/http-server.js';

export interface FakeSource {
  name: string;
  state: 'PENDING' | 'ACTIVE' | 'DELETED';
  createdBy?: string;
  /** Epoch seconds. */
  creationTime?: number;
  expirationTime?: number;
}

export class FakeEventBridgeSources {
  readonly sources = new Map<string, FakeSource>();
  readonly buses = new Set<string>();
  /** The rules of each bus: name, state, event pattern (JSON text, as ListRules returns it). */
  readonly rules = new Map<string, { Name: string; State: string; EventPattern: string }[]>();
  readonly calls: Array<{ target: string; body: unknown; authorized: boolean }> = [];
  readonly #server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
        Name?: string;
        EventBusName?: string;
      };
      this.calls.push({
        target,
        body,
        authorized: /^AWS4-HMAC-SHA256 Credential=/.test(req.headers.authorization ?? ''),
      });
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': 'fake-request-id' });
        res.end(JSON.stringify(payload));
      };
      const notFound = (what: string) =>
        send(400, { __type: 'ResourceNotFoundException', message: `${what} ${body.Name} does not exist.` });
      if (target === 'AWSEvents.DescribeEventSource') {
        const source = this.sources.get(body.Name ?? '');
        if (!source) return notFound('Event source');
        return send(200, {
          Arn: `arn:aws:events:us-east-1::event-source/${source.name}`,
          CreatedBy: source.createdBy ?? 'genesys.com',
          Name: source.name,
          State: source.state,
          ...(source.creationTime !== undefined ? { CreationTime: source.creationTime } : {}),
          ...(source.expirationTime !== undefined ? { ExpirationTime: source.expirationTime } : {}),
        });
      }
      if (target === 'AWSEvents.DescribeEventBus') {
        if (!this.buses.has(body.Name ?? '')) return notFound('Event bus');
        return send(200, { Name: body.Name, Arn: `arn:aws:events:us-east-1:123456789012:event-bus/${body.Name}` });
      }
      if (target === 'AWSEvents.ListRules') {
        const bus = body.EventBusName ?? 'default';
        if (!this.buses.has(bus))
          return send(400, { __type: 'ResourceNotFoundException', message: `Event bus ${bus} does not exist.` });
        return send(200, {
          Rules: (this.rules.get(bus) ?? []).map((r) => ({
            ...r,
            EventBusName: bus,
            Arn: `arn:aws:events:us-east-1:123456789012:rule/${bus}/${r.Name}`,
          })),
        });
      }
      send(400, { __type: 'UnknownOperationException', message: target });
    });
  });
  #listening: LoopbackServer | undefined;

  get url(): string {
    return this.#listening?.url ?? '';
  }

  async start(): Promise<this> {
    this.#listening = await listenOnLoopback(this.#server);
    return this;
  }

  async close(): Promise<void> {
    await this.#listening?.close();
  }
}
