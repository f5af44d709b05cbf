// With Claude's stream paced like the real API: the receipt visibly grows on the page; and at 390 px the page
// never scrolls sideways, before or after a run, with the graph first and readable.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { SandboxServer } from '../chat/support/sandbox-server.ts';
import { artifactPath } from './support/browser.ts';
import { usePagePerTest } from './support/page-per-test.ts';
import { openPage, runFinished, selectWorkflow } from './support/page.ts';

let server: SandboxServer;
let page: Page;
usePagePerTest({
  viewport: { width: 390, height: 844 },
  server: { pacing: { firstTokenMs: 200, streamMs: 1500 } },
  bind: (fileServer, testPage) => {
    server = fileServer;
    page = testPage;
  },
});

const pageWidth = () => page.evaluate(() => document.scrollingElement!.scrollWidth);

describe('paced stream, 390 px wide', () => {
  it('the receipt text grows over at least 3 polls while Claude writes it', async () => {
    await openPage(page, server.url);
    await selectWorkflow(page, 'sop-stripe-payment');
    await page.click('#run-button');
    await page.waitForSelector('#receipt .receipt-text');
    const lengths: number[] = [];
    for (let poll = 0; poll < 40; poll++) {
      const status = await page.getAttribute('#run-status', 'data-status');
      lengths.push(((await page.textContent('#receipt .receipt-text')) ?? '').length);
      if (status === 'completed') break;
      await page.waitForTimeout(100);
    }
    expect(await runFinished(page)).toBe('completed');
    const growth = lengths.filter((length, index) => index > 0 && length > lengths[index - 1]).length;
    expect(growth).toBeGreaterThanOrEqual(3);
    expect(await page.textContent('#receipt .receipt-text')).toContain('$20.00');
  });

  it('never scrolls sideways before or after a run; the graph comes first and stays readable', async () => {
    await openPage(page, server.url);
    await selectWorkflow(page, 'stripe-payment');
    expect(await pageWidth()).toBeLessThanOrEqual(390);
    await page.screenshot({ path: artifactPath('mobile-before-run.png'), fullPage: true });
    await page.fill('#inputs input[name="payment_method"]', 'pm_card_chargeDeclined');
    await page.click('#run-button');
    expect(await runFinished(page)).toBe('failed');
    await page.click('#graph .node[data-node-id="confirm_payment"]');
    await page.waitForSelector('#node-panel[data-node="confirm_payment"]');
    await page.click('.inspector-row >> nth=5');
    expect(await pageWidth()).toBeLessThanOrEqual(390);
    const graphTop = await page.$eval('#graph', (graph) => graph.getBoundingClientRect().top);
    const timelineTop = await page.$eval('#timeline', (list) => list.getBoundingClientRect().top);
    expect(graphTop).toBeLessThan(timelineTop);
    const scale = Number(await page.getAttribute('#graph', 'data-scale'));
    expect(scale).toBeGreaterThanOrEqual(0.75);
    await page.click('#zoom-in');
    expect(Number(await page.getAttribute('#graph', 'data-scale'))).toBeGreaterThan(scale);
    expect(await pageWidth()).toBeLessThanOrEqual(390);
    await page.screenshot({ path: artifactPath('mobile-after-run.png'), fullPage: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: artifactPath('mobile-after-run-top.png') });
  });
});
