// A token-protected server: the page asks for the token, then a human step is approved and rejected from the page.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { startSandboxServer, type SandboxServer } from '../chat/support/sandbox-server.ts';
import { artifactPath, launchBrowser } from './support/browser.ts';
import { nodeStatuses, runFinished, selectWorkflow } from './support/page.ts';

const TOKEN = 'page-test-token';
let server: SandboxServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [server, browser] = await Promise.all([
    startSandboxServer({ token: TOKEN, workflowsDir: resolve(import.meta.dirname, 'fixtures') }),
    launchBrowser(),
  ]);
  page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
  page.setDefaultTimeout(20_000);
});
afterAll(async () => {
  await browser?.close();
  await server?.cleanup();
});

describe('a server with SOPSTATE_TOKEN', () => {
  it('shows the token prompt, refuses a wrong token and lets the right one in', async () => {
    await page.goto(server.url);
    await page.waitForSelector('#login[open]');
    expect(await page.$$('.workflow-item')).toHaveLength(0);
    await page.fill('#login input', 'wrong');
    await page.click('#login button[type=submit]');
    await page.waitForSelector('#login .login-error:has-text("not right")');
    await page.fill('#login input', TOKEN);
    await page.click('#login button[type=submit]');
    await page.waitForSelector('.workflow-item');
    expect(await page.$('#login[open]')).toBeNull();
  });

  it('approving the waiting step from the page runs the approved branch', async () => {
    await selectWorkflow(page, 'refund-approval');
    await page.click('#run-button');
    const card = await page.waitForSelector('.waiting-card[data-node="review"]');
    expect(await card.textContent()).toContain('Approve refunding 25.00 USD');
    expect((await nodeStatuses(page)).review).toBe('waiting');
    await page.screenshot({ path: artifactPath('web-human-waiting.png'), fullPage: true });
    await page.click('.waiting-card .approve');
    expect(await runFinished(page)).toBe('completed');
    expect(await nodeStatuses(page)).toEqual({
      review: 'completed',
      write_note: 'completed',
      notify_rejected: 'skipped',
    });
    expect(await page.$('.waiting-card')).toBeNull();
  });

  it('draws a switch as one labelled arrow per case and one for its default', async () => {
    await selectWorkflow(page, 'route-by-risk');
    const arrows = await page.$$eval('#graph .edge--switch', (edges) =>
      edges.map(
        (edge) =>
          `${edge.getAttribute('data-from')}->${edge.getAttribute('data-to')}: ${edge.querySelector('.edge-label')?.textContent}`,
      ),
    );
    expect(arrows.sort()).toEqual([
      'assess->careful: switch: assess.comment = "high"',
      'assess->quick: switch: assess.comment (default)',
    ]);
    await selectWorkflow(page, 'refund-approval');
  });

  it('rejecting it takes the fallback', async () => {
    await page.click('#run-button');
    await page.waitForSelector('.waiting-card[data-node="review"]');
    await page.click('.waiting-card .reject');
    expect(await runFinished(page)).toBe('completed');
    expect(await nodeStatuses(page)).toEqual({ review: 'failed', write_note: 'skipped', notify_rejected: 'completed' });
  });

  it('Cancel ends a waiting run CANCELLED, and the page says so', async () => {
    await selectWorkflow(page, 'refund-approval');
    await page.click('#run-button');
    await page.waitForSelector('.waiting-card[data-node="review"]');
    expect(await page.isVisible('#cancel-run')).toBe(true);
    await page.click('#cancel-run');
    expect(await runFinished(page)).toBe('cancelled');
    const runId = page.url().split('/runs/')[1];
    const run = (await (await server.api(`/api/runs/${runId}`)).json()) as { status: string };
    expect(run.status).toBe('CANCELLED');
    expect(await page.isVisible('#cancel-run')).toBe(false);
    expect(await page.$('.waiting-card')).toBeNull();
    await page.screenshot({ path: artifactPath('web-cancelled.png'), fullPage: true });
  });
});
