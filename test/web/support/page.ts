// What the browser tests read off the page: node statuses, taken edges, the run's final status.
import type { Page } from 'playwright-core';

export const nodeStatuses = (page: Page): Promise<Record<string, string>> =>
  page.$$eval('#graph .node', (nodes) =>
    Object.fromEntries(nodes.map((node) => [node.getAttribute('data-node-id'), node.getAttribute('data-status')])),
  );

export const takenEdges = (page: Page): Promise<string[]> =>
  page.$$eval('#graph .edge--taken', (edges) =>
    edges.map((edge) => `${edge.getAttribute('data-from')}->${edge.getAttribute('data-to')}`),
  );

/** Waits until the page shows the run as finished; returns its status (`completed`, `failed`...). */
export const runFinished = async (page: Page): Promise<string> => {
  await page.waitForFunction(() => {
    const status = document.querySelector('#run-status')?.getAttribute('data-status');
    return status !== undefined && status !== 'running' && status !== 'idle' && status !== null;
  });
  return (await page.getAttribute('#run-status', 'data-status')) ?? '';
};

export const openPage = async (page: Page, url: string): Promise<void> => {
  await page.goto(url);
  await page.waitForSelector('.workflow-item');
};

export const selectWorkflow = async (page: Page, id: string): Promise<void> => {
  await page.click(`[data-workflow-id="${id}"]`);
  await page.waitForSelector(`#graph .node`);
  await page.waitForFunction(
    (wanted) => document.querySelector('.workflow-item.selected')?.getAttribute('data-workflow-id') === wanted,
    id,
  );
};
