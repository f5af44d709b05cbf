import { describe, expect, it } from 'vitest';
import { createApiExecutor } from '../../../src/adapters/api/executor.ts';
import { NodeError } from '../../../src/adapters/executor.ts';
import { makeExecution } from '../support/execution.ts';
import { failure } from '../support/failure.ts';
import { forgetRequests, startForFile } from '../support/for-file.ts';
import { closedPort } from '../support/loopback.ts';
import { startRecordingServer } from '../support/recording-server.ts';

const SECRET = 'tok_canary_5f2b9c';
const server = await startForFile(startRecordingServer, forgetRequests);
const api = createApiExecutor();

describe('api executor (plain HTTP)', () => {
  it('sends a JSON body with query params and headers, and maps outputs from the envelope', async () => {
    server.script({ status: 201, body: { id: 'thing_1', nested: { tags: ['a', 'b'] } } });
    const execution = makeExecution({
      runtime: {
        method: 'POST',
        url: `${server.url}/things`,
        headers: { Authorization: `Bearer ${SECRET}`, 'X-Trace': 7 },
        query_params: { dry: true, q: 'a b' },
        body: { name: 'widget', size: 3 },
      },
      outputs: { thing_id: 'data.id', first_tag: '$.data.nested.tags[0]', note: null },
    });
    const result = await api(execution);

    const [request] = server.requests;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/things?dry=true&q=a%20b');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-trace']).toBe('7');
    expect(request.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(JSON.parse(request.body)).toEqual({ name: 'widget', size: 3 });
    expect(result.outputs).toEqual({
      thing_id: 'thing_1',
      first_tag: 'a',
      data: { id: 'thing_1', nested: { tags: ['a', 'b'] } },
      status: 201,
    });
  });

  it('form-encodes the body with bracket nesting when Content-Type says so', async () => {
    await api(
      makeExecution({
        runtime: {
          method: 'POST',
          url: `${server.url}/form`,
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: { email: 'a+b@example.com', metadata: { order: '42' }, expand: ['customer'] },
        },
      }),
    );
    expect(server.requests[0].body).toBe('email=a%2Bb%40example.com&metadata[order]=42&expand[]=customer');
  });

  it('sends body_template as written', async () => {
    await api(makeExecution({ runtime: { method: 'PUT', url: `${server.url}/raw`, body_template: '{"a": 1}' } }));
    expect(server.requests[0].body).toBe('{"a": 1}');
    expect(server.requests[0].headers['content-type']).toBe('application/json');
  });

  it('reports the request and response as events, without headers or the secret', async () => {
    const execution = makeExecution({
      runtime: { url: `${server.url}/ping?key=1`, headers: { Authorization: `Bearer ${SECRET}` } },
    });
    await api(execution);
    expect(execution.events.map((event) => event.type)).toEqual(['node.request', 'node.response']);
    expect(execution.events[0]).toMatchObject({ node: 'call', method: 'GET', url: `${server.url}/ping`, attempt: 1 });
    expect(execution.events[1]).toMatchObject({ status: 200 });
    expect(JSON.stringify(execution.events)).not.toContain(SECRET);
  });

  it('accepts a status listed in expected_status and rejects a 2xx that is not', async () => {
    server.script({ status: 404, body: { error: 'gone' } }, { status: 200, body: {} });
    const ok = await api(makeExecution({ runtime: { url: `${server.url}/a`, expected_status: [200, 404] } }));
    expect(ok.outputs.status).toBe(404);
    const error = await failure(api(makeExecution({ runtime: { url: `${server.url}/b`, expected_status: 201 } })));
    expect(error).toMatchObject({ code: 'http_200', status: 200, retryable: false });
  });

  it.each([
    [408, true],
    [409, true],
    [500, true],
    [503, true],
    [400, false],
    [403, false],
    [404, false],
  ])('classifies HTTP %i as retryable=%s', async (status, retryable) => {
    server.script({ status, body: { error: { message: 'nope' } } });
    const error = await failure(api(makeExecution({ runtime: { method: 'DELETE', url: `${server.url}/x` } })));
    expect(error).toMatchObject({ code: `http_${status}`, status, retryable });
    expect(error.message).toContain(`DELETE ${server.url}/x answered HTTP ${status}: nope`);
  });

  it('honours Retry-After on 429', async () => {
    server.script({ status: 429, headers: { 'Retry-After': '2' }, body: 'slow down' });
    const error = await failure(api(makeExecution({ runtime: { url: `${server.url}/x` } })));
    expect(error).toMatchObject({ code: 'http_429', retryable: true, retryAfterMs: 2000 });
  });

  it('keeps a credential the server echoes out of the error message', async () => {
    server.script({ status: 401, body: { message: `bad token ${SECRET}` } });
    const error = await failure(
      api(makeExecution({ runtime: { url: `${server.url}/x`, headers: { Authorization: `Bearer ${SECRET}` } } })),
    );
    expect(error.message).toContain('bad token [redacted]');
    expect(error.message).not.toContain(SECRET);
  });

  it('turns an unreachable host into a retryable network error', async () => {
    const error = await failure(
      api(
        makeExecution({ runtime: { url: `${await closedPort()}/x`, headers: { Authorization: `Bearer ${SECRET}` } } }),
      ),
    );
    expect(error).toMatchObject({ code: 'network_error', retryable: true });
    expect(error.message).not.toContain(SECRET);
  });

  it('stops when the run aborts the node, passing on a NodeError reason', async () => {
    const cancelled = new AbortController();
    cancelled.abort();
    expect(
      await failure(api(makeExecution({ runtime: { url: `${server.url}/x` }, signal: cancelled.signal }))),
    ).toMatchObject({
      code: 'aborted',
      retryable: false,
    });
    const timedOut = new AbortController();
    timedOut.abort(new NodeError('node timed out after 5s', { code: 'timeout', kind: 'timeout' }));
    expect(
      await failure(api(makeExecution({ runtime: { url: `${server.url}/x` }, signal: timedOut.signal }))),
    ).toMatchObject({
      code: 'timeout',
      kind: 'timeout',
    });
  });

  it('explains a runtime block it cannot send, with the node location', async () => {
    const missing = await failure(api(makeExecution({ runtime: { method: 'POST' } })));
    expect(missing.message).toMatch(/^test\.osop\.yaml:1:1: api node "call": runtime\.url is missing/);
    expect(missing).toMatchObject({ code: 'invalid_runtime', retryable: false });
    const getWithBody = await failure(api(makeExecution({ runtime: { url: server.url, body: { q: 1 } } })));
    expect(getWithBody).toMatchObject({ code: 'invalid_runtime', retryable: false });
    expect(getWithBody.message).toContain('move the fields to runtime.query_params');
    const method = await failure(api(makeExecution({ runtime: { method: 'FETCH', url: server.url } })));
    expect(method.message).toContain('runtime.method is "FETCH" — use one of GET, POST');
  });

  it('keeps an error answer as the failed node’s outputs, with the mappings its body matches', async () => {
    server.script({ status: 422, body: { error: { code: 'invalid_title', id: 'err_1' } } });
    const error = await failure(
      api(
        makeExecution({
          runtime: { method: 'POST', url: `${server.url}/x` },
          outputs: { error_code: 'data.error.code', thing_id: '$.data.thing.id' },
        }),
      ),
    );
    expect(error).toMatchObject({ code: 'http_422', status: 422 });
    // thing_id reads the success body: the error body does not have it, so it is left out rather than failing again.
    expect(error.outputs).toEqual({
      data: { error: { code: 'invalid_title', id: 'err_1' } },
      status: 422,
      error_code: 'invalid_title',
    });
  });

  it('fails clearly when an output mapping finds nothing', async () => {
    server.script({ status: 200, body: { other: 1 } });
    const error = await failure(
      api(makeExecution({ runtime: { url: `${server.url}/x` }, outputs: { id: '$.data.id' } })),
    );
    expect(error).toMatchObject({ code: 'output_extraction', retryable: false, acted: false });
    expect(error.message).toContain('output id: $.data.id matched nothing');
  });

  it('says a POST answered with success took effect when its outputs cannot be read (no fallback may act again)', async () => {
    server.script({ status: 201, body: { other: 1 } });
    const error = await failure(
      api(makeExecution({ runtime: { method: 'POST', url: `${server.url}/x` }, outputs: { id: '$.data.id' } })),
    );
    expect(error).toMatchObject({ code: 'output_extraction', retryable: false, acted: true, indeterminate: false });
    expect(error.toInfo()).toMatchObject({ code: 'output_extraction', acted: true });
    expect(error.message).toContain('the POST went through (HTTP 201), so no failure edge is taken');
  });
});

describe('api executor: requests fetch refuses', () => {
  it('a header HTTP cannot carry is a located, final error that does not quote the value', async () => {
    const error = await failure(
      api(
        makeExecution({
          runtime: { url: 'http://127.0.0.1:9/x', headers: { Authorization: `Bearer ${SECRET}\nX-Injected: 1` } },
        }),
      ),
    );
    expect(error).toMatchObject({ code: 'invalid_runtime', retryable: false });
    expect(error.message).toContain('runtime.headers.Authorization is not a valid HTTP header');
    expect(error.message).not.toContain(SECRET);
  });
});
