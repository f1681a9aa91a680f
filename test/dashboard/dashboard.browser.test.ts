/**
 * The dashboard in a real browser: Debian's Chromium (headless) through playwright-core, against
 * a real HTTP server with the runtime's read routes and a real PipelineTelemetry that the test
 * feeds as a pipeline would (a timer accepting, processing and dead-lettering events).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PipelineTelemetry } from '../../src/telemetry/index.js';
import { projectRoot } from '../support/paths.js';
import { tempDir } from '../support/tmp.js';
import { SqliteContactCentre } from '../telemetry/sqlite-contact-centre.js';
import { startServer } from './server.js';
import type { TestServer } from './server.js';

// The page functions below run in the browser; the project compiles without the DOM library, so
// they see these minimal declarations of what they use.
interface BrowserElement {
  id: string;
  textContent: string | null;
  dataset: Record<string, string | undefined>;
}
interface BrowserCanvas {
  width: number;
  height: number;
  getContext(
    kind: '2d',
  ): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
}
declare const document: {
  cookie: string;
  getElementById(id: string): BrowserElement | null;
  querySelectorAll(selector: string): { length: number };
};

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TOKEN = 'dashboard-test-token-4b1d9e';
const CONCURRENCY = 16;
const CAPACITY_PER_SECOND = 2_400;

/**
 * A stand-in for the runtime's event flow: every 100 ms it accepts a wave of events (around the
 * processing capacity, so a backlog builds and drains), processes up to capacity with realistic
 * latencies, and records the occasional duplicate, retry and dead letter. Conversations move
 * through queues in the SQLite contact-centre table.
 */
class FlowSimulator {
  private timer: NodeJS.Timeout | undefined;
  private tick = 0;
  private backlog = 0;
  private inFlight = 0;
  private conversation = 0;

  constructor(
    private readonly telemetry: PipelineTelemetry,
    private readonly contactCentre: SqliteContactCentre,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.step(), 100);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private step(): void {
    const t = this.tick++;
    const ingestPerSecond = 2_300 + 900 * Math.sin(t / 12);
    const accepted = Math.round(ingestPerSecond / 10);
    this.telemetry.accepted(accepted);
    this.backlog += accepted;

    this.telemetry.processingFinished(this.inFlight);
    const take = Math.min(this.backlog, CAPACITY_PER_SECOND / 10);
    this.inFlight = Math.min(CONCURRENCY, Math.ceil(take / 16));
    this.telemetry.processingStarted(this.inFlight);
    const duplicates = t % 7 === 0 ? 2 : 0;
    const deadLettered = t % 25 === 0 ? 1 : 0;
    const processed = take - duplicates - deadLettered;
    const queueDelayMs = (this.backlog / CAPACITY_PER_SECOND) * 1000;
    const latencies = Array.from(
      { length: processed },
      (_, i) => 3 + ((i * 37) % 11) + queueDelayMs * (0.5 + (i % 10) / 20) + (i % 97 === 0 ? 60 : 0),
    );
    this.telemetry.processed(processed, latencies);
    this.telemetry.duplicate(duplicates);
    if (deadLettered) {
      this.telemetry.failed(3);
      this.telemetry.retried(2);
      this.telemetry.invalid();
      this.telemetry.deadLettered();
    }
    if (t % 3 === 0) {
      this.telemetry.failed();
      this.telemetry.retried();
    }
    this.backlog -= take;
    this.telemetry.setBacklog(this.backlog);

    // Conversations: one arrives per tick into a queue (some queues busier than others); most
    // are answered six ticks later and half of those end; every tenth abandons instead.
    const n = this.conversation++;
    this.contactCentre.upsert({ id: `conv-${n}`, queueId: queueOf(n), queuedAt: t });
    const old = n - 6;
    if (old < 0) return;
    const base = { id: `conv-${old}`, queueId: queueOf(old), queuedAt: old };
    if (old % 10 === 0) {
      this.contactCentre.upsert({ ...base, abandoned: true, endedAt: t });
    } else if (old % 5 !== 0) {
      const ended =
        old % 2 === 0 ? { endedAt: t, talkMs: 180_000 + (old % 9) * 20_000, holdMs: 15_000, acwMs: 45_000 } : {};
      this.contactCentre.upsert({ ...base, answeredAt: t, ...ended });
    }
  }
}

const QUEUES = ['billing', 'sales', 'support-tier-1', 'support-tier-2'];
const queueOf = (n: number): string => QUEUES[[0, 0, 1, 2, 2, 2, 3][n % 7]!]!;

const dir = tempDir('gep-dashboard-');
let contactCentre: SqliteContactCentre;
let telemetry: PipelineTelemetry;
let simulator: FlowSimulator;
let server: TestServer;
let browser: Browser;

beforeAll(async () => {
  contactCentre = new SqliteContactCentre(join(dir, 'projection.db'));
  telemetry = new PipelineTelemetry({ concurrencyLimit: CONCURRENCY, contactCentre });
  simulator = new FlowSimulator(telemetry, contactCentre);
  simulator.start();
  // No conversation is projected here: the recent-conversations panel stays empty.
  server = await startServer({ telemetry, token: TOKEN, conversations: { get: () => undefined, list: () => [] } });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
    ],
  });
});

afterAll(async () => {
  simulator?.stop();
  await browser?.close();
  await server?.close().catch(() => undefined);
  contactCentre?.close();
});

/** Everything that went wrong in a page: console errors, script errors, failed or refused requests. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) =>
    problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`),
  );
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return problems;
}

const readNumber = (page: Page, selector: string): Promise<number> =>
  page.$eval(selector, (el) => Number((el.textContent ?? '').replace(/[^\d.]/g, '')));

describe('dashboard in Chromium', () => {
  it('without the token the page is refused', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const response = await page.goto(`${server.url}/`);
      expect(response?.status()).toBe(401);
      expect(await page.textContent('h1')).toBe('Access token required');
      expect(await page.$('#chart-rates')).toBeNull();
    } finally {
      await context.close();
    }
  });

  it('with the token: loads cleanly, renders live charts and numbers that move', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const problems = watch(page);

    // First visit with ?token=: the server sets the session cookie and redirects to "/".
    const response = await page.goto(`${server.url}/?token=${TOKEN}`);
    expect(response?.status()).toBe(200);
    expect(new URL(page.url()).search).toBe(''); // the token left the address bar
    expect(await page.evaluate(() => document.cookie)).toBe(''); // HttpOnly: scripts cannot read the session

    await page.waitForFunction(() => document.getElementById('status')?.dataset.state === 'live', undefined, {
      timeout: 10_000,
    });
    expect(await page.textContent('#status-text')).toBe('Live');

    // The counters move while events flow.
    const acceptedBefore = await readNumber(page, '#count-accepted');
    expect(acceptedBefore).toBeGreaterThan(0);
    await page.waitForFunction(
      (before) => Number((document.getElementById('count-accepted')?.textContent ?? '').replace(/[^\d]/g, '')) > before,
      acceptedBefore,
      {
        timeout: 10_000,
      },
    );
    expect(await readNumber(page, '#count-accepted')).toBeGreaterThan(acceptedBefore);
    expect(await readNumber(page, '#kpi-ingest')).toBeGreaterThan(0);
    expect(await page.textContent('#kpi-cap')).toBe(String(CONCURRENCY));

    // Let the charts gather a few seconds of history, then check they are drawn.
    await page.waitForFunction(() => (document.querySelectorAll('.uplot').length === 4 ? true : false));
    await page.waitForTimeout(6_000);
    const charts = await page.$$eval('.chart', (elements) =>
      elements.map((el) => {
        const canvas = el.querySelector('canvas');
        const box = el.querySelector('.uplot')?.getBoundingClientRect();
        return { id: el.id, width: box?.width ?? 0, height: box?.height ?? 0, canvasWidth: canvas?.width ?? 0 };
      }),
    );
    expect(charts.map((c) => c.id)).toEqual(['chart-rates', 'chart-backlog', 'chart-concurrency', 'chart-latency']);
    for (const chart of charts) {
      expect(chart.width, chart.id).toBeGreaterThan(400);
      expect(chart.height, chart.id).toBeGreaterThan(200);
      expect(chart.canvasWidth, chart.id).toBeGreaterThan(400);
    }
    // Each chart's first series is drawn: its line colour appears on the canvas.
    const seriesPixels = await page.$$eval('.chart canvas', (canvases) => {
      const colours: [number, number, number][] = [
        [0x25, 0x63, 0xeb], // ingest
        [0xd9, 0x77, 0x06], // backlog
        [0x7c, 0x3a, 0xed], // in flight
        [0x08, 0x91, 0xb2], // p50
      ];
      return canvases.map((canvas, i) => {
        const c = canvas as unknown as BrowserCanvas;
        const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
        const [r, g, b] = colours[i]!;
        let near = 0;
        for (let p = 0; p < data.length; p += 4) {
          if (
            data[p + 3]! > 200 &&
            Math.abs(data[p]! - r) + Math.abs(data[p + 1]! - g) + Math.abs(data[p + 2]! - b) < 60
          )
            near++;
        }
        return near;
      });
    });
    expect(seriesPixels).toHaveLength(4);
    for (const [i, count] of seriesPixels.entries()) expect(count, `series pixels of chart ${i}`).toBeGreaterThan(30);

    // Contact-centre panel: figures and the per-queue list.
    expect(await readNumber(page, '#cc-active')).toBeGreaterThan(0);
    expect(await page.textContent('#cc-abandon')).toMatch(/^\d+(\.\d)? %$/);
    expect(await page.textContent('#cc-aht')).toMatch(/^\d+:\d\d$/);
    const queues = await page.$$eval('#queue-rows .queue-name', (cells) => cells.map((c) => c.textContent));
    expect(queues.length).toBeGreaterThan(0);
    expect(await page.getAttribute('#count-dead-lettered', 'id')).toBe('count-dead-lettered');
    expect(await readNumber(page, '#count-dead-lettered')).toBeGreaterThan(0);
    expect(await page.getAttribute('.dlq', 'data-alert')).toBe('true');

    mkdirSync(join(projectRoot, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(projectRoot, 'test-artifacts', 'dashboard.png'), fullPage: true });
    expect(problems).toEqual([]);

    // The API stops answering: the status line turns stale.
    simulator.stop();
    await server.close();
    await page.waitForFunction(() => document.getElementById('status')?.dataset.state === 'stale', undefined, {
      timeout: 15_000,
    });
    expect(await page.textContent('#status-text')).toMatch(
      /^Stale: no answer from the pipeline \((connection failed|timed out)\)$/,
    );
    expect(await page.textContent('#last-update')).toMatch(/^Last update .+, \d+ s ago$/);
    await context.close();
  });
});
