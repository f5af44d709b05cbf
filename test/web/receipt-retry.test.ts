// The agent's text on the run page after a retry: an overload cut the first reply short, the node tried again, and the
// page shows the reply the node kept, not the cut-off start followed by the whole of the second.
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { RunView } from '../../src/server/run-view.ts';
import type { SandboxServer } from '../chat/support/sandbox-server.ts';
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

describe('the receipt panel', () => {
  it('shows the text of the attempt that counted when a reply was cut off and tried again', async () => {
    server.sandbox.anthropic.addFault({ path: '/v1/messages', type: 'stream_error', afterDeltas: 2 });
    await openPage(page, server.url);
    await selectWorkflow(page, 'receipt-retry');
    await page.click('#run-button');
    expect(await runFinished(page)).toBe('completed');
    await page.waitForSelector('#timeline li[data-type="node.retrying"][data-node="write"]');

    const runId = page.url().split('/runs/')[1];
    const view = (await (await server.api(`/api/runs/${runId}`)).json()) as RunView;
    expect(view.nodes.write.attempt).toBe(2);
    const kept = view.nodes.write.outputs?.text;
    expect(typeof kept === 'string' && kept.length > 0).toBe(true);
    expect(await page.textContent('#receipt .receipt-text[data-node="write"]')).toBe(kept);

    // The node's panel counts the attempts that were made.
    await page.click('#graph .node[data-node-id="write"]');
    const panel = await page.waitForSelector('#node-panel[data-node="write"]');
    const retries = await panel.$$eval('.node-retries li', (items) => items.map((item) => item.textContent));
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatch(/^attempt 1 failed: .*Overloaded.*; attempt 2 at /);
  });
});
