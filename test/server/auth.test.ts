import { afterEach, describe, expect, it } from 'vitest';
import { isLoopback, UnsafeBindingError } from '../../src/server/binding.ts';
import { postJson, startFakeServer, type FakeServer } from './support/fake-server.ts';

const TOKEN = 'test-token-123';
let server: FakeServer | undefined;
afterEach(async () => {
  await server?.cleanup();
  server = undefined;
});

describe('with SOPSTATE_TOKEN set', () => {
  it('answers 401 on every /api route without the right bearer token, and serves it with one', async () => {
    server = await startFakeServer({ token: TOKEN });
    const paths = ['/api/workflows', '/api/workflows/three-steps', '/api/runs', '/api/runs/x', '/api/runs/x/events'];
    for (const path of paths) {
      expect((await fetch(`${server.url}${path}`)).status, path).toBe(401);
      const wrong = await fetch(`${server.url}${path}`, { headers: { authorization: 'Bearer nope' } });
      expect(wrong.status, path).toBe(401);
    }
    expect((await fetch(`${server.url}/api/runs`, postJson({ workflow: 'three-steps' }))).status).toBe(401);
    expect(server.runner.started).toHaveLength(0);
    expect((await server.api('/api/workflows')).status).toBe(200);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('lets the web page log in once and then use a cookie', async () => {
    server = await startFakeServer({ token: TOKEN });
    expect((await fetch(`${server.url}/login`, postJson({ token: 'nope' }))).status).toBe(401);
    const login = await fetch(`${server.url}/login`, postJson({ token: TOKEN }));
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/sopstate_token=.*HttpOnly/i);
    const withCookie = await fetch(`${server.url}/api/workflows`, { headers: { cookie: cookie.split(';')[0] } });
    expect(withCookie.status).toBe(200);
  });
});

describe('binding', () => {
  it('refuses to listen beyond loopback without a token, saying what to do', async () => {
    const attempt = startFakeServer({ host: '0.0.0.0' });
    await expect(attempt).rejects.toThrow(UnsafeBindingError);
    await expect(attempt).rejects.toThrow(/SOPSTATE_TOKEN/);
  });

  it('listens beyond loopback when a token is set', async () => {
    server = await startFakeServer({ host: '0.0.0.0', token: TOKEN });
    const port = new URL(server.url).port;
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });

  it('knows which hosts are loopback', () => {
    expect(['127.0.0.1', '127.5.0.1', 'localhost', '::1', '[::1]'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '::', '192.168.1.2', 'example.com', '10.0.0.1'].some(isLoopback)).toBe(false);
  });
});
