/**
 * The dashboard against the real runtime: `genesys-pipeline run --simulate` in a child process
 * (its built-in simulator sends Genesys events through PutEvents), headless Debian Chromium
 * through playwright-core. The page loads cleanly, the charts render, and the processed count,
 * the contact-centre figures and the agent panel (agents by routing status) move while events
 * flow; the API serves the agents' states and audits; queues and agents show by name (the
 * simulator's organisation fills the directory). Screenshot:
 * `test-artifacts/runtime-dashboard.png`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulationCatalogue } from '../../src/simulate/index.js';
import { launchChromium } from '../support/browser.js';
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
  browser = await launchChromium();
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

    // Agents: the simulated agents logged in and went on queue; the panel counts them by routing
    // status, live — some become INTERACTING as the simulated interactions connect.
    await page.waitForFunction(() => document.getElementById('agents-logged-in')?.textContent === '60', undefined, {
      timeout: 20_000,
    });
    await page.waitForFunction(
      () => document.querySelectorAll('#agent-rows tr[data-status="INTERACTING"]').length === 1,
      undefined,
      { timeout: 40_000 },
    );
    const statuses = await page.$$eval('#agent-rows tr[data-status]', (rows) =>
      rows.map((row) => (row as unknown as BrowserElement).dataset.status),
    );
    expect(statuses).toContain('INTERACTING');
    const panelTotal = await page.$$eval('#agent-rows tr[data-status] td.num', (cells) =>
      cells.reduce((sum, cell) => sum + Number((cell.textContent ?? '').replace(/[^\d]/g, '')), 0),
    );
    expect(panelTotal).toBe(60);
    // The same through the API: every agent's state, and the audits of their presence changes.
    const agents = (await (await fetch(`${runtime.url}/api/agents`)).json()) as {
      count: number;
      agents: { userId: string; name?: string; routingStatus?: { status: string } }[];
    };
    expect(agents.count).toBe(60);
    // Each agent named from the directory (the simulator's organisation), looked up when read.
    const agentNames = new Map(simulationCatalogue().agents.map((a) => [a.id, a.name]));
    for (const agent of agents.agents) expect(agent.name).toBe(agentNames.get(agent.userId));
    expect(agents.agents.some((a) => a.routingStatus?.status === 'INTERACTING')).toBe(true);
    const someone = agents.agents[0]!.userId;
    const audits = (await (
      await fetch(`${runtime.url}/api/audits?entityType=UserPresence&entityId=${someone}`)
    ).json()) as { count: number; audits: { propertyChanges: { property: string }[] }[] };
    expect(audits.count).toBeGreaterThanOrEqual(2); // Offline → Available → On Queue
    expect(audits.audits[0]!.propertyChanges[0]!.property).toBe('PRESENCE');

    mkdirSync(join(projectRoot, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(projectRoot, 'test-artifacts', 'runtime-dashboard.png'), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('shows queue and agent names, not ids', async () => {
    const catalogue = simulationCatalogue();
    const queueNames = new Set(catalogue.queues.map((q) => q.name));
    const agentNames = new Set(catalogue.agents.map((a) => a.name));
    const wrapupNames = new Set(catalogue.wrapupCodes.map((w) => w.name));
    const context = await browser.newContext({ viewport: { width: 1440, height: 1100 } });
    const page = await context.newPage();
    await page.goto(`${runtime.url}/`);
    // Conversations wait in queues, and agents have answered some of them.
    await page.waitForFunction(() => document.querySelectorAll('#queue-rows .queue-name').length > 0, undefined, {
      timeout: 20_000,
    });
    await page.waitForFunction(
      () => document.querySelectorAll('#recent-rows .agent-cell[title]').length > 0,
      undefined,
      { timeout: 30_000 },
    );
    const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-/;
    const queues = await page.$$eval('#queue-rows .queue-name', (cells) =>
      cells.map((c) => ({ text: c.textContent ?? '', id: (c as unknown as { title: string }).title })),
    );
    expect(queues.length).toBeGreaterThan(0);
    for (const q of queues) {
      expect(queueNames.has(q.text)).toBe(true);
      expect(catalogue.queueById.get(q.id)?.name).toBe(q.text);
    }
    const agents = await page.$$eval('#recent-rows .agent-cell[title]', (cells) =>
      cells.map((c) => ({ text: c.textContent ?? '', ids: (c as unknown as { title: string }).title })),
    );
    for (const a of agents) {
      expect(a.text).not.toMatch(uuid);
      for (const name of a.text.split(', ')) expect(agentNames.has(name)).toBe(true);
      expect(catalogue.agentById.get(a.ids.split(', ')[0]!)?.name).toBe(a.text.split(', ')[0]);
    }
    const wrapups = await page.$$eval('#recent-rows .wrapup-cell[title]', (cells) =>
      cells.map((c) => c.textContent ?? ''),
    );
    for (const w of wrapups)
      for (const name of w.split(', ')) expect(wrapupNames.has(name) || name === 'ININ-WRAP-UP-TIMEOUT').toBe(true);
    mkdirSync(join(projectRoot, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(projectRoot, 'test-artifacts', 'runtime-dashboard-names.png'), fullPage: true });
    await context.close();
  }, 60_000);
});
