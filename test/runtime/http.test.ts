/**
 * The runtime's HTTP port (in-process runtime, real server on 127.0.0.1 port 0, real SDK client):
 * token auth on every route including PutEvents, bad input, 503 while draining; and the data
 * directory lock.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { FUNCTION_PLACEHOLDERS } from '../../src/workflow/index.js';
import { DataDirLockedError, RuntimeOptionsError, startRuntime } from '../../src/runtime/index.js';
import { DataDirLock } from '../../src/runtime/lock.js';
import { generateEvents } from '../../src/simulate/index.js';
import { tempDir } from '../support/tmp.js';
import { BUS, clientFor, entryOf } from './support.js';

const dir = tempDir('gep-runtime-http-');
const TOKEN = 'runtime-test-token-5f2a9c71';
const lines = [...generateEvents({ conversations: 3, seed: 9 })];

async function post(
  url: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<{
  status: number;
  body: {
    __type?: string;
    message?: string;
    FailedEntryCount?: number;
    Entries?: Array<{ EventId?: string; ErrorCode?: string }>;
  };
}> {
  const res = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents', ...headers },
  });
  return { status: res.status, body: (await res.json()) as never };
}

describe('token', () => {
  it('is required on PutEvents (the SDK sends it with withBearerToken), the read routes and the admin routes', async () => {
    const runtime = await startRuntime({ dataDir: join(dir, 'token'), port: 0, token: TOKEN });
    try {
      // The SDK without the token: refused, AWS-style.
      const bare = clientFor(runtime.url);
      await expect(bare.send(new PutEventsCommand({ Entries: [entryOf(lines[0]!)] }))).rejects.toMatchObject({
        name: 'UnrecognizedClientException',
        $metadata: { httpStatusCode: 401 },
      });
      bare.destroy();
      const wrong = clientFor(runtime.url, 'not-the-token-at-all-123');
      await expect(wrong.send(new PutEventsCommand({ Entries: [entryOf(lines[0]!)] }))).rejects.toMatchObject({
        name: 'UnrecognizedClientException',
      });
      wrong.destroy();
      // With it: accepted.
      const client = clientFor(runtime.url, TOKEN);
      const out = await client.send(new PutEventsCommand({ Entries: lines.slice(0, 5).map(entryOf) }));
      expect(out.FailedEntryCount).toBe(0);
      client.destroy();
      expect((await runtime.telemetry.snapshot()).accepted).toBe(5);

      for (const path of ['/api/stats', '/metrics', '/api/conversations', '/admin/dlq']) {
        expect((await fetch(`${runtime.url}${path}`)).status, path).toBe(401);
        expect(
          (await fetch(`${runtime.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).status,
          path,
        ).toBe(200);
      }
      // The token never lands in the data directory.
      expect(readFileSync(join(dir, 'token', 'pipeline.json'), 'utf8')).not.toContain(TOKEN);
      expect(readFileSync(join(dir, 'token', 'runtime.lock'), 'utf8')).not.toContain(TOKEN);
    } finally {
      await runtime.stop();
    }
  });

  it('a non-loopback address needs a token', async () => {
    await expect(startRuntime({ dataDir: join(dir, 'exposed'), port: 0, host: '0.0.0.0' })).rejects.toThrow(
      RuntimeOptionsError,
    );
    await expect(startRuntime({ dataDir: join(dir, 'exposed'), port: 0, host: '0.0.0.0' })).rejects.toThrow(
      /give a token/,
    );
  });
});

describe('bad input', () => {
  it('gets AWS-style errors, per-entry errors for bad entries, and never loses an accepted event', async () => {
    const runtime = await startRuntime({ dataDir: join(dir, 'bad'), port: 0 });
    try {
      const url = runtime.url;
      expect(await post(url, '{not json')).toMatchObject({ status: 400, body: { __type: 'SerializationException' } });
      expect(await post(url, '[]')).toMatchObject({ status: 400, body: { __type: 'SerializationException' } });
      expect(await post(url, '{"Entries": "x"}')).toMatchObject({
        status: 400,
        body: { __type: 'SerializationException' },
      });
      expect(await post(url, '{"Entries": []}')).toMatchObject({
        status: 400,
        body: { __type: 'ValidationException' },
      });
      expect(await post(url, '{}', { 'x-amz-target': 'AWSEvents.ListRules' })).toMatchObject({
        status: 400,
        body: { __type: 'UnknownOperationException' },
      });
      expect((await post(url, Buffer.alloc(5 * 1024 * 1024, 'a'))).status).toBe(413);
      // Beyond twice AWS's 256 KiB of entries the body is not even read: AWS's error, and the server goes on.
      expect(await post(url, Buffer.alloc(512 * 1024 + 1, 'a'))).toMatchObject({ status: 413 });
      // DNS rebinding: without a token, a request addressed to another name is refused on every route.
      for (const [method, path] of [
        ['POST', '/'],
        ['GET', '/'],
        ['GET', '/api/stats'],
        ['GET', '/api/conversations'],
        ['GET', '/api/agents'],
        ['GET', '/metrics'],
        ['GET', '/admin/dlq'],
      ] as const) {
        const answer = await requestWithHost(url, method, path, 'attacker.example');
        expect(answer.status, `${method} ${path}`).toBe(403);
        expect(answer.body, `${method} ${path}`).toMatch(/only requests addressed to localhost/);
      }
      expect((await requestWithHost(url, 'GET', '/api/stats', `localhost:${new URL(url).port}`)).status).toBe(200);
      const malformedId = await fetch(`${url}/admin/dlq/%E0%A4%A`, { headers: { host: new URL(url).host } });
      expect(malformedId.status).toBe(400);
      expect(await malformedId.text()).toMatch(/not valid percent-encoding/);
      // One good entry, one with malformed Detail, one oversized alone in its request.
      const good = entryOf(lines[0]!);
      const mixed = await post(url, JSON.stringify({ Entries: [good, { ...good, Detail: '{"broken"' }] }));
      expect(mixed.status).toBe(200);
      expect(mixed.body.FailedEntryCount).toBe(1);
      expect(mixed.body.Entries?.[0]?.EventId).toBeTruthy();
      expect(mixed.body.Entries?.[1]?.ErrorCode).toBe('MalformedDetail');
      const oversized = await post(
        url,
        JSON.stringify({ Entries: [{ ...good, Detail: JSON.stringify({ pad: 'x'.repeat(300 * 1024) }) }] }),
      );
      expect(oversized).toMatchObject({
        status: 400,
        body: { __type: 'ValidationException', message: expect.stringMatching(/over the limit/) },
      });
      // Unknown routes and methods.
      expect((await fetch(`${url}/nope`)).status).toBe(404);
      expect((await fetch(`${url}/api/stats`, { method: 'DELETE' })).status).toBe(405);
      // The server still works and the accepted event is processed.
      const deadline = Date.now() + 10_000;
      while ((await runtime.telemetry.snapshot()).processed < 1 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect((await runtime.telemetry.snapshot()).processed).toBe(1);
    } finally {
      await runtime.stop();
    }
  });

  it('while draining: PutEvents gets 503, the execution in flight finishes and is committed', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inProcessor = new Promise<void>((resolve) => (entered = resolve));
    const dataDir = join(dir, 'drain');
    const runtime = await startRuntime(
      { dataDir, port: 0, batchWindowMs: 0 },
      {
        functionOverrides: (f) => ({
          ...f,
          [FUNCTION_PLACEHOLDERS.processor]: async (payload) => {
            entered();
            await held;
            return f[FUNCTION_PLACEHOLDERS.processor]!(payload);
          },
        }),
      },
    );
    expect((await post(runtime.url, JSON.stringify({ Entries: [entryOf(lines[0]!)] }))).status).toBe(200);
    await inProcessor;
    const stopping = runtime.stop();
    const res = await post(runtime.url, JSON.stringify({ Entries: [entryOf(lines[1]!)] }));
    expect(res).toMatchObject({ status: 503, body: { __type: 'ServiceUnavailableException' } });
    release();
    await stopping;
    const db = new Database(join(dataDir, 'processing.sqlite'), { readonly: true });
    expect(db.prepare("SELECT count(*) FROM idempotency WHERE status = 'COMPLETED'").pluck().get()).toBe(1);
    db.close();
  });
});

describe('data directory lock', () => {
  it('refuses a second runtime on the same data dir and takes over a stale lock', async () => {
    const dataDir = join(dir, 'lock');
    const first = await startRuntime({ dataDir, port: 0 });
    try {
      await expect(startRuntime({ dataDir, port: 0 })).rejects.toThrow(DataDirLockedError);
      await expect(startRuntime({ dataDir, port: 0 })).rejects.toThrow(new RegExp(`PID ${process.pid}`));
      expect(DataDirLock.holder(dataDir)).toMatchObject({ pid: process.pid, url: first.url });
    } finally {
      await first.stop();
    }
    expect(DataDirLock.holder(dataDir)).toBeUndefined();
    // A lock left by a process that is gone (a PID that cannot exist) is taken over.
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(
      join(dataDir, 'runtime.lock'),
      JSON.stringify({ pid: 2 ** 22 + 12345, hostname: (await import('node:os')).hostname(), startedAt: 1 }),
    );
    const second = await startRuntime({ dataDir, port: 0 });
    try {
      expect(second.recovered.tookOverLockOf).toBe(2 ** 22 + 12345);
    } finally {
      await second.stop();
    }
    // The lock the kernel releases decides: a lock file written on another host (a container
    // recreated on the same volume), an empty one or a garbled one (killed between create and
    // write) never blocks start-up.
    for (const stale of [
      JSON.stringify({ pid: process.pid, hostname: 'another-container', startedAt: 1 }),
      '',
      '{"pid": 12',
    ]) {
      writeFileSync(join(dataDir, 'runtime.lock'), stale);
      const next = await startRuntime({ dataDir, port: 0 });
      await next.stop();
    }
  });
});

describe('the partner bus', () => {
  it('is named after the org and suffix, as Genesys names its partner event source', () => {
    expect(BUS).toBe('aws.partner/genesys.com/cloud/a3c1e4b2-6f0d-4e8a-9b7c-2d5f8e1a0c93/genesys-event-pipeline');
  });
});

describe('the data directory', () => {
  it('is private: the directory 0700, the SQLite files and the lock 0600', async () => {
    const { statSync, readdirSync: list } = await import('node:fs');
    const dataDir = join(dir, 'private', 'data');
    const runtime = await startRuntime({ dataDir, port: 0 });
    try {
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      const files = list(dataDir).filter((f) => /\.sqlite(-wal|-shm)?$|\.lock$|\.json$/.test(f));
      expect(files).toEqual(expect.arrayContaining(['pipeline.sqlite', 'processing.sqlite', 'runtime.lock']));
      for (const f of files) expect(statSync(join(dataDir, f)).mode & 0o777, f).toBe(0o600);
    } finally {
      await runtime.stop();
    }
  });
});

/** A request with a Host header of our choosing (fetch sets its own). */
async function requestWithHost(
  url: string,
  method: 'GET' | 'POST',
  path: string,
  host: string,
): Promise<{ status: number; body: string }> {
  const { request } = await import('node:http');
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method, headers: { host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(method === 'POST' ? '{}' : undefined);
  });
}
