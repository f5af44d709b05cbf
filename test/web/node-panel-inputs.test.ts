// The node panel shows what cli and human nodes were given, resolved and with secrets masked: the command a cli
// node ran (argv, declared env) and what a human node asked the approver.
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { SandboxServer } from '../chat/support/sandbox-server.ts';
import { artifactPath } from './support/browser.ts';
import { usePagePerTest } from './support/page-per-test.ts';
import { openPage, runFinished, selectWorkflow } from './support/page.ts';

const DEPLOY_TOKEN = 'tok_deploy_7f3a9c2e51';

let server: SandboxServer;
let page: Page;
usePagePerTest({
  viewport: { width: 1500, height: 1000 },
  server: {
    workflowsDir: resolve(import.meta.dirname, 'fixtures'),
    allowCli: true,
    secrets: { DEPLOY_TOKEN },
  },
  bind: (fileServer, testPage) => {
    server = fileServer;
    page = testPage;
  },
});

const panelText = async (node: string): Promise<string> => {
  await page.click(`#graph .node[data-node-id="${node}"]`);
  return (await (await page.waitForSelector(`#node-panel[data-node="${node}"]`)).textContent()) ?? '';
};

describe('resolved inputs in the node panel', () => {
  it('a cli node shows the command it ran with the secret masked; a human node shows what the approver is asked', async () => {
    await openPage(page, server.url);
    await selectWorkflow(page, 'release-with-approval');
    await page.fill('#inputs input[name="version"]', '2.0.1');
    await page.click('#run-button');
    await page.waitForSelector('.waiting-card[data-node="approve_ship"]');

    const build = await panelText('build');
    expect(build).toContain('$ echo building 2.0.1 --token');
    expect(build).toContain('[secret DEPLOY_TOKEN]');
    expect(build).toContain('CHANNEL');
    expect(build).toContain('"stable"');
    expect(build).not.toContain(DEPLOY_TOKEN);
    await page.screenshot({ path: artifactPath('node-panel-cli.png'), fullPage: true });

    const approval = await panelText('approve_ship');
    expect(approval).toContain('Asked of the approver');
    expect(approval).toContain('Ship version 2.0.1 to the stable channel?');
    expect(approval).toContain('release notes read');
    expect(approval).toMatch(/build_exit_code: "?0/); // resolved from build's outputs
    expect(approval).not.toContain(DEPLOY_TOKEN);
    await page.screenshot({ path: artifactPath('node-panel-human.png'), fullPage: true });

    await page.click('.waiting-card[data-node="approve_ship"] .approve');
    expect(await runFinished(page)).toBe('completed');
    const events = await (await server.api(`/api/runs/${page.url().split('/runs/')[1]}/events`)).text();
    expect(events).toContain('event: node.command');
    expect(events).not.toContain(DEPLOY_TOKEN);
  });
});
