// The Inspector's statechart in Chromium: a parallel fork drawn as regions nested in it, the states the snapshot
// names lit — both waiting reviews at once — and the light following the run as each review is approved; at 390 px
// the page still never scrolls sideways.
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { SandboxServer } from '../chat/support/sandbox-server.ts';
import { artifactPath } from './support/browser.ts';
import { usePagePerTest } from './support/page-per-test.ts';
import { openPage, runFinished, selectWorkflow } from './support/page.ts';

let server: SandboxServer;
let page: Page;
usePagePerTest({
  viewport: { width: 1500, height: 1000 },
  server: { workflowsDir: resolve(import.meta.dirname, 'fixtures') },
  bind: (fileServer, testPage) => {
    server = fileServer;
    page = testPage;
  },
});

const FORK = 'parallel[legal,finance]';

/** The innermost states a snapshot value names, as dotted paths: the test's own reading of XState's `value`. */
const leavesOf = (value: unknown, prefix = ''): string[] =>
  typeof value === 'string'
    ? [`${prefix}${value}`]
    : Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => leavesOf(child, `${prefix}${key}.`));

const snapshotLeaves = async (): Promise<string[]> => {
  const text = (await page.getAttribute('.inspector-value', 'data-value')) ?? '';
  return leavesOf(text.startsWith('{') ? JSON.parse(text) : text).sort();
};

const litStates = () =>
  page.$$eval('#inspector .sc-state--active', (states) => states.map((state) => state.getAttribute('data-path')));

/** Waits until the statechart lights exactly these states. */
const waitForLit = (paths: string[]) =>
  page.waitForFunction(
    (wanted) => document.querySelector('#inspector .statechart')?.getAttribute('data-active') === wanted,
    [...paths].sort().join(' '),
  );

const box = (path: string) =>
  page.$eval(`#inspector .sc-state[data-path="${path}"] > .sc-box`, (rect) => {
    const { x, y, width, height } = rect.getBoundingClientRect();
    return { x, y, right: x + width, bottom: y + height };
  });

describe('the statechart in the Inspector', () => {
  it('nests the parallel regions in their fork, lights both waiting reviews, and follows the run', async () => {
    await openPage(page, server.url);
    await selectWorkflow(page, 'parallel-review');
    await page.click('#run-button');
    await page.waitForSelector('.waiting-card[data-node="legal"]');
    await page.waitForSelector('.waiting-card[data-node="finance"]');
    await page.waitForSelector('#inspector .statechart[data-machine="parallel-review"]');

    // Each region sits inside the fork, and each review state inside its region.
    const fork = await box(FORK);
    for (const region of ['legal', 'finance']) {
      const outer = await box(`${FORK}.${region}`);
      const inner = await box(`${FORK}.${region}.${region}`);
      expect(outer.x).toBeGreaterThanOrEqual(fork.x);
      expect(outer.right).toBeLessThanOrEqual(fork.right);
      expect(outer.y).toBeGreaterThan(fork.y);
      expect(outer.bottom).toBeLessThanOrEqual(fork.bottom);
      expect(inner.x).toBeGreaterThan(outer.x);
      expect(inner.right).toBeLessThan(outer.right);
      expect(inner.y).toBeGreaterThan(outer.y);
    }

    // While both wait, the latest snapshot names one state per region: both are lit, nothing else.
    const waiting = [`${FORK}.finance.finance`, `${FORK}.legal.legal`];
    await waitForLit(waiting);
    expect(await snapshotLeaves()).toEqual(waiting);
    expect((await litStates()).sort()).toEqual(waiting);
    await (await page.$('#inspector .statechart'))!.screenshot({
      path: artifactPath('statechart-parallel-waiting.png'),
    });

    // Legal approves: its region moves to JOINED, finance still waits.
    await page.click('.waiting-card[data-node="legal"] .approve');
    const halfway = [`${FORK}.finance.finance`, `${FORK}.legal.JOINED`];
    await waitForLit(halfway);
    expect(await snapshotLeaves()).toEqual(halfway);

    // A moment picked in the past lights that moment's state, not the latest.
    const draftStarted = await page.$('.inspector-row[data-type="xstate.init"][data-to="draft"]');
    await draftStarted!.click();
    await waitForLit(['draft']);
    expect(await snapshotLeaves()).toEqual(['draft']);
    await draftStarted!.click();
    await waitForLit(halfway);

    await page.click('.waiting-card[data-node="finance"] .approve');
    expect(await runFinished(page)).toBe('completed');
    await waitForLit(['COMPLETED']);
    expect(await snapshotLeaves()).toEqual(['COMPLETED']);
    await page.screenshot({ path: artifactPath('statechart-parallel-completed.png'), fullPage: true });
  });

  it('at 390 px the statechart scrolls inside its box; the page never scrolls sideways', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await openPage(page, server.url);
    await selectWorkflow(page, 'parallel-review');
    await page.click('#run-button');
    await page.waitForSelector('.waiting-card[data-node="legal"]');
    await waitForLit([`${FORK}.finance.finance`, `${FORK}.legal.legal`]);
    expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(390);
    const chart = (await page.$('#inspector .inspector-chart'))!;
    await chart.scrollIntoViewIfNeeded();
    await chart.screenshot({ path: artifactPath('statechart-mobile.png') });
    await page.click('#cancel-run');
    expect(await runFinished(page)).toBe('cancelled');
    await waitForLit(['CANCELLED']);
    expect(await page.evaluate(() => document.scrollingElement!.scrollWidth)).toBeLessThanOrEqual(390);
  });
});
