/**
 * `plan --burst 1000000 --html FILE` in a real browser: the CLI writes the page, Debian's
 * Chromium opens it from disk, and the charts must be drawn with the plan's own numbers — the
 * peaks of the burst series, the configured bound, the cost of each component and the floor —
 * with nothing fetched and nothing refused by the page's CSP.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planCapacity, resolvePlanInputs } from '../../src/plan/index.js';
import type { PlanReport } from '../../src/plan/index.js';
import { launchChromium, watchPage } from '../support/browser.js';
import type { BrowserCanvas } from '../support/browser.js';
import { runCli } from '../support/cli.js';
import { projectRoot } from '../support/paths.js';
import { tempDir } from '../support/tmp.js';

// What the page functions below use of the DOM (the project compiles without the DOM library).
interface PageChart {
  mode: string;
  unit: string;
  chart: {
    data: Array<Array<number | null>>;
    series: Array<{ label?: string }>;
    ctx: { canvas: BrowserCanvas };
  };
}
interface BrowserElement {
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): ArrayLike<BrowserElement>;
  textContent: string | null;
}
declare const window: { planPage: { charts: PageChart[]; costs: Array<{ mode: string; svg: BrowserElement }> } };

const dir = tempDir('gep-plan-html-');
const file = join(dir, 'plan.html');
const BATCH_SIZES = [100, 1000];
let browser: Browser;
/** The plans the page must show, computed here with the same inputs. */
let expected: Map<number, PlanReport>;

beforeAll(async () => {
  browser = await launchChromium();
  expected = new Map(
    BATCH_SIZES.map((batchSize) => [
      batchSize,
      planCapacity(resolvePlanInputs({ rate: 100, burst: 1_000_000, batchSize }), { burstSeries: true }),
    ]),
  );
});
afterAll(async () => {
  await browser?.close();
});

describe('plan --html in Chromium', () => {
  it('renders the burst, the cost with its floor and the verdicts of every topology, with the plan’s numbers', async () => {
    const run = await runCli([
      'plan',
      '--rate',
      '100',
      '--burst',
      '1000000',
      '--batch-size',
      BATCH_SIZES.join(','),
      '--html',
      file,
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`Wrote the plan's charts to ${file}`);
    expect(run.stdout).toContain('════ batch size 1,000, MaxConcurrency 25 ════');
    const html = readFileSync(file, 'utf8');
    // Self-contained: uPlot inline, no URL to load anything from.
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|@import|url\(/i);
    expect(html).toContain('uPlot');

    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const problems = watchPage(page);
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`file://${file}`);
    await page.waitForSelector('body[data-rendered="true"]');
    expect(requests).toEqual([`file://${file}`]);

    const charts = await page.evaluate(() =>
      window.planPage.charts.map(({ mode, unit, chart }) => {
        const canvas = chart.ctx.canvas;
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let drawn = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) drawn++;
        return {
          mode,
          unit,
          drawn,
          labels: chart.series.slice(1).map((s) => s.label ?? ''),
          maxima: chart.data.slice(1).map((column) => Math.max(...column.filter((v): v is number => v !== null))),
        };
      }),
    );
    for (const mode of ['buffered', 'direct']) {
      const units = charts.filter((c) => c.mode === mode).map((c) => c.unit);
      expect(units).toEqual(['events', 'events/s', 'concurrent executions']);
    }
    for (const c of charts) expect(c.drawn, `${c.mode} ${c.unit}`).toBeGreaterThan(2_000);

    // Buffered: one backlog line per batch size, peaking at the plan's peak backlog.
    const backlog = charts.find((c) => c.mode === 'buffered' && c.unit === 'events')!;
    expect(backlog.labels).toEqual([
      'Backlog — batch size 100 · MaxConcurrency 25',
      'Backlog — batch size 1,000 · MaxConcurrency 25',
    ]);
    BATCH_SIZES.forEach((batchSize, i) => {
      const burst = expected.get(batchSize)!.modes.find((m) => m.mode === 'buffered')!.burst!;
      expect(Math.abs(backlog.maxima[i]! - burst.peakBacklog) / burst.peakBacklog).toBeLessThan(1e-3);
    });
    // Concurrency: the peak of all functions, and the bound (the account quota) drawn flat.
    const concurrency = charts.find((c) => c.mode === 'buffered' && c.unit === 'concurrent executions')!;
    const peak = expected.get(100)!.modes.find((m) => m.mode === 'buffered')!.burst!.peakLambdaConcurrency;
    expect(Math.abs(Math.ceil(concurrency.maxima[0]!) - peak)).toBeLessThanOrEqual(1);
    expect(concurrency.labels.at(-1)).toBe('Account Lambda concurrency quota: 1,000');
    expect(concurrency.maxima.at(-1)).toBe(1000);
    // Direct does not depend on the batch size: one result for both settings.
    const directBacklog = charts.find((c) => c.mode === 'direct' && c.unit === 'events')!;
    expect(directBacklog.labels).toEqual(['Backlog']);

    // Cost: each bar adds up to the plan's monthly cost; the floor line at the plan's floor.
    const costs = await page.evaluate(() =>
      window.planPage.costs.map(({ mode, svg }) => ({
        mode,
        floor: Number(svg.getAttribute('data-floor-usd')),
        rows: Array.from(svg.querySelectorAll('.cost-row')).map((row) => ({
          total: Number(row.getAttribute('data-total-usd')),
          parts: Array.from(row.querySelectorAll('rect')).map((r) => Number(r.getAttribute('data-usd'))),
        })),
      })),
    );
    const report = expected.get(100)!;
    expect(costs.map((c) => c.mode)).toEqual(['buffered', 'direct']);
    for (const cost of costs) {
      expect(cost.floor).toBeCloseTo(report.costFloor.monthlyUsd, 2);
      for (const row of cost.rows) expect(row.parts.reduce((a, b) => a + b, 0)).toBeCloseTo(row.total, 1);
    }
    expect(costs[0]!.rows.map((r) => r.total)).toEqual(
      BATCH_SIZES.map(
        (b) => Math.round(expected.get(b)!.modes.find((m) => m.mode === 'buffered')!.monthlyCostUsd * 100) / 100,
      ),
    );
    expect(await page.textContent('header')).toContain('Cost floor $362.88 a month ($1.40 per million events)');

    // The verdicts, as the text plan words them.
    const verdict = report.modes.find((m) => m.mode === 'buffered')!.verdicts[0]!;
    expect(await page.textContent('#topology-buffered .verdicts')).toContain(verdict);
    expect(await page.textContent('#prices')).toContain('https://aws.amazon.com/sqs/pricing/');

    expect(problems).toEqual([]);
    mkdirSync(join(projectRoot, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(projectRoot, 'test-artifacts', 'plan-html.png'), fullPage: true });
    await context.close();
  }, 60_000);
});
