/**
 * The set-up most end-to-end files share: the real workbook, Chromium, and
 * one page on it whose script errors are collected, so a case can say the
 * page raised none.
 */
import { inject } from 'vitest';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { startBrowserWorkbook, type BrowserWorkbook } from './workbook.js';

/** What openBrowserPage opened. */
export interface BrowserPage {
  workbook: BrowserWorkbook;
  browser: Browser;
  page: Page;
}

/** A projector's size, the one the cases are written for. */
const VIEWPORT = { width: 1280, height: 720 };

/**
 * Starts the workbook (serving the client the global set-up built) and Chromium, and opens a 1280x720 page
 * whose errors are pushed onto `pageErrors`. Whatever started is closed again if a later step fails.
 */
export async function openBrowserPage(
  pageErrors: string[],
  options: BrowserContextOptions = {},
  workbookOptions: { amqpUrl?: string } = {},
): Promise<BrowserPage> {
  const workbook = await startBrowserWorkbook({ clientDir: inject('clientDir'), ...workbookOptions });
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: VIEWPORT, ...options });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return { workbook, browser, page };
  } catch (error) {
    await browser?.close();
    await workbook.close();
    throw error;
  }
}

/** Closes what openBrowserPage opened; nothing when it never got that far. */
export async function closeBrowserPage(opened: Partial<BrowserPage>): Promise<void> {
  await opened.browser?.close();
  await opened.workbook?.close();
}
