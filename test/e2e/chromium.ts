/**
 * Debian's Chromium, as every browser test launches it: never a downloaded
 * browser. Shared by the component tests' config, the end-to-end tests and
 * the UI benchmark.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Where Debian installs Chromium. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags for a quiet, headless Chromium that talks to nothing but the page under test. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** True under CI, where a missing browser is a failure rather than a skip. */
const IN_CI = process.env.CI === 'true';

/**
 * Whether the browser tests can run here. Without Chromium they are skipped
 * with a printed notice, except under CI, where that throws: a test suite
 * that skips silently on the build machine proves nothing.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const notice = `Chromium is not installed at ${CHROMIUM_PATH}: the browser tests cannot run (apt-get install chromium).`;
  if (IN_CI) throw new Error(notice);
  console.warn(`SKIPPED: ${notice}`);
  return false;
}

/** Launches Chromium headless (Playwright gives it a fresh profile of its own and removes it on close). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}
