// The body size limit over real HTTP (@hono/node-server), with a declared length and with a streamed body.
import { request } from 'node:http';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, errorResponse } from '../../../src/server/api-error.ts';
import { limitBodySize } from '../../../src/server/guards/body-size.ts';
import { listen, type Listening } from '../../../src/server/listen.ts';

const LIMIT = 1024;
let server: Listening;

beforeAll(async () => {
  const app = new Hono();
  app.use('*', limitBodySize(LIMIT));
  app.post('/echo', async (c) => c.json({ bytes: (await c.req.text()).length }));
  app.get('/echo', (c) => c.json({ ok: true }));
  app.onError((error, c) => (error instanceof ApiError ? errorResponse(c, error) : c.text(String(error), 500)));
  server = await listen(app, { port: 0, host: '127.0.0.1' });
});
afterAll(() => server.close());

/** POSTs `chunks` with node:http: with `Content-Length` when `declared`, else as a chunked (streamed) body. */
const post = (chunks: string[], declared: boolean): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const length = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    const headers: Record<string, string | number> = { 'content-type': 'text/plain' };
    if (declared) headers['content-length'] = length;
    const sent = request(`${server.url}/echo`, { method: 'POST', headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (part: string) => (body += part));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    // The server may answer 413 and close before the whole body is sent.
    sent.on('error', reject);
    for (const chunk of chunks) sent.write(chunk);
    sent.end();
  });

describe('limitBodySize', () => {
  it('refuses a declared length over the limit with 413 body-too-large', async () => {
    const answer = await post(['x'.repeat(LIMIT + 1)], true);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'body-too-large' } });
  });

  it('refuses a streamed body once it passes the limit', async () => {
    const answer = await post(['x'.repeat(600), 'y'.repeat(600)], false);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'body-too-large' } });
  });

  it('hands bodies within the limit to the route whole, declared or streamed', async () => {
    expect(await post(['x'.repeat(LIMIT)], true)).toEqual({ status: 200, body: JSON.stringify({ bytes: LIMIT }) });
    expect(await post(['x'.repeat(500), 'y'.repeat(500)], false)).toEqual({
      status: 200,
      body: JSON.stringify({ bytes: 1000 }),
    });
  });

  it('lets requests without a body through', async () => {
    const response = await fetch(`${server.url}/echo`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });
});
