// The web page in Debian's Chromium against the real server and the emulators: the seed run from the UI and from the chat.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { SandboxServer } from '../chat/support/sandbox-server.ts';
import { artifactPath } from './support/browser.ts';
import { usePagePerTest } from './support/page-per-test.ts';
import { nodeStatuses, openPage, runFinished, selectWorkflow, takenEdges } from './support/page.ts';

const SEED_HAPPY_PATH = [
  'create_customer->create_intent',
  'create_intent->confirm_payment',
  'confirm_payment->check_status',
  'check_status->send_receipt',
];

let server: SandboxServer;
let page: Page;
usePagePerTest({
  viewport: { width: 1500, height: 1000 },
  bind: (fileServer, testPage) => {
    server = fileServer;
    page = testPage;
  },
});

describe('the web page', () => {
  it('runs the seed from the UI: every node ends completed, the happy path lights up, the receipt streams in', async () => {
    await openPage(page, server.url);
    await selectWorkflow(page, 'sop-stripe-payment');
    expect(Object.keys(await nodeStatuses(page))).toEqual([
      'create_customer',
      'create_intent',
      'confirm_payment',
      'check_status',
      'send_receipt',
    ]);
    expect(await page.textContent('#graph')).toContain("conditional: check_status.status == 'succeeded'");
    expect(await page.$$eval('#graph .edge--fallback', (edges) => edges.length)).toBe(1);

    await page.click('#run-button');
    expect(await runFinished(page)).toBe('completed');

    expect(Object.values(await nodeStatuses(page))).toEqual(Array(5).fill('completed'));
    expect((await takenEdges(page)).sort()).toEqual([...SEED_HAPPY_PATH].sort());
    const receipt = await page.textContent('#receipt .receipt-text[data-node="send_receipt"]');
    expect(receipt).toContain('$20.00');
    expect(receipt).toContain('user@example.com');
    expect(await page.$$eval('#timeline .event--node-completed .event-duration', (rows) => rows.length)).toBe(5);
    expect(
      await page.$$eval('#runs .run-item[data-status="completed"]', (items) => items.length),
    ).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: artifactPath('web-seed-ui.png'), fullPage: true });
  });

  it('runs a payment from the chat: confirmation first, then the graph completes with the receipt for john@example.com', async () => {
    await openPage(page, server.url);
    const runsBefore = ((await (await server.api('/api/runs')).json()) as { total: number }).total;
    await page.fill('#chat input', 'Charge john@example.com $25 for the pro plan');
    await page.click('#chat button[type=submit]');
    const card = await page.waitForSelector('.chat-confirm');
    expect(await card.textContent()).toContain('25.00 USD to john@example.com');
    expect(((await (await server.api('/api/runs')).json()) as { total: number }).total).toBe(runsBefore);

    await page.click('.chat-confirm .confirm-yes');
    await page.waitForFunction(
      () => document.querySelector('.workflow-item.selected')?.getAttribute('data-workflow-id') === 'stripe-payment',
    );
    expect(await runFinished(page)).toBe('completed');
    expect(Object.values(await nodeStatuses(page))).toEqual(Array(5).fill('completed'));
    const receipt = await page.textContent('#receipt .receipt-text');
    expect(receipt).toContain('john@example.com');
    expect(receipt).toContain('$25.00');
    await page.waitForSelector('.chat-msg--assistant:has-text("finished: COMPLETED")');
    await page.screenshot({ path: artifactPath('web-seed-chat.png'), fullPage: true });
  });

  it('runs the verbatim seed from the chat: it calls Stripe, so even without inputs a typed "yes" is needed', async () => {
    await openPage(page, server.url);
    await page.fill('#chat input', 'Start the sop-stripe-payment workflow');
    await page.click('#chat button[type=submit]');
    const card = await page.waitForSelector('.chat-confirm');
    expect(await card.textContent()).toContain('20.00 USD to user@example.com');
    await page.waitForSelector('#chat[data-busy="false"]');
    await page.fill('#chat input', 'yes');
    await page.click('#chat button[type=submit]');
    await page.waitForFunction(
      () =>
        document.querySelector('.workflow-item.selected')?.getAttribute('data-workflow-id') === 'sop-stripe-payment',
    );
    expect(await runFinished(page)).toBe('completed');
    expect(await nodeStatuses(page)).toEqual({
      create_customer: 'completed',
      create_intent: 'completed',
      confirm_payment: 'completed',
      check_status: 'completed',
      send_receipt: 'completed',
    });
    expect(await page.textContent('#receipt .receipt-text')).toContain('$20.00');
    expect(await page.getAttribute('.chat-confirm', 'data-settled')).toBe('confirmed');
  });

  it('a declined card: confirm_payment fails, the fallback edge lights up, the nodes never reached are skipped', async () => {
    await openPage(page, server.url);
    await selectWorkflow(page, 'stripe-payment');
    await page.fill('#inputs input[name="payment_method"]', 'pm_card_chargeDeclined');
    await page.click('#run-button');
    expect(await runFinished(page)).toBe('failed');
    expect(await page.textContent('#run-status')).toContain('card_declined');
    const statuses = await nodeStatuses(page);
    expect(statuses).toMatchObject({
      create_customer: 'completed',
      confirm_payment: 'failed',
      check_status: 'skipped',
      send_receipt: 'skipped',
    });
    expect(await takenEdges(page)).toContain('confirm_payment->create_intent');
    await page.screenshot({ path: artifactPath('web-declined.png'), fullPage: true });
  });

  it('replays a past run from the history with its final colours', async () => {
    const { runId } = (await (
      await server.api('/api/runs', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workflow: 'sop-stripe-payment', inputs: {} }),
      })
    ).json()) as { runId: string };
    await openPage(page, server.url);
    await page.click(`.run-item[data-run-id="${runId}"]`);
    expect(await runFinished(page)).toBe('completed');
    expect(Object.values(await nodeStatuses(page))).toEqual(Array(5).fill('completed'));
  });
});
