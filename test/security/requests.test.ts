// Issue 13, point 1: a tokenless loopback server must not be reachable from other sites' pages.
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeServer, type FakeServer } from '../server/support/fake-server.ts';
import { rawRequest } from './support/raw-http.ts';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.cleanup();
  server = undefined;
});

const START = JSON.stringify({ workflow: 'three-steps' });
const json = { 'content-type': 'application/json' };

describe('DNS rebinding: only loopback Host names are answered', () => {
  it('refuses Host: evil.com:PORT with 421 and a clear body, and starts nothing', async () => {
    server = await startFakeServer();
    const port = new URL(server.url).port;
    for (const host of [
      `evil.com:${port}`,
      'evil.com',
      `127.0.0.1.evil.com:${port}`,
      `localhost:${Number(port) + 1}`,
    ]) {
      const answer = await rawRequest(`${server.url}/api/runs`, {
        method: 'POST',
        headers: { host, ...json },
        body: START,
      });
      expect(answer.status, host).toBe(421);
      expect(JSON.parse(answer.body).error.message, host).toMatch(/loopback.*--host/);
      const page = await rawRequest(`${server.url}/api/workflows`, { headers: { host } });
      expect(page.status, host).toBe(421);
    }
    expect(server.runner.started).toHaveLength(0);
  });

  it('answers loopback names on its own port', async () => {
    server = await startFakeServer();
    const port = new URL(server.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
      expect((await rawRequest(`${server.url}/api/workflows`, { headers: { host } })).status, host).toBe(200);
    }
  });
});

describe('cross-origin requests', () => {
  it('refuses a foreign Origin on a state-changing request, even with application/json', async () => {
    server = await startFakeServer();
    const answer = await fetch(`${server.url}/api/runs`, {
      method: 'POST',
      headers: { ...json, origin: 'https://evil.example' },
      body: START,
    });
    expect(answer.status).toBe(403);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('foreign-origin');
    const sandboxed = await fetch(`${server.url}/api/runs`, {
      method: 'POST',
      headers: { ...json, origin: 'null' },
      body: START,
    });
    expect(sandboxed.status).toBe(403);
    expect(server.runner.started).toHaveLength(0);
  });

  it('takes its own origin, and a program that sends none', async () => {
    server = await startFakeServer();
    const own = await fetch(`${server.url}/api/runs`, {
      method: 'POST',
      headers: { ...json, origin: server.url },
      body: START,
    });
    expect(own.status).toBe(201);
    const program = await fetch(`${server.url}/api/runs`, { method: 'POST', headers: json, body: START });
    expect(program.status).toBe(201);
  });

  it('an empty POST (what a form or sendBeacon can send) cannot cancel a run: 415, and the run goes on', async () => {
    server = await startFakeServer({ stepMs: 200 });
    const { runId } = (await (
      await fetch(`${server.url}/api/runs`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ workflow: 'long' }),
      })
    ).json()) as { runId: string };
    const bodyless: Array<Record<string, string>> = [
      {},
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/x-www-form-urlencoded' },
    ];
    for (const headers of bodyless) {
      const answer = await fetch(`${server.url}/api/runs/${runId}/cancel`, { method: 'POST', headers });
      expect(answer.status, JSON.stringify(headers)).toBe(415);
    }
    expect(server.context.manager.isLive(runId)).toBe(true);
    const cancelled = await fetch(`${server.url}/api/runs/${runId}/cancel`, { method: 'POST', headers: json });
    expect(cancelled.status).toBe(202);
  });
});

describe('the page headers', () => {
  it('sends a CSP without inline scripts that forbids framing, and nosniff', async () => {
    server = await startFakeServer();
    const answer = await fetch(`${server.url}/healthz`);
    const csp = answer.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toContain('unsafe-inline');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('POST /login', () => {
  it('is throttled per client: after 10 wrong tokens a minute, 429 with Retry-After, even for the right one', async () => {
    server = await startFakeServer({ token: 'the-right-token' });
    const login = (token: string) =>
      fetch(`${server!.url}/login`, { method: 'POST', headers: json, body: JSON.stringify({ token }) });
    for (let i = 0; i < 10; i++) expect((await login(`guess-${i}`)).status).toBe(401);
    const throttled = await login('the-right-token');
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
