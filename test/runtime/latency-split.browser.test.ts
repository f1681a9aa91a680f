/**
 * "Where the time goes" on the dashboard of the real runtime: `genesys-pipeline run --simulate`
 * with a 2 s batching window at a rate that fills a batch in more than that (the window dominates
 * even when a loaded machine slows processing), so that events spend
 * most of their time waiting in the window. The runtime measures the split (`/api/stats`
 * `latencySplitMs`), and Chromium shows it: a bar whose segments are the stages' shares and a
 * table of the same numbers.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LatencySplit } from '../../src/telemetry/index.js';
import { launchChromium, watchPage } from '../support/browser.js';
import { tempDir } from '../support/tmp.js';
import { getJson, startRuntimeProcess } from './support.js';
import type { RuntimeProcess } from './support.js';

interface BrowserElement {
  textContent: string | null;
  dataset: Record<string, string | undefined>;
  getBoundingClientRect(): { width: number };
}
declare const document: {
  getElementById(id: string): BrowserElement | null;
  querySelector(selector: string): BrowserElement | null;
  addEventListener(type: string, listener: (event: { detail: { latencySplitMs: LatencySplit } }) => void): void;
};
declare const window: { lastSplit?: LatencySplit };

const dir = tempDir('gep-latency-split-');
let runtime: RuntimeProcess;
let browser: Browser;

beforeAll(async () => {
  [runtime, browser] = await Promise.all([
    startRuntimeProcess(join(dir, 'data'), [
      '--simulate',
      '--rate',
      '40',
      '--batch-size',
      '100',
      '--batch-window-ms',
      '2000',
    ]),
    launchChromium(),
  ]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  runtime?.child.kill('SIGTERM');
  await runtime?.exited;
});

describe('where the time goes', () => {
  it('shows the batching window’s share of the accept → processed time, as the runtime measures it', async () => {
    // Reduced motion: the segments' width transition is off, so the widths measured are the ones
    // the last redraw set, not a frame in between.
    const page = await browser.newPage({
      viewport: { width: 1440, height: 900 },
      locale: 'en-US',
      reducedMotion: 'reduce',
    });
    const problems = watchPage(page, [runtime.url]);
    await page.goto(`${runtime.url}/`);
    // Keep the answer each redraw used, to compare the page with it.
    await page.evaluate(() =>
      document.addEventListener('pipeline-stats', (event) => (window.lastSplit = event.detail.latencySplitMs)),
    );
    await page.waitForFunction(() => Number(document.getElementById('split-bar')?.dataset.samples) >= 100, undefined, {
      timeout: 30_000,
    });
    // Two redraws later, so that the window holds a few batches.
    await page.waitForTimeout(2_500);
    const shown = await page.evaluate(() => {
      const width = (id: string): number => document.getElementById(id)!.getBoundingClientRect().width;
      const cell = (stage: string, q: string): string =>
        document.querySelector(`.split-table tr[data-stage="${stage}"] td[data-q="${q}"]`)!.textContent ?? '';
      return {
        split: window.lastSplit!,
        bar: width('split-bar'),
        queued: width('split-seg-queued'),
        batching: width('split-seg-batching'),
        processing: width('split-seg-processing'),
        batchingMean: cell('batching', 'mean'),
        processingP99: cell('processing', 'p99'),
        storedP50: cell('stored', 'p50'),
        summary: document.getElementById('split-summary')!.textContent ?? '',
      };
    });
    const { split } = shown;
    expect(split.batchWindowMs).toBe(2000);
    expect(split.samples).toBeGreaterThanOrEqual(100);
    // Each event waits for the window to end (a batch of 100 takes 2.5 s to fill at 40 events/s).
    expect(split.batching.mean!).toBeGreaterThan(200);
    expect(split.batching.mean!).toBeLessThan(2_500);
    expect(split.batching.mean!).toBeGreaterThan(split.queued.mean! + split.processing.mean!);
    const sum = split.queued.mean! + split.batching.mean! + split.processing.mean!;
    expect(Math.abs(sum - split.totalMean!) / split.totalMean!).toBeLessThan(0.02);
    expect(split.stored.samples).toBeGreaterThan(0);

    // The bar: each segment is its stage's share of the stages' sum (which is within 2 % of the total
    // mean, above), so that together they fill it; the batching window the widest.
    const segments = shown.queued + shown.batching + shown.processing;
    expect(Math.abs(segments - shown.bar)).toBeLessThan(2);
    expect(Math.abs(shown.batching / shown.bar - split.batching.mean! / sum)).toBeLessThan(0.005);
    expect(Math.abs(shown.processing / shown.bar - split.processing.mean! / sum)).toBeLessThan(0.005);
    expect(shown.batching).toBeGreaterThan(shown.queued + shown.processing);
    // The table and the sentence say the same numbers.
    expect(shown.batchingMean).toBe(formatMs(split.batching.mean!));
    expect(shown.processingP99).toBe(formatMs(split.processing.p99!));
    expect(shown.storedP50).toBe(formatMs(split.stored.p50!));
    expect(shown.summary).toContain(`${formatMs(split.batching.mean!)} (`);
    expect(shown.summary).toContain('configured window: up to 2,000 ms');

    // The same figures as /api/stats serves them (a later snapshot of the same runtime).
    const stats = await getJson<{ latencySplitMs: LatencySplit }>(`${runtime.url}/api/stats`);
    expect(stats.body.latencySplitMs.batchWindowMs).toBe(2000);
    expect(stats.body.latencySplitMs.batching.mean!).toBeGreaterThan(200);
    expect(problems).toEqual([]);
    await page.close();
  }, 60_000);
});

/** As the page formats milliseconds (en-US, the browser's locale here). */
function formatMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toLocaleString('en-US', { maximumFractionDigits: 1 })} s`;
  if (ms >= 100) return `${ms.toLocaleString('en-US', { maximumFractionDigits: 0 })} ms`;
  if (ms >= 10) return `${ms.toLocaleString('en-US', { maximumFractionDigits: 1 })} ms`;
  return `${ms.toLocaleString('en-US', { maximumFractionDigits: 2 })} ms`;
}
