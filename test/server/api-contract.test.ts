// The typed contract: hc<AppType> gets each route's own answer types, a bad body is a 400 naming its field, and the
// page's list of event types is the server's.
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import type { RunStatus } from '../../src/events/run-event.ts';
import { ApiClientError, bodyOf, createApiClient } from '../../src/server/api-client.ts';
import { webModule } from '../../src/server/web/web-routes.ts';
import { postJson, startFakeServer, type FakeServer } from './support/fake-server.ts';
import { streamRun } from './support/sse-client.ts';

let server: FakeServer;
beforeEach(async () => {
  server = await startFakeServer({ routes: [webModule()] });
});
afterEach(async () => {
  await server.cleanup();
});

const refusal = async (response: Response) => {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return { status: response.status, ...body.error };
};

describe('the typed client', () => {
  it('reads the workflow list and a run as the routes answer them, typed by the routes', async () => {
    const client = createApiClient(server.url);
    const list = await bodyOf(await client.api.workflows.$get({ query: {} }));
    expectTypeOf(list.workflows[0].nodeCount).toEqualTypeOf<number>();
    // @ts-expect-error the list is under "workflows": a route answering {items} would make this line compile
    expect(list.items).toBeUndefined();
    expect(list.workflows.map((workflow) => workflow.id)).toContain('three-steps');

    const started = await bodyOf(await client.api.runs.$post({ json: { workflow: 'three-steps' } }));
    expectTypeOf(started.runId).toEqualTypeOf<string>();
    const run = await bodyOf(await client.api.runs[':id'].$get({ param: { id: started.runId } }));
    expectTypeOf(run.status).toEqualTypeOf<RunStatus>();
    expect(run).toMatchObject({ runId: started.runId, workflowId: 'three-steps' });
  });

  it('turns a refusal into an ApiClientError with the server code and message', async () => {
    const client = createApiClient(server.url);
    const answer = client.api.runs[':id'].$get({ param: { id: 'no-such-run' } });
    await expect(bodyOf(await answer)).rejects.toEqual(
      expect.objectContaining({ status: 404, code: 'unknown-run', message: 'no run no-such-run' }),
    );
    await expect(bodyOf(await client.api.runs[':id'].$get({ param: { id: 'x' } }))).rejects.toBeInstanceOf(
      ApiClientError,
    );
  });
});

describe('validation', () => {
  it('names the field that is wrong and what it must be, with the body to send', async () => {
    const cases: Array<[string, unknown, string, string]> = [
      ['/api/runs', { workflow: 5 }, 'bad-request', 'workflow must be the id of a workflow'],
      ['/api/runs', ['three-steps'], 'bad-request', 'the body must be a JSON object'],
      ['/api/runs/any/signal', { node: 'review', decision: 'maybe' }, 'bad-request', 'decision must be "approved"'],
      ['/api/runs/any/signal', { decision: 'approved' }, 'bad-request', 'node must be the id of the waiting node'],
      ['/api/runs/any/retry', { from: 3 }, 'bad-request', 'from must be the id of a node'],
      ['/api/runs/any/retry', { inputs: 'x=1' }, 'bad-request', 'inputs must be a JSON object'],
    ];
    for (const [path, body, code, message] of cases) {
      const answer = await refusal(await server.api(path, postJson(body)));
      expect(answer, `${path} ${JSON.stringify(body)}`).toMatchObject({
        status: 400,
        code,
        message: expect.stringContaining(message),
      });
    }
    const signal = await refusal(await server.api('/api/runs/any/signal', postJson({ decision: 'maybe' })));
    expect(signal.message, 'every wrong field, then what to send').toMatch(/^node .+; decision .+; send \{"node"/);
    expect(server.runner.started).toHaveLength(0);
  });

  it('refuses a body that is not JSON, and a bad query, in the same error shape', async () => {
    const notJson = await server.api('/api/runs/any/signal', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"node":',
    });
    expect(await refusal(notJson)).toMatchObject({ status: 400, code: 'bad-request' });
    expect(await refusal(await server.api('/api/runs?status=asleep'))).toMatchObject({
      status: 400,
      code: 'bad-filter',
      message: expect.stringContaining('status must be one of RUNNING'),
    });
    expect(await refusal(await server.api('/api/runs?status=a&status=b'))).toMatchObject({
      status: 400,
      message: expect.stringContaining('status must be given once'),
    });
  });
});

describe('the event types the page listens to', () => {
  it('are served to the page and include every type a run streams', async () => {
    const response = await server.api('/run-event-types.js');
    expect(response.headers.get('content-type')).toContain('javascript');
    const source = await response.text();
    const served = (await import(`data:text/javascript,${encodeURIComponent(source)}`)) as {
      RUN_EVENT_TYPES: string[];
    };
    const started = (await (await server.api('/api/runs', postJson({ workflow: 'three-steps' }))).json()) as {
      runId: string;
    };
    const streamed = (await streamRun(server.url, started.runId)).events.map((event) => event.type);
    expect(streamed).toContain('edge.taken');
    expect(served.RUN_EVENT_TYPES).toEqual(expect.arrayContaining([...new Set(streamed)]));
  });
});
