/**
 * The dashboard against the real runtime: `genesys-pipeline run --simulate` in a child process
 * (its built-in simulator sends Genesys events through PutEvents), headless Debian Chromium
 * through playwright-core. The page loads cleanly, the charts render, and the processed count
 * and the contact-centre figures move while events flow. Screenshot:
 * `test-artifacts/runtime-dashboard.png`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../support/paths.js';
import { tempDir } from '../support/tmp.js';
import { startRuntimeProcess } from './support.js';
import type { RuntimeProcess } from './support.js';

interface BrowserElement {
  textContent: string | null;
  dataset: Record<string, string | undefined>;
}
declare const document: {
  getElementById(id: string): BrowserElement | null;
  querySelectorAll(selector: string): { length: number };
};

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const dir = tempDir('gep-runtime-browser-');
let runtime: RuntimeProcess;
let browser: Browser;

beforeAll(async () => {
  runtime = await startRuntimeProcess(join(dir, 'data'), [
    '--simulate',
    '--rate',
    '300',
    '--max-processor-concurrency',
    '8',
  ]);
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
}, 60_000);

afterAll(async () => {
  await browser?.close();
  runtime?.child.kill('SIGTERM');
  await runtime?.exited;
});

const readNumber = (page: Page, selector: string): Promise<number> =>
  page.$eval(selector, (el) => Number((el.textContent ?? '').replace(/[^\d.]/g, '')));

describe('dashboard of the running pipeline', () => {
  it('loads, renders its charts, and its numbers move while simulated events flow', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`);
    });
    const response = await page.goto(`${runtime.url}/`);
    expect(response?.status()).toBe(200);
    await page.waitForFunction(() => document.getElementById('status')?.dataset.state === 'live', undefined, {
      timeout: 10_000,
    });

    const processedBefore = await readNumber(page, '#count-processed');
    await page.waitForFunction(
      (before) =>
        Number((document.getElementById('count-processed')?.textContent ?? '').replace(/[^\d]/g, '')) > before + 100,
      processedBefore,
      { timeout: 20_000 },
    );
    const activeBefore = await readNumber(page, '#cc-active');
    await page.waitForFunction(() => document.querySelectorAll('.uplot').length === 4, undefined, { timeout: 10_000 });
    await page.waitForTimeout(6_000);
    expect(await readNumber(page, '#count-processed')).toBeGreaterThan(processedBefore);
    expect(await readNumber(page, '#kpi-processed')).toBeGreaterThan(0);
    expect(await page.textContent('#kpi-cap')).toBe('8');
    // Contact centre: conversations arrive and the figure changes as the simulation goes on.
    expect(await readNumber(page, '#cc-active')).toBeGreaterThan(0);
    expect(await readNumber(page, '#cc-active')).not.toBe(activeBefore);
    expect((await page.$$('#queue-rows .queue-name')).length).toBeGreaterThan(0);

    mkdirSync(join(projectRoot, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(projectRoot, 'test-artifacts', 'runtime-dashboard.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);
});
