/**
 * A small real HTTP server that speaks enough of the EventBridge API (AWS JSON 1.1, target
 * `AWSEvents.PutEvents`) to answer the AWS SDK, validating entries as EventBridge does: at most
 * 10 entries and 1 MiB per call since January 2026, 256 KiB before (else a `ValidationException`
 * for the whole call), and per
 * entry `Source`, `DetailType` and `Detail` required (`InvalidArgument`) and `Detail` a JSON
 * object (`MalformedDetail`). The error messages are EventBridge's.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { listenOnLoopback } from '../support/http-server.js';

/** An entry as received (JSON 1.1: `Time` in epoch seconds). */
export interface ReceivedEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Time?: number;
  Resources?: string[];
  EventBusName?: string;
}

export interface PutEventsServer {
  url: string;
  /** Entries accepted, in arrival order. */
  accepted: ReceivedEntry[];
  /** Entries per request, in arrival order. */
  requests: { entries: number; bytes: number; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

export interface PutEventsServerOptions {
  /** Limit on the total entry size of one call. Default 1 MiB (AWS since January 2026; 256 KiB before). */
  maxRequestBytes?: number;
  /** Answer `ThrottlingException` for an entry the first time this returns true for it. */
  throttle?: (entry: ReceivedEntry) => boolean;
}

function entrySize(e: ReceivedEntry): number {
  let size = e.Time !== undefined ? 14 : 0;
  for (const s of [e.Source, e.DetailType, e.Detail, ...(e.Resources ?? [])]) if (s) size += Buffer.byteLength(s);
  return size;
}

function validate(entry: ReceivedEntry): { ErrorCode: string; ErrorMessage: string } | undefined {
  if (!entry.Source)
    return {
      ErrorCode: 'InvalidArgument',
      ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
    };
  if (!entry.DetailType)
    return {
      ErrorCode: 'InvalidArgument',
      ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
    };
  if (!entry.Detail)
    return {
      ErrorCode: 'InvalidArgument',
      ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.',
    };
  try {
    const detail: unknown = JSON.parse(entry.Detail);
    if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) throw new Error('not an object');
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  return undefined;
}

export async function startPutEventsServer(options: PutEventsServerOptions = {}): Promise<PutEventsServer> {
  const accepted: ReceivedEntry[] = [];
  const requests: PutEventsServer['requests'] = [];
  const throttled = new Set<string>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || req.headers['x-amz-target'] !== 'AWSEvents.PutEvents') {
        return reply(400, {
          __type: 'UnknownOperationException',
          message: `unsupported operation ${String(req.headers['x-amz-target'])}`,
        });
      }
      const raw = Buffer.concat(chunks);
      const body = JSON.parse(raw.toString('utf8')) as { Entries?: ReceivedEntry[] };
      const entries = body.Entries ?? [];
      requests.push({
        entries: entries.length,
        bytes: entries.reduce((a, e) => a + entrySize(e), 0),
        headers: req.headers,
      });
      if (entries.length < 1 || entries.length > 10) {
        return reply(400, {
          __type: 'ValidationException',
          message:
            "1 validation error detected: Value '[PutEventsRequestEntry]' at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10",
        });
      }
      if (entries.reduce((a, e) => a + entrySize(e), 0) > (options.maxRequestBytes ?? 1024 * 1024)) {
        return reply(400, {
          __type: 'ValidationException',
          message: 'Total size of the entries in the request is over the limit.',
        });
      }
      let failed = 0;
      const results = entries.map((entry) => {
        const problem = validate(entry);
        if (problem) {
          failed += 1;
          return problem;
        }
        const key = `${entry.DetailType}|${entry.Detail}`;
        if (options.throttle && !throttled.has(key) && options.throttle(entry)) {
          throttled.add(key);
          failed += 1;
          return { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' };
        }
        accepted.push(entry);
        return { EventId: randomUUID() };
      });
      reply(200, { FailedEntryCount: failed, Entries: results });
    });
  });
  const { url, close } = await listenOnLoopback(server);
  return { url, accepted, requests, close };
}
