// The run view in Chromium: node panel, visit badges, deep links, retry from the failed node, the Inspector's
// moment after #N, no horizontal overflow at 390 px, and a chat that never talks about its plumbing.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { SandboxServer } from '../chat/support/sandbox-server.ts';
import { artifactPath } from './support/browser.ts';
import { usePagePerTest } from './support/page-per-test.ts';
import { nodeStatuses, openPage, runFinished, selectWorkflow } from './support/page.ts';

let server: SandboxServer;
let page: Page;
usePagePerTest({
  viewport: { width: 1500, height: 1000 },
  bind: (fileServer, testPage) => {
    server = fileServer;
    page = testPage;
  },
});

const declinedRun = async () => {
  await openPage(page, server.url);
  await selectWorkflow(page, 'stripe-payment');
  await page.fill('#inputs input[name="email"]', `declined-${Date.now()}@example.com`);
  await page.fill('#inputs input[name="payment_method"]', 'pm_card_chargeDeclined');
  await page.click('#run-button');
  expect(await runFinished(page)).toBe('failed');
};

const SEED_NODES = ['create_customer', 'create_intent', 'confirm_payment', 'check_status', 'send_receipt'];

const badge = (node: string) =>
  page.$eval(`#graph .node[data-node-id="${node}"] .node-badges`, (badges) => badges.textContent);

describe('the run view', () => {
  it('a Stripe node panel shows the request, the response and the outputs', async () => {
    await openPage(page, server.url);
    await selectWorkflow(page, 'stripe-payment');
    await page.click('#run-button');
    expect(await runFinished(page)).toBe('completed');
    expect(await page.isVisible('#node-panel')).toBe(false);
    await page.click('#graph .node[data-node-id="create_customer"]');
    const panel = await page.waitForSelector('#node-panel[data-node="create_customer"]');
    const text = (await panel.textContent()) ?? '';
    expect(text).toContain('POST');
    expect(text).toContain('/v1/customers');
    expect(text).toContain('→ 200');
    expect(text).toContain('Idempotency-Key');
    expect(text).toContain('"user@example.com"'); // the request body and the response body
    expect(text).toMatch(/customer_id: "cus_/); // the outputs
    expect(text).not.toMatch(/sk_test|Authorization/i);
    await page.screenshot({ path: artifactPath('run-view-node-panel.png'), fullPage: true });

    // The agent node shows what Claude was asked (the resolved prompt) and the usage it answered with.
    await page.click('#graph .node[data-node-id="send_receipt"]');
    const agentPanel = await page.waitForSelector('#node-panel[data-node="send_receipt"]');
    const agentText = (await agentPanel.textContent()) ?? '';
    expect(agentText).toContain('/v1/messages');
    expect(agentText).toContain('messages');
    expect(agentText).toContain('output_tokens');
    expect(agentText).not.toMatch(/sk-ant|sk_test|Authorization/i);
    await page.screenshot({ path: artifactPath('run-view-agent-panel.png'), fullPage: true });
  });

  it('a declined card shows ×3 on create_intent and confirm_payment, and a timeline line opens its node', async () => {
    await declinedRun();
    expect(await badge('create_intent')).toContain('×3');
    expect(await badge('confirm_payment')).toContain('×3');
    expect(await badge('create_customer')).toBe('');
    await page.click('#timeline li[data-type="node.failed"][data-node="confirm_payment"]');
    const panel = await page.waitForSelector('#node-panel[data-node="confirm_payment"]');
    expect(await panel.textContent()).toContain('card_declined');
    expect(await page.$$eval('#node-panel .node-visit', (visits) => visits.length)).toBe(3);
    await page.screenshot({ path: artifactPath('run-view-declined-badges.png'), fullPage: true });
  });

  it('retry from the failed node after fixing the payment method completes without a second customer', async () => {
    await declinedRun();
    const email = await page.inputValue('#inputs input[name="email"]');
    const failedRun = page.url().split('/runs/')[1];
    await page.fill('#inputs input[name="payment_method"]', 'pm_card_visa');
    await page.click('#retry-run');
    await page.waitForFunction(
      (old) => location.pathname.startsWith('/runs/') && !location.pathname.endsWith(old),
      failedRun,
    );
    expect(await runFinished(page)).toBe('completed');
    expect(await nodeStatuses(page)).toEqual({
      create_customer: 'completed',
      create_intent: 'completed',
      confirm_payment: 'completed',
      check_status: 'completed',
      send_receipt: 'completed',
    });
    expect(await page.textContent('#run-link')).toContain(`retry of ${failedRun.slice(0, 8)} from confirm_payment`);
    expect(server.sandbox.stripe.state().customers.filter((customer) => customer.email === email)).toHaveLength(1);
    await page.click('#graph .node[data-node-id="create_customer"]');
    expect(await page.textContent('#node-panel')).toContain('outputs were reused');
    await page.screenshot({ path: artifactPath('run-view-retried.png'), fullPage: true });
  });

  it('a deep link survives a reload and shows the same run; the runs list filters and searches', async () => {
    await openPage(page, server.url);
    await selectWorkflow(page, 'stripe-payment');
    const email = `deep-link-${Date.now()}@example.com`;
    await page.fill('#inputs input[name="email"]', email);
    await page.click('#run-button');
    expect(await runFinished(page)).toBe('completed');
    const url = page.url();
    expect(url).toMatch(/\/runs\/[0-9a-f-]{36}$/);
    const runId = url.split('/runs/')[1];
    await page.reload();
    expect(await runFinished(page)).toBe('completed');
    expect(page.url()).toBe(url);
    expect(await page.getAttribute('#run-link', 'title')).toBe(runId);
    expect(await page.inputValue('#inputs input[name="email"]')).toBe(email);
    expect(await page.textContent('#run-status')).toContain('Stripe payment · completed');
    await page.fill('#runs-search', email);
    await page.waitForFunction((id) => {
      const items = Array.from(document.querySelectorAll('#runs .run-item'));
      return items.length === 1 && items[0].getAttribute('data-run-id') === id;
    }, runId);
    expect(await page.textContent('#runs .run-item')).toContain(email);
    await page.screenshot({ path: artifactPath('run-view-deep-link.png'), fullPage: true });
  });

  it('the Inspector shows, after #N, the machine state that #N left it in', async () => {
    await openPage(page, server.url);
    await selectWorkflow(page, 'sop-stripe-payment');
    await page.click('#run-button');
    expect(await runFinished(page)).toBe('completed');
    await page.waitForSelector('.inspector-row[data-type="xstate.init"][data-to="send_receipt"]');
    // The statechart draws the compiled machine: a state per node and the run's final states.
    const chart = await page.waitForSelector('#inspector .statechart[data-machine="sop-stripe-payment"]');
    const drawn = await page.$$eval('#inspector .sc-state', (states) => states.map((state) => state.dataset.path));
    expect(drawn.sort()).toEqual(
      ['create_customer', ...SEED_NODES.slice(1), 'COMPLETED', 'FAILED', 'TIMEOUT', 'CANCELLED'].sort(),
    );
    const lit = () => chart.evaluate((box) => (box as HTMLElement).dataset.active);
    const litBoxes = () => page.$$eval('#inspector .sc-state--active', (states) => states.map((s) => s.dataset.path));
    // With no event picked, the latest snapshot: the run is done.
    expect(await page.getAttribute('.inspector-value', 'data-value')).toBe('COMPLETED');
    expect(await lit()).toBe('COMPLETED');
    // A node's actor starts once the machine has entered that node's state: the state after its init is that node.
    for (const node of SEED_NODES.slice(1)) {
      const row = await page.$(`.inspector-row[data-type="xstate.init"][data-to="${node}"]`);
      await row!.click();
      expect(await page.getAttribute('.inspector-value', 'data-value')).toBe(node);
      expect(await lit()).toBe(node);
      expect(await litBoxes()).toEqual([node]);
      if (node === 'confirm_payment') await chart.screenshot({ path: artifactPath('run-view-statechart.png') });
      await row!.click();
    }
    expect(await lit()).toBe('COMPLETED');
    await page.screenshot({ path: artifactPath('run-view-inspector.png'), fullPage: true });
  });

  it('the chat speaks to the person: no "tool", no "start_run"', async () => {
    await openPage(page, server.url);
    for (const message of ['hello', 'what can you do?', 'Charge john@example.com $25 for the pro plan']) {
      await page.fill('#chat input', message);
      await page.click('#chat button[type=submit]');
      await page.waitForSelector('#chat[data-busy="false"]');
    }
    await page.waitForSelector('.chat-confirm');
    await page.click('.chat-confirm .confirm-yes');
    expect(await runFinished(page)).toBe('completed');
    await page.waitForSelector('.chat-msg--assistant:has-text("finished")');
    const chat = (await page.textContent('#chat .chat-log')) ?? '';
    expect(chat).toContain('I can run these workflows');
    expect(chat).not.toMatch(/tool/i);
    expect(chat).not.toContain('start_run');
    // The form shows the inputs the chat's run used.
    expect(await page.inputValue('#inputs input[name="email"]')).toBe('john@example.com');
    expect(await page.inputValue('#inputs input[name="amount"]')).toBe('2500');
    const box = await page.$eval('#chat', (chat) => {
      const panel = chat.getBoundingClientRect();
      const form = chat.querySelector('.chat-form')!.getBoundingClientRect();
      return { gapBelowForm: panel.bottom - form.bottom };
    });
    expect(box.gapBelowForm).toBeLessThan(20);
    await page.screenshot({ path: artifactPath('run-view-chat.png'), fullPage: true });
  });
});
