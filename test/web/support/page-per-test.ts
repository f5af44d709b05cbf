// One sandboxed server and one browser per test file, a fresh page per test that must end without page errors.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import {
  startSandboxServer,
  type SandboxServer,
  type SandboxServerOptions,
} from '../../chat/support/sandbox-server.ts';
import { launchBrowser } from './browser.ts';

export interface PagePerTestOptions {
  viewport: { width: number; height: number };
  /** Receives the file's server once, and each test's fresh page. */
  bind: (server: SandboxServer, page: Page) => void;
  server?: SandboxServerOptions;
}

export function usePagePerTest({ viewport, bind, server: serverOptions }: PagePerTestOptions): void {
  let server: SandboxServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  beforeAll(async () => {
    [server, browser] = await Promise.all([startSandboxServer(serverOptions), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.cleanup();
  });
  beforeEach(async () => {
    page = await browser.newPage({ viewport });
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (error) => pageErrors.push(error.message));
    bind(server, page);
  });
  afterEach(async () => {
    await page.close();
    expect(pageErrors).toEqual([]);
  });
}
