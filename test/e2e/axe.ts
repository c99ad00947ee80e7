/**
 * axe-core, the accessibility engine, run on a workbook page as it is now,
 * and its findings written out for a person: each rule broken, how badly,
 * which elements and what is wrong with them.
 *
 * axe is added to the page as a script, which the workbook's Content
 * Security Policy forbids: the page's browser context must be opened with
 * `bypassCSP: true`.
 */
import { createRequire } from 'node:module';
import type { AxeResults, Result, RunOptions } from 'axe-core';
import type { Page } from 'playwright-core';

/** The engine's browser build, as the axe-core package ships it. */
const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** The impacts a page must never have. */
const BLOCKING_IMPACTS: readonly string[] = ['serious', 'critical'];

/** How many failing elements a report lists per rule before it only counts the rest. */
const ELEMENTS_LISTED = 5;

/** What axe is asked to check. */
export interface AxeCheck {
  /** Also require WCAG's enhanced contrast (7:1 for body text), as presenter mode promises. */
  enhancedContrast?: boolean;
}

/** The page's window, where the axe script puts its API. */
interface AxeWindow {
  axe?: { run(options: RunOptions): Promise<AxeResults> };
}

/** Runs axe on the whole page (shadow roots included) and returns its serious and critical violations. */
export async function seriousViolations(page: Page, check: AxeCheck = {}): Promise<Result[]> {
  const loaded = await page.evaluate(() => (globalThis as AxeWindow).axe !== undefined);
  if (!loaded) await page.addScriptTag({ path: AXE_SCRIPT });
  const options: RunOptions = {
    resultTypes: ['violations'],
    rules: { 'color-contrast-enhanced': { enabled: check.enhancedContrast === true } },
  };
  const results = await page.evaluate(async (runOptions) => {
    const axe = (globalThis as AxeWindow).axe;
    if (axe === undefined) throw new Error('axe-core did not load in the page');
    return axe.run(runOptions);
  }, options);
  return results.violations.filter((violation) => BLOCKING_IMPACTS.includes(violation.impact ?? ''));
}

/**
 * The violations as lines to read: the rule, its impact and what it asks,
 * then each failing element (its selector, through shadow roots with ">>")
 * and axe's summary of what is wrong with it.
 */
export function describeViolations(violations: Result[]): string {
  const lines: string[] = [];
  for (const violation of violations) {
    lines.push(`${violation.id} (${violation.impact ?? 'no impact given'}): ${violation.help}, on ${violation.nodes.length} element(s)`);
    for (const node of violation.nodes.slice(0, ELEMENTS_LISTED)) {
      const target = node.target.map((selector) => (Array.isArray(selector) ? selector.join(' >> ') : selector)).join(', ');
      const summary = (node.failureSummary ?? '').replace(/\s+/g, ' ').trim();
      lines.push(`  - ${target}: ${summary}`);
    }
    const unlisted = violation.nodes.length - ELEMENTS_LISTED;
    if (unlisted > 0) lines.push(`  - and ${unlisted} more`);
  }
  return lines.join('\n');
}
