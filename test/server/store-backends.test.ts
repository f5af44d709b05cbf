// The server on either store: SQLite (a file) and PostgreSQL (cluster mode, a postgres:// URL) behave alike for a
// run's life, a restart, a changed workflow file and Idempotency-Key; on PostgreSQL a node whose run was taken over
// writes nothing, and two nodes share keys, conversations and .osoplogs.
import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../src/server/chat/chat-event.ts';
import { ofType, openChat, runEvents } from '../chat/support/collect.ts';
import { startSandboxServer } from '../chat/support/sandbox-server.ts';
import { freshSchema, postgresUnavailable, TEST_PG } from '../store/support/postgres.ts';
import { postJson, startFakeServer, type FakeServer } from './support/fake-server.ts';
import { range, seqs, streamRun } from './support/sse-client.ts';
import { waitFor, waitForRun } from './support/wait.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'sopstate-backends-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

const pgSkip = postgresUnavailable();
const pgUrl = TEST_PG;
const backends: Array<{ name: string; db: (dir: string) => Promise<string> }> = [
  { name: 'SQLite', db: async (dir) => join(dir, 'runs.db') },
];
if (pgUrl) {
  backends.push({
    name: 'PostgreSQL',
    db: async () => {
      const schema = await freshSchema(pgUrl);
      cleanups.push(schema.drop);
      return schema.url;
    },
  });
}

const startApproval = async (server: FakeServer): Promise<string> => {
  const started = await server.api('/api/runs', postJson({ workflow: 'approval', inputs: { amount: 7 } }));
  expect(started.status).toBe(201);
  const { runId } = (await started.json()) as { runId: string };
  await waitForRun(server, runId, (run) => run.waiting.includes('review'));
  return runId;
};

describe.each(backends)('the server on $name', ({ db }) => {
  it('filters GET /api/runs by status and search text, with durations of ended runs', async () => {
    const dir = tempDir();
    const server = await startFakeServer({ dir, dbFile: await db(dir) });
    cleanups.push(server.cleanup);
    const waiting = await startApproval(server);
    const ended = await startApproval(server);
    await server.api(`/api/runs/${ended}/cancel`, postJson({}));
    await waitForRun(server, ended, (run) => run.status !== 'RUNNING');
    type Listed = { runs: Array<{ id: string; status: string; durationMs?: number }>; total: number };
    const list = async (query: string) => (await (await server.api(`/api/runs?${query}`)).json()) as Listed;
    expect((await list('status=running')).runs.map((run) => run.id)).toEqual([waiting]);
    const cancelled = await list(`status=CANCELLED&q=${ended.slice(0, 8)}`);
    expect(cancelled).toMatchObject({ total: 1, runs: [{ id: ended, status: 'CANCELLED' }] });
    expect(cancelled.runs[0].durationMs).toBeGreaterThanOrEqual(0);
    expect((await list('workflow=approval')).total).toBe(2);
    expect((await list('workflow=nope')).total).toBe(0);
  });

  it('answers an Idempotency-Key with the same run, and two requests with one key at once start one run', async () => {
    const dir = tempDir();
    const server = await startFakeServer({ dir, dbFile: await db(dir) });
    cleanups.push(server.cleanup);
    const send = (key: string, amount: number) =>
      server.api('/api/runs', {
        ...postJson({ workflow: 'approval', inputs: { amount } }),
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
      });
    const [first, second] = await Promise.all([send('k-1', 7), send('k-1', 7)]);
    const bodies = (await Promise.all([first.json(), second.json()])) as Array<{ runId: string }>;
    expect([first.status, second.status].sort()).toEqual([200, 201]);
    expect(bodies[0].runId).toBe(bodies[1].runId);
    const other = await send('k-1', 8);
    expect(other.status).toBe(422);
    expect(await other.json()).toMatchObject({ error: { code: 'idempotency-key-reused' } });
    expect((await (await server.api('/api/runs')).json()) as { total: number }).toMatchObject({ total: 1 });
    expect(server.runner.started).toHaveLength(1);
  });

  it('runs, survives a restart, resumes from the snapshot and serves the .osoplog', async () => {
    const dir = tempDir();
    const dbFile = await db(dir);
    const first = await startFakeServer({ dir, dbFile });
    const runId = await startApproval(first);
    await first.cleanup();

    const second = await startFakeServer({ dir, dbFile });
    cleanups.push(second.cleanup);
    expect(second.restored.restored).toEqual([runId]);
    await waitForRun(second, runId, (run) => run.waiting.includes('review'));
    expect(
      (await second.api(`/api/runs/${runId}/signal`, postJson({ node: 'review', decision: 'approved' }))).status,
    ).toBe(202);
    const all = await streamRun(second.url, runId);
    expect(seqs(all)).toEqual(range(1, all.events.length));
    expect(all.events.at(-1)?.type).toBe('run.completed');
    const listed = (await (await second.api('/api/runs')).json()) as { runs: Array<{ id: string; status: string }> };
    expect(listed.runs).toEqual([expect.objectContaining({ id: runId, status: 'COMPLETED' })]);
    const osoplog = await waitForOsoplog(second, runId);
    expect(osoplog).toContain(runId);
  });

  it('refuses to resume a run whose workflow file changed since it started, and says so', async () => {
    const dir = tempDir();
    const dbFile = await db(dir);
    const first = await startFakeServer({ dir, dbFile });
    const runId = await startApproval(first);
    await first.cleanup();
    appendFileSync(join(dir, 'workflows', 'approval.osop.yaml'), '# edited while the run waited\n');

    const second = await startFakeServer({ dir, dbFile });
    cleanups.push(second.cleanup);
    expect(second.restored.restored).toEqual([]);
    expect(second.restored.failed).toEqual([
      { runId, reason: expect.stringMatching(/approval\.osop\.yaml changed since run .* started/) },
    ]);
    const run = await waitForRun(second, runId, (r) => r.status !== 'RUNNING');
    expect(run.status).toBe('FAILED');
    const events = await streamRun(second.url, runId);
    expect(events.events.at(-1)).toMatchObject({
      type: 'run.failed',
      error: { code: 'restore_failed', message: expect.stringContaining('restore the original file') },
    });
  });
});

const waitForOsoplog = async (server: FakeServer, runId: string): Promise<string> => {
  for (let attempt = 0; attempt < 200; attempt++) {
    const response = await server.api(`/api/runs/${runId}/osoplog`);
    if (response.status === 200) return response.text();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`no .osoplog for ${runId}`);
};

describe.skipIf(!pgUrl)('two nodes on one PostgreSQL', () => {
  it('a node whose run another node took over writes nothing more and hands a decision sent to it to the new owner', async () => {
    const dir = tempDir();
    const schema = await freshSchema(pgUrl as string);
    cleanups.push(schema.drop);
    const zombieLog: string[] = [];
    const zombie = await startFakeServer({
      dir,
      dbFile: schema.url,
      nodeId: 'zombie',
      log: (line) => zombieLog.push(line),
    });
    cleanups.push(zombie.cleanup);
    const runId = await startApproval(zombie);

    // The other node takes the run over (as the sweeper does for a node that missed its heartbeats).
    const taker = await startFakeServer({ dir, dbFile: schema.url, nodeId: 'taker' });
    cleanups.push(taker.cleanup);
    expect(taker.restored.restored).toEqual([runId]);
    await waitForRun(taker, runId, (run) => run.waiting.includes('review'));

    // The zombie still holds the run in memory (waiting writes nothing, so no refused write told it). A decision sent
    // to it finds the run's epoch moved on: it stops the run here and keeps the decision for the node driving it.
    expect(
      (await zombie.api(`/api/runs/${runId}/signal`, postJson({ node: 'review', decision: 'approved' }))).status,
    ).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(zombie.context.manager.isLive(runId)).toBe(false);
    expect(zombieLog).toEqual([`run ${runId} was taken over by another node; stopping it here`]);

    const all = await streamRun(taker.url, runId);
    expect(seqs(all)).toEqual(range(1, all.events.length));
    const nodesStarted = all.events.filter((e) => e.type === 'node.started').map((e) => 'node' in e && e.node);
    expect(nodesStarted.filter((node) => node === 'charge')).toHaveLength(1);
    expect(nodesStarted).not.toContain('notify_rejected');
    expect(all.events.filter((e) => e.type === 'run.completed' || e.type === 'run.failed')).toHaveLength(1);
  });
});

describe.skipIf(!pgUrl)('a cluster of two nodes on one PostgreSQL', () => {
  const twoNodes = async () => {
    const dir = tempDir();
    const schema = await freshSchema(pgUrl as string);
    cleanups.push(schema.drop);
    // B first: a node starting up takes over the unfinished runs it finds.
    const b = await startFakeServer({ dir, dbFile: schema.url, nodeId: 'b' });
    cleanups.push(b.cleanup);
    const a = await startFakeServer({ dir, dbFile: schema.url, nodeId: 'a' });
    cleanups.push(a.cleanup);
    return { a, b };
  };

  it('streams a run driven by node A to a follower on node B, and B takes the approval for it', async () => {
    const { a, b } = await twoNodes();
    const runId = await startApproval(a);
    expect(a.context.manager.drives(runId)).toBe(true);
    expect(b.context.manager.drives(runId)).toBe(false);
    const follower = streamRun(b.url, runId);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await b.api(`/api/runs/${runId}/signal`, postJson({ node: 'charge', decision: 'approved' }))).status).toBe(
      409,
    );
    expect((await b.api(`/api/runs/${runId}/signal`, postJson({ node: 'review', decision: 'approved' }))).status).toBe(
      202,
    );
    const seen = await follower;
    const stored = await a.context.store.eventsAfter(runId, 0);
    expect(seqs(seen)).toEqual(range(1, stored.length));
    expect(seen.events).toEqual(stored);
    expect(seen.events.at(-1)?.type).toBe('run.completed');
    expect(seen.events.filter((e) => e.type === 'node.started').map((e) => 'node' in e && e.node)).toContain('charge');
    expect(b.context.manager.drives(runId)).toBe(false);
  });

  it('one Idempotency-Key sent to both nodes at once starts one run', async () => {
    const { a, b } = await twoNodes();
    const send = (node: FakeServer) =>
      node.api('/api/runs', {
        ...postJson({ workflow: 'approval', inputs: { amount: 7 } }),
        headers: { 'content-type': 'application/json', 'idempotency-key': 'order-42' },
      });
    const answers = await Promise.all([send(a), send(b), send(a), send(b)]);
    const ids = await Promise.all(answers.map(async (answer) => ((await answer.json()) as { runId: string }).runId));
    expect(new Set(ids).size).toBe(1);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 200, 201]);
    expect(a.runner.started.length + b.runner.started.length).toBe(1);
    const again = await send(b);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { runId: string }).runId).toBe(ids[0]);
  });

  it('serves on node B the .osoplog and the inspection of a run node A drove, from the database', async () => {
    const { a, b } = await twoNodes();
    const started = await a.api('/api/runs', postJson({ workflow: 'three-steps' }));
    const { runId } = (await started.json()) as { runId: string };
    await waitForRun(a, runId, (run) => run.status === 'COMPLETED');
    const kept = await waitFor(() => a.context.store.getOsoplog(runId), 'the .osoplog A keeps');
    // Without the workflow file B cannot rebuild the record: what it serves is the one A stored.
    rmSync(join(a.dir, 'workflows', 'three-steps.osop.yaml'));
    const served = await b.api(`/api/runs/${runId}/osoplog`);
    expect(served.status).toBe(200);
    expect(await served.text()).toBe(kept);
    expect(kept).toContain(runId);
  });

  it('a run whose nodes keep dying ends FAILED after 3 resumes through the queue instead of looping', async () => {
    const dir = tempDir();
    const schema = await freshSchema(pgUrl as string);
    cleanups.push(schema.drop);
    // Every node is up before the run exists, so none takes it over at startup: only drive() (the queue) does.
    const nodes: FakeServer[] = [];
    for (const name of ['n1', 'n2', 'n3', 'n4', 'n5']) {
      const node = await startFakeServer({ dir, dbFile: schema.url, nodeId: name });
      cleanups.push(node.cleanup);
      nodes.push(node);
    }
    const store = nodes[0].context.store;
    // As placement starts a run: the row, then the queue hands it to a node's drive().
    const runId = 'poison-run';
    await store.createRun({
      id: runId,
      workflowId: 'approval',
      workflowFile: join(dir, 'workflows', 'approval.osop.yaml'),
      inputs: { amount: 7 },
    });
    void nodes[0].context.manager.drive(runId);
    await waitForRun(nodes[0], runId, (run) => run.waiting.includes('review'));
    expect((await store.getRun(runId))?.resumeAttempts).toBe(0);
    // Each next node gets the run back as DBOS recovery would after the previous node died holding it.
    for (const [index, node] of nodes.slice(1, 4).entries()) {
      void node.context.manager.drive(runId);
      await waitFor(async () => (node.context.manager.drives(runId) ? true : undefined), `node ${index + 2} drives`);
      expect((await store.getRun(runId))?.resumeAttempts).toBe(index + 1);
    }
    expect(await nodes[4].context.manager.drive(runId)).toBe('FAILED');
    const events = await store.eventsAfter(runId, 0);
    expect(events.map((event) => event.seq)).toEqual(range(1, events.length));
    expect(events.at(-1)).toMatchObject({
      type: 'run.failed',
      error: {
        code: 'resume_limit',
        message: expect.stringMatching(
          /resumed 3 times and the node driving it stopped each time before the run ended/,
        ),
      },
    });
  });

  it('continues on node B a conversation started on node A: B takes the action A asked to confirm', async () => {
    const schema = await freshSchema(pgUrl as string);
    cleanups.push(schema.drop);
    const [a, b] = [await startSandboxServer({ dbFile: schema.url }), await startSandboxServer({ dbFile: schema.url })];
    cleanups.push(a.cleanup, b.cleanup);
    const onA = openChat(a.url);
    const asked = await onA.say('Charge john@example.com $25 for the pro plan');
    expect(ofType(asked, 'confirm.required')).toHaveLength(1);
    const conversationId = onA.client.conversationId as string;

    const turn = await b.api('/api/chat', postJson({ message: 'yes', conversationId }));
    expect(turn.status).toBe(200);
    const events = (await turn.text())
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)) as ChatEvent);
    const [started] = ofType(events, 'run.started');
    expect(started.workflow).toBe('stripe-payment');
    expect(runEvents(events).at(-1)).toMatchObject({ type: 'run.completed', status: 'COMPLETED' });

    const seenOnA = (await (await a.api(`/api/chat/${conversationId}`)).json()) as {
      messages: Array<{ role: string }>;
      runs: string[];
      pending?: unknown;
    };
    expect(seenOnA.runs).toEqual([started.runId]);
    expect(seenOnA.pending).toBeUndefined();
    expect(seenOnA.messages.filter((message) => message.role === 'user').length).toBeGreaterThanOrEqual(2);
    // Taken once: a second "yes" on A finds nothing waiting.
    expect(ofType(await onA.say('yes'), 'run.started')).toEqual([]);
  });

  it('a node the queue hands a run whose workflow file changed refuses to drive it, and says so', async () => {
    const { a, b } = await twoNodes();
    const runId = 'changed-file-run';
    const file = join(a.dir, 'workflows', 'approval.osop.yaml');
    await a.context.store.createRun({
      id: runId,
      workflowId: 'approval',
      workflowFile: file,
      inputs: { amount: 7 },
      workflowHash: createHash('sha256').update(readFileSync(file)).digest('hex'),
    });
    void a.context.manager.drive(runId);
    await waitForRun(a, runId, (run) => run.waiting.includes('review'));
    appendFileSync(file, '# edited while the run waited\n');
    // A died holding it; DBOS hands it to B.
    expect(await b.context.manager.drive(runId)).toBe('FAILED');
    expect(b.context.manager.drives(runId)).toBe(false);
    expect((await b.context.store.eventsAfter(runId, 0)).at(-1)).toMatchObject({
      type: 'run.failed',
      error: {
        code: 'restore_failed',
        message: expect.stringMatching(
          /approval\.osop\.yaml changed since run changed-file-run started.*restore the original file/,
        ),
      },
    });
  });

  it('cancels on node B a run node A drives', async () => {
    const { a, b } = await twoNodes();
    const runId = await startApproval(a);
    expect((await b.api(`/api/runs/${runId}/cancel`, postJson({}))).status).toBe(202);
    const run = await waitForRun(b, runId, (r) => r.status !== 'RUNNING');
    expect(run.status).toBe('CANCELLED');
    expect((await b.api(`/api/runs/${runId}/cancel`, postJson({}))).status).toBe(409);
  });
});

describe.skipIf(!pgSkip)('the server on PostgreSQL', () => {
  it.skip(`skipped: ${pgSkip}`, () => {});
});
