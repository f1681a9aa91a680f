/**
 * Debian's Chromium, headless, through playwright-core (never a downloaded browser), and a watch
 * on a page for anything that went wrong in it.
 */
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';

/** A canvas as page functions see it (the project compiles without the DOM library). */
export interface BrowserCanvas {
  width: number;
  height: number;
  getContext(
    kind: '2d',
  ): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
}

/** The Chromium binary (CHROMIUM_PATH, else Debian's). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launches headless Chromium with no network of its own (no updates, sync or QUIC). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}

/**
 * Collects what goes wrong in `page`: console errors and warnings (a CSP violation is one),
 * script errors, failed requests, HTTP errors, and every request outside `allowedOrigins`
 * (`file:` pages may load only `file:` URLs).
 */
export function watchPage(page: Page, allowedOrigins: readonly string[] = []): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('requestfailed', (request) =>
    problems.push(`request failed: ${request.url()} ${request.failure()?.errorText ?? ''}`),
  );
  page.on('request', (request) => {
    const url = request.url();
    if (url.startsWith('file:') || url.startsWith('data:')) return;
    if (!allowedOrigins.some((origin) => url.startsWith(origin))) problems.push(`request outside the page: ${url}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return problems;
}
