// The Inspector panel in Debian's Chromium against the real server: the seed run's actors, events and state at a picked moment.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { SandboxServer } from '../chat/support/sandbox-server.ts';
import { artifactPath } from '../web/support/browser.ts';
import { usePagePerTest } from '../web/support/page-per-test.ts';
import { openPage, runFinished, selectWorkflow } from '../web/support/page.ts';

const SEED_NODES = ['create_customer', 'create_intent', 'confirm_payment', 'check_status', 'send_receipt'];

let server: SandboxServer;
let page: Page;
usePagePerTest({
  viewport: { width: 1500, height: 1200 },
  bind: (fileServer, testPage) => {
    server = fileServer;
    page = testPage;
  },
});

const actorNames = (page: Page) =>
  page.$$eval('#inspector .inspector-actor', (items) =>
    items.map((item) => `${item.getAttribute('data-name')}:${item.getAttribute('data-status')}`),
  );
const shownValue = (page: Page) => page.getAttribute('#inspector .inspector-value', 'data-value');

describe('the Inspector panel', () => {
  it("shows the seed run's actors, the events between them, and the machine's state and context at a picked event", async () => {
    await openPage(page, server.url);
    await selectWorkflow(page, 'sop-stripe-payment');
    await page.click('#run-button');
    expect(await runFinished(page)).toBe('completed');
    await page.waitForFunction(
      () => document.querySelector('#inspector .inspector-value')?.getAttribute('data-value') === 'COMPLETED',
    );

    expect(await actorNames(page)).toEqual(['sop-stripe-payment:done', ...SEED_NODES.map((node) => `${node}:done`)]);
    const rows = await page.$$eval('#inspector .inspector-row--event', (items) =>
      items.map(
        (item) =>
          `${item.getAttribute('data-from')} → ${item.getAttribute('data-to')}: ${item.getAttribute('data-type')}`,
      ),
    );
    for (const node of SEED_NODES) {
      expect(rows).toContain(`sop-stripe-payment → ${node}: xstate.init`);
      expect(rows).toContain(`${node} → sop-stripe-payment: xstate.done.actor.${node}`);
    }
    expect(await page.textContent('#inspector .inspector-events')).toContain(
      'transition check_status → send_receipt [successRoute]',
    );

    // Pick the moment create_customer reported done: the machine had moved on to create_intent, with the new customer in context.
    await page.click('#inspector .inspector-row[data-type="xstate.done.actor.create_customer"]');
    expect(await shownValue(page)).toBe('create_intent');
    const context = JSON.parse((await page.textContent('#inspector .inspector-context')) ?? '{}');
    expect(context.outputs.create_customer.customer_id).toMatch(/^cus_/);
    expect(context.outputs.check_status).toBeUndefined();
    expect(await page.textContent('#inspector .inspector-payload')).toContain('xstate.done.actor.create_customer');
    expect(await page.textContent('#inspector')).not.toContain('sk_test_');
    await page.screenshot({ path: artifactPath('web-inspector.png'), fullPage: true });

    // Clicking it again goes back to the latest state.
    await page.click('#inspector .inspector-row[data-type="xstate.done.actor.create_customer"]');
    expect(await shownValue(page)).toBe('COMPLETED');
  });

  it('replays a finished run picked from the history', async () => {
    await openPage(page, server.url);
    const runs = (await (await server.api('/api/runs')).json()) as {
      runs: Array<{ id: string; workflowId: string; status: string }>;
    };
    const finished = runs.runs.find((run) => run.workflowId === 'sop-stripe-payment' && run.status === 'COMPLETED');
    expect(finished).toBeDefined();
    await page.click(`#runs .run-item[data-run-id="${finished!.id}"]`);
    await page.waitForFunction(
      () => document.querySelector('#inspector .inspector-value')?.getAttribute('data-value') === 'COMPLETED',
    );
    expect(await page.getAttribute('#inspector', 'data-run-id')).toBe(finished!.id);
    expect((await actorNames(page)).map((entry) => entry.split(':')[0])).toEqual(['sop-stripe-payment', ...SEED_NODES]);
  });
});
