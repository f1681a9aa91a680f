/**
 * The local bus's HTTP endpoint, speaking the AWS JSON 1.1 protocol EventBridge uses
 * (`POST /`, `X-Amz-Target: AWSEvents.<Operation>`, `Content-Type: application/x-amz-json-1.1`),
 * for `AWSEvents.PutEvents` and `AWSEvents.PutPartnerEvents`. So the real SDK works unchanged:
 *
 * ```ts
 * new EventBridgeClient({ endpoint: 'http://127.0.0.1:4010', region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } })
 * ```
 *
 * Errors are AWS-shaped (`{"__type": "...", "message": "..."}` plus `x-amzn-ErrorType`), and no
 * input — malformed JSON, wrong types, oversize bodies, aborted connections — can crash the server.
 * Requests are not authenticated (SigV4 signatures are accepted unchecked): bind to loopback.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeValue } from '../shared/index.js';
import { AwsJsonError, writeAwsJson, writeAwsJsonError } from './aws-json.js';
import type { LocalEventBridge } from './local-event-bridge.js';
import type { PutEventsRequestEntry } from './put-events.js';

/** A Node.js request handler that answers the request completely. */
export type EventBridgeRequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Options of the HTTP endpoint. */
export interface EventBridgeHttpOptions {
  /** Largest request body accepted (bytes). Default 4 MiB. */
  maxBodyBytes?: number;
}

/** The operations this endpoint serves. */
const SUPPORTED_OPERATIONS = ['AWSEvents.PutEvents', 'AWSEvents.PutPartnerEvents'] as const;

const CONTENT_TYPES = new Set(['application/x-amz-json-1.1', 'application/x-amz-json-1.0', 'application/json']);

/**
 * Creates the request handler. Mount it on any Node.js HTTP server for `POST /` (the runtime
 * serves PutEvents, stats and the dashboard on one port).
 *
 * @example
 * const handle = createEventBridgeHandler(eventBridge);
 * createServer((req, res) => (req.method === 'POST' && req.url === '/' ? handle(req, res) : dashboard(req, res)));
 */
export function createEventBridgeHandler(
  eventBridge: LocalEventBridge,
  options: EventBridgeHttpOptions = {},
): EventBridgeRequestHandler {
  const maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024;
  return async (req, res) => {
    const requestId = randomUUID();
    try {
      if (req.method !== 'POST') {
        throw new AwsJsonError(
          'UnknownOperationException',
          `This endpoint answers POST requests with X-Amz-Target ${SUPPORTED_OPERATIONS.join(' or ')}; got ${req.method}.`,
          405,
        );
      }
      const target = headerValue(req, 'x-amz-target');
      if (target !== SUPPORTED_OPERATIONS[0] && target !== SUPPORTED_OPERATIONS[1]) {
        throw new AwsJsonError(
          'UnknownOperationException',
          `Operation ${target === undefined ? '(no X-Amz-Target header)' : target} is not supported by the local event bus; it serves ${SUPPORTED_OPERATIONS.join(' and ')}.`,
        );
      }
      const contentType = (headerValue(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      if (!CONTENT_TYPES.has(contentType)) {
        throw new AwsJsonError(
          'SerializationException',
          `Content-Type must be application/x-amz-json-1.1; got ${contentType === '' ? 'none' : contentType}.`,
        );
      }
      const text = await readBody(req, maxBodyBytes);
      const entries = parseEntries(text, target === 'AWSEvents.PutEvents');
      const response =
        target === 'AWSEvents.PutEvents'
          ? await eventBridge.putEvents({ Entries: entries })
          : await eventBridge.putPartnerEvents({ Entries: entries });
      writeAwsJson(res, 200, JSON.stringify(response), { requestId });
    } catch (error) {
      const e = toAwsError(error);
      if (e.status >= 500) console.error(`local event bus: request ${requestId} failed:`, error);
      writeAwsJsonError(req, res, e, requestId);
    }
  };
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      reject(tooLarge(declared, maxBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > maxBytes) {
        failed = true;
        reject(tooLarge(size, maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (error) => {
      if (!failed) {
        failed = true;
        reject(new AwsJsonError('SerializationException', `The request body could not be read: ${error.message}`));
      }
    });
    req.on('close', () => {
      if (!failed && !req.complete) {
        failed = true;
        reject(
          new AwsJsonError('SerializationException', 'The client closed the connection before sending the whole body.'),
        );
      }
    });
  });
}

function tooLarge(size: number, max: number): AwsJsonError {
  return new AwsJsonError(
    'ValidationException',
    `Total size of the entries in the request is over the limit. (The request body is at least ${size} bytes; this endpoint accepts at most ${max}.)`,
    413,
  );
}

const STRING_FIELDS = ['Source', 'DetailType', 'Detail', 'EventBusName', 'TraceHeader'] as const;

/** Parses and type-checks the request body (a SerializationException for anything not of the operation's shape). */
function parseEntries(text: string, putEvents: boolean): PutEventsRequestEntry[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new AwsJsonError('SerializationException', `The request body is not valid JSON: ${(error as Error).message}`);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new AwsJsonError('SerializationException', 'The request body must be a JSON object like {"Entries": [...]}.');
  }
  const raw = (body as { Entries?: unknown }).Entries;
  if (raw === undefined || raw === null) return raw as unknown as PutEventsRequestEntry[]; // the bus answers AWS's ValidationException
  if (!Array.isArray(raw))
    throw new AwsJsonError('SerializationException', `Entries must be a JSON array; found ${describeValue(raw)}.`);
  return raw.map((item: unknown, i) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new AwsJsonError(
        'SerializationException',
        `Entries[${i}] must be a JSON object; found ${describeValue(item)}.`,
      );
    }
    const entry: PutEventsRequestEntry = {};
    const source = item as Record<string, unknown>;
    for (const field of STRING_FIELDS) {
      const value = source[field];
      if (value === undefined || value === null) continue;
      if (typeof value !== 'string')
        throw new AwsJsonError(
          'SerializationException',
          `Entries[${i}].${field} must be a string; found ${describeValue(value)}.`,
        );
      if (!putEvents && (field === 'EventBusName' || field === 'TraceHeader')) continue; // not members of PutPartnerEvents entries
      entry[field] = value;
    }
    const time = source.Time;
    if (time !== undefined && time !== null) {
      if (typeof time !== 'number' && typeof time !== 'string') {
        throw new AwsJsonError(
          'SerializationException',
          `Entries[${i}].Time must be a timestamp (epoch seconds); found ${describeValue(time)}.`,
        );
      }
      entry.Time = time;
    }
    const resources = source.Resources;
    if (resources !== undefined && resources !== null) {
      if (!Array.isArray(resources) || resources.some((r) => typeof r !== 'string')) {
        throw new AwsJsonError('SerializationException', `Entries[${i}].Resources must be an array of strings.`);
      }
      entry.Resources = resources as string[];
    }
    return entry;
  });
}

function toAwsError(error: unknown): AwsJsonError {
  if (error instanceof AwsJsonError) return error;
  const e = error as { code?: unknown; httpStatus?: unknown; message?: unknown };
  if (
    typeof e?.code === 'string' &&
    typeof e.httpStatus === 'number' &&
    typeof e.message === 'string' &&
    e.httpStatus < 500
  ) {
    return new AwsJsonError(e.code, e.message, e.httpStatus);
  }
  return new AwsJsonError('InternalException', 'The local event bus failed to process the request; see its log.', 500);
}

/** A running endpoint. */
export interface EventBusServer {
  /** `http://host:port`. */
  url: string;
  host: string;
  port: number;
  server: Server;
  /** Stops accepting connections and closes open ones. */
  close(): Promise<void>;
}

/**
 * Starts an HTTP server for the bus (port 0 = any free port).
 *
 * @example
 * const server = await startEventBusServer({ eventBridge, port: 4010 });
 * const client = new EventBridgeClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
 */
export async function startEventBusServer(
  options: { eventBridge: LocalEventBridge; port?: number; host?: string } & EventBridgeHttpOptions,
): Promise<EventBusServer> {
  const handle = createEventBridgeHandler(options.eventBridge, options);
  const server = createServer((req, res) => {
    void handle(req, res);
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    host,
    port,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
