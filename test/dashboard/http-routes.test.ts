import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpRoutes } from '../../src/runtime/http-routes.js';
import type { ConversationListQuery, ConversationQueries } from '../../src/processing/index.js';
import { PipelineTelemetry } from '../../src/telemetry/index.js';
import { tempDir } from '../support/tmp.js';
import { parsePrometheusText, sampleValue } from '../telemetry/prometheus-text.js';
import { SqliteContactCentre } from '../telemetry/sqlite-contact-centre.js';
import { startServer } from './server.js';
import type { TestServer } from './server.js';

/** A small real conversation store: projections in memory, listed most recently updated first. */
class InMemoryConversations implements ConversationQueries {
  readonly queries: ConversationListQuery[] = [];
  constructor(
    private readonly projections: { conversationId: string; state: 'active' | 'ended'; lastEventTime: number }[],
  ) {}
  get(conversationId: string): unknown {
    return this.projections.find((p) => p.conversationId === conversationId);
  }
  list(query: ConversationListQuery): readonly unknown[] {
    this.queries.push(query);
    return this.projections
      .filter((p) => query.state === undefined || p.state === query.state)
      .sort((a, b) => b.lastEventTime - a.lastEventTime)
      .slice(0, query.limit);
  }
}

const C1 = '11111111-1111-4111-8111-111111111111';
const C2 = '22222222-2222-4222-8222-222222222222';
const C3 = '33333333-3333-4333-8333-333333333333';
const conversations = new InMemoryConversations([
  { conversationId: C1, state: 'active', lastEventTime: 1_000 },
  { conversationId: C2, state: 'ended', lastEventTime: 2_000 },
  { conversationId: C3, state: 'active', lastEventTime: 3_000 },
]);

const dir = tempDir('gep-routes-');
const contactCentre = new SqliteContactCentre(join(dir, 'projection.db'));
contactCentre.upsert({ id: C1, queueId: 'q-support', queuedAt: 1 });
const telemetry = new PipelineTelemetry({ concurrencyLimit: 4, contactCentre });
telemetry.accepted(12);
telemetry.processingStarted(3);
telemetry.processed(2, [5, 7]);
telemetry.setBacklog(9);

let open: TestServer;
beforeAll(async () => {
  open = await startServer({ telemetry, conversations });
});
afterAll(async () => {
  await open.close();
  contactCentre.close();
});

function expectHardened(response: Response): void {
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('cache-control')).toMatch(/no-store|no-cache/);
}

describe('read routes without a token', () => {
  it('GET /api/stats: the stats JSON with every field', async () => {
    const response = await fetch(`${open.url}/api/stats`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expectHardened(response);
    const stats = (await response.json()) as Record<string, unknown>;
    expect(stats).toMatchObject({
      accepted: 12,
      processed: 2,
      duplicates: 0,
      invalid: 0,
      failed: 0,
      retried: 0,
      deadLettered: 0,
      throttles: 0,
      inFlight: 3,
      backlog: 9,
      concurrencyLimit: 4,
      processorConcurrencyPeak: 3,
      contactCentre: {
        activeConversations: 1,
        waitingByQueue: [{ queueId: 'q-support', waiting: 1 }],
        abandonRate: null,
        averageHandleTimeMs: null,
        conversationsEnded: 0,
      },
    });
    for (const field of ['eventsPerSecond', 'ingestPerSecond', 'uptimeSeconds', 'rateWindowSeconds'])
      expect(typeof stats[field], field).toBe('number');
    const latency = stats.latencyMs as Record<string, number>;
    expect(latency.samples).toBe(2);
    expect(latency.p50).toBeGreaterThanOrEqual(4.95);
    expect(latency.p99).toBeLessThanOrEqual(7.07);
  });

  it('HEAD /api/stats: headers, no body', async () => {
    const response = await fetch(`${open.url}/api/stats`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(Number(response.headers.get('content-length'))).toBeGreaterThan(100);
    expect(await response.text()).toBe('');
  });

  it('GET /metrics: Prometheus text with the current values', async () => {
    const response = await fetch(`${open.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expectHardened(response);
    const families = parsePrometheusText(await response.text());
    expect(sampleValue(families, 'genesys_pipeline_events_accepted_total')).toBe(12);
    expect(sampleValue(families, 'genesys_pipeline_in_flight_events')).toBe(3);
    expect(sampleValue(families, 'genesys_pipeline_queue_waiting_conversations', { queue_id: 'q-support' })).toBe(1);
  });

  it('GET /: the dashboard page, locked down by a strict CSP', async () => {
    const response = await fetch(`${open.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    const html = await response.text();
    expect(html).toContain('<script src="/dashboard/vendor/uPlot.iife.min.js" defer></script>');
    expect(html).not.toMatch(/https?:\/\//); // nothing from another origin
  });

  it('serves uPlot from node_modules with an ETag, and 304 when unchanged', async () => {
    const require = createRequire(import.meta.url);
    const expected = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8');
    const response = await fetch(`${open.url}/dashboard/vendor/uPlot.iife.min.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(await response.text()).toBe(expected);
    const etag = response.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await fetch(`${open.url}/dashboard/vendor/uPlot.iife.min.js`, { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    for (const path of [
      '/dashboard/app.js',
      '/dashboard/app.css',
      '/dashboard/vendor/uPlot.min.css',
      '/dashboard/favicon.svg',
    ]) {
      const asset = await fetch(`${open.url}${path}`);
      expect(asset.status, path).toBe(200);
      expect((await asset.arrayBuffer()).byteLength, path).toBeGreaterThan(100);
    }
    expect((await fetch(`${open.url}/dashboard/app.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect((await fetch(`${open.url}/dashboard/favicon.svg`)).headers.get('content-type')).toBe('image/svg+xml');
  });

  it('404 for unknown dashboard files and a JSON 404 for unknown /api/* paths', async () => {
    expect((await fetch(`${open.url}/dashboard/../package.json`)).status).toBe(418); // normalised to /package.json: not ours
    expect((await fetch(`${open.url}/dashboard/secrets.js`)).status).toBe(404);
    const api = await fetch(`${open.url}/api/nope`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await api.json()).toMatchObject({ error: 'not_found', message: expect.stringContaining('/api/nope') });
    expect((await fetch(`${open.url}/api`)).status).toBe(404);
  });

  it('405 with Allow for other methods; POST / (PutEvents) and other paths are left to the runtime', async () => {
    for (const [method, path] of [
      ['POST', '/api/stats'],
      ['DELETE', '/metrics'],
      ['PUT', '/api/conversations'],
      ['POST', '/dashboard/app.js'],
    ] as const) {
      const response = await fetch(`${open.url}${path}`, { method });
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD');
      expect(await response.json()).toMatchObject({ error: 'method_not_allowed' });
    }
    const putEvents = await fetch(`${open.url}/`, { method: 'POST', body: '{}' });
    expect(putEvents.headers.get('x-not-handled')).toBe('true');
    expect((await fetch(`${open.url}/elsewhere`)).headers.get('x-not-handled')).toBe('true');
  });

  it('GET /api/conversations/:id: the projection, 404 when unknown, 400 for a malformed id', async () => {
    const found = await fetch(`${open.url}/api/conversations/${C2}`);
    expect(found.status).toBe(200);
    expect(await found.json()).toEqual({ conversationId: C2, state: 'ended', lastEventTime: 2_000 });
    const missing = await fetch(`${open.url}/api/conversations/44444444-4444-4444-8444-444444444444`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      error: 'not_found',
      message: expect.stringContaining('44444444-4444-4444-8444-444444444444'),
    });
    const bad = await fetch(`${open.url}/api/conversations/${encodeURIComponent('<script>')}`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: 'bad_request',
      message: expect.stringContaining('conversation id'),
    });
  });

  it('GET /api/conversations?state=&limit=: filtered, limited, validated', async () => {
    const active = await fetch(`${open.url}/api/conversations?state=active&limit=1`);
    expect(active.status).toBe(200);
    expect(await active.json()).toEqual({
      conversations: [{ conversationId: C3, state: 'active', lastEventTime: 3_000 }],
      count: 1,
      state: 'active',
      limit: 1,
    });
    const all = (await (await fetch(`${open.url}/api/conversations`)).json()) as {
      count: number;
      limit: number;
      state: null;
    };
    expect(all).toMatchObject({ count: 3, limit: 50, state: null });
    expect(conversations.queries.at(-1)).toEqual({ limit: 50 });
    for (const [query, message] of [
      ['state=waiting', /state must be one of active, ended/],
      ['limit=0', /limit must be a whole number from 1 to 1000/],
      ['limit=1001', /limit must be a whole number/],
      ['limit=2.5', /limit must be a whole number/],
      ['stat=active', /Unknown query parameter "stat"/],
    ] as const) {
      const response = await fetch(`${open.url}/api/conversations?${query}`);
      expect(response.status, query).toBe(400);
      expect(((await response.json()) as { message: string }).message, query).toMatch(message);
    }
  });

  it('answers 500 without details when the conversation store fails, and reports the error', async () => {
    const failing = await startServer({
      telemetry,
      conversations: {
        get: () => Promise.reject(new Error('SQLITE_CORRUPT: /var/lib/secret/path.db')),
        list: () => [],
      },
    });
    try {
      const response = await fetch(`${failing.url}/api/conversations/${C1}`);
      expect(response.status).toBe(500);
      const body = await response.text();
      expect(body).toContain('failed');
      expect(body).not.toContain('SQLITE_CORRUPT');
      expect(failing.errors).toHaveLength(1);
      expect(String(failing.errors[0])).toContain('SQLITE_CORRUPT');
    } finally {
      await failing.close();
    }
  });

  it('404 for the conversation routes when the runtime serves no projection', async () => {
    const bare = await startServer({ telemetry });
    try {
      const response = await fetch(`${bare.url}/api/conversations?state=active`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: 'not_found' });
    } finally {
      await bare.close();
    }
  });
});

describe('read routes with a token', () => {
  const TOKEN = 'tok_9f2c1e7b5a4d4c3f8e6b';
  let secured: TestServer;
  beforeAll(async () => {
    secured = await startServer({ telemetry, conversations, token: TOKEN });
  });
  afterAll(() => secured.close());

  it('401 with WWW-Authenticate: Bearer when the token is missing, invalid_token when wrong', async () => {
    for (const path of ['/api/stats', '/metrics', '/api/conversations', '/dashboard/app.js', '/api/nope']) {
      const missing = await fetch(`${secured.url}${path}`);
      expect(missing.status, path).toBe(401);
      expect(missing.headers.get('www-authenticate'), path).toBe('Bearer realm="genesys-pipeline"');
      const body = await missing.text();
      expect(body).toContain('Authorization: Bearer');
      expect(body).not.toContain(TOKEN);
    }
    const wrong = await fetch(`${secured.url}/api/stats`, { headers: { Authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="genesys-pipeline", error="invalid_token"');
    expect(await wrong.text()).not.toContain(TOKEN);
    const basic = await fetch(`${secured.url}/api/stats`, {
      headers: { Authorization: `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}` },
    });
    expect(basic.status).toBe(401);
    expect(basic.headers.get('www-authenticate')).toBe('Bearer realm="genesys-pipeline"');
    // Authentication comes before method checks: nothing about the routes leaks without the token.
    expect((await fetch(`${secured.url}/api/stats`, { method: 'POST' })).status).toBe(401);
  });

  it('200 with the right bearer token (scheme case-insensitive)', async () => {
    const stats = await fetch(`${secured.url}/api/stats`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(stats.status).toBe(200);
    const metrics = await fetch(`${secured.url}/metrics`, { headers: { Authorization: `bearer ${TOKEN}` } });
    expect(metrics.status).toBe(200);
    expect(sampleValue(parsePrometheusText(await metrics.text()), 'genesys_pipeline_events_accepted_total')).toBe(12);
  });

  it('the page: 401 page without the token; /?token= sets an HttpOnly session cookie and redirects to /', async () => {
    const page = await fetch(`${secured.url}/`, { headers: { Accept: 'text/html' } });
    expect(page.status).toBe(401);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('/?token=');

    const wrong = await fetch(`${secured.url}/?token=nope`, { redirect: 'manual' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();

    const login = await fetch(`${secured.url}/?token=${encodeURIComponent(TOKEN)}`, { redirect: 'manual' });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/');
    const setCookie = login.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^gep_dashboard_session=[\w-]+; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(setCookie).not.toContain(TOKEN); // the cookie is derived from the token, not the token
    const cookie = setCookie.split(';')[0]!;

    const withCookie = await fetch(`${secured.url}/`, { headers: { Cookie: cookie } });
    expect(withCookie.status).toBe(200);
    expect(await withCookie.text()).toContain('Genesys event pipeline');
    expect((await fetch(`${secured.url}/api/stats`, { headers: { Cookie: `other=1; ${cookie}` } })).status).toBe(200);
    expect((await fetch(`${secured.url}/dashboard/vendor/uPlot.min.css`, { headers: { Cookie: cookie } })).status).toBe(
      200,
    );
    const forged = await fetch(`${secured.url}/api/stats`, { headers: { Cookie: `${cookie}x` } });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('www-authenticate')).toContain('invalid_token');
    // The cookie is not a bearer token.
    expect(
      (await fetch(`${secured.url}/api/stats`, { headers: { Authorization: `Bearer ${cookie.split('=')[1]}` } }))
        .status,
    ).toBe(401);
  });

  it('refuses an empty token', () => {
    expect(() => createHttpRoutes({ telemetry, token: '' })).toThrow(/token must not be empty/);
  });
});
