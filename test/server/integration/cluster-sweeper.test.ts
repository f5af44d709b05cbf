// A node dies holding runs (each waits at a human node, so DBOS has them PENDING under its executor): the sweeper of
// another node re-queues them and deletes the dead node's row, but only while it holds the recovery lock; the runs
// then wait on the survivor, take the approval there and end COMPLETED, once, with gapless events.
import { afterAll, describe, expect, it } from 'vitest';
import { postgresUnavailable, TEST_PG } from '../../store/support/postgres.ts';
import {
  ClusterDb,
  endedOn,
  eventually,
  fixtureCluster,
  postJson,
  startNode,
  startRunOn,
  sleep,
  waitingOn,
  type ClusterNode,
} from './cluster-nodes.ts';

const HEARTBEAT_TIMEOUT_MS = 2000;
const nodes: ClusterNode[] = [];
const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const node of nodes) await node.child.kill('SIGKILL');
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const pgSkip = postgresUnavailable();

describe.skipIf(!TEST_PG)('the sweeper', () => {
  it(
    're-queues the runs of a node killed holding them, under the recovery lock, and drops its row',
    {
      timeout: 90_000,
    },
    async () => {
      const { url, db, options } = await fixtureCluster(TEST_PG as string, cleanups, HEARTBEAT_TIMEOUT_MS);
      const a = await startNode('a', options);
      nodes.push(a);
      // Only A is up: it takes all three off the queue and holds them, waiting for a decision.
      const runIds = [await startRunOn(a, 'approve-refund'), await startRunOn(a, 'approve-refund')];
      runIds.push(await startRunOn(a, 'approve-refund'));
      await eventually(
        async () => ((await db.runningOwnedBy(a.executorId)).length === 3 ? true : undefined),
        'node A to drive the three runs',
        20_000,
      );
      for (const runId of runIds) await waitingOn(a, runId);
      expect(await db.workflows(runIds)).toEqual(
        [...runIds].sort().map((id) => ({ id, status: 'PENDING', executor: a.executorId })),
      );

      const b = await startNode('b', options);
      nodes.push(b);
      // Another session holds the recovery lock: no sweeper may act meanwhile.
      const holder = await ClusterDb.connect(url);
      cleanups.push(() => holder.close());
      await holder.client.query("SELECT pg_advisory_lock(hashtext('sopstate-recovery'))");
      await a.child.kill('SIGKILL');
      // Silent past the timeout and two of B's sweeps more (one every two heartbeats).
      await eventually(
        async () =>
          ((await db.nodeRow(a.executorId))?.silentMs ?? 0) > HEARTBEAT_TIMEOUT_MS + 2000 ? true : undefined,
        'node A to be silent past the timeout',
        20_000,
      );
      await sleep(1500);
      expect(b.child.stderr()).not.toContain('is silent');
      expect(await db.nodeRow(a.executorId)).toBeDefined();
      expect((await db.workflows(runIds)).map((workflow) => [workflow.status, workflow.executor])).toEqual(
        runIds.map(() => ['PENDING', a.executorId]),
      );

      await holder.client.query("SELECT pg_advisory_unlock(hashtext('sopstate-recovery'))");
      await eventually(
        async () => (b.child.stderr().includes(`node ${a.executorId} is silent`) ? true : undefined),
        'the sweeper on B',
        20_000,
      );
      expect(b.child.stderr()).toContain(`cluster: node ${a.executorId} is silent; 3 run(s) went back on the queue`);
      expect(await db.nodeRow(a.executorId)).toBeUndefined();
      await eventually(
        async () => ((await db.runningOwnedBy(b.executorId)).length === 3 ? true : undefined),
        'node B to drive the three runs',
        20_000,
      );

      for (const runId of runIds) {
        await eventually(
          async () => {
            const answer = await fetch(
              `${b.url}/api/runs/${runId}/signal`,
              postJson({ node: 'review', decision: 'approved' }),
            );
            return answer.status === 202 ? true : undefined;
          },
          `run ${runId} to take the approval on B`,
          20_000,
        );
      }
      for (const runId of runIds) {
        expect(await endedOn(b, runId)).toBe('COMPLETED');
        const events = await db.events(runId);
        expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
        expect(events.filter((event) => event.type === 'run.completed' || event.type === 'run.failed')).toHaveLength(1);
        expect(
          events.filter((event) => event.type === 'node.started').map((event) => 'node' in event && event.node),
        ).toContain('refund');
      }
      expect((await db.workflows(runIds)).map((workflow) => [workflow.status, workflow.executor])).toEqual(
        runIds.map(() => ['SUCCESS', b.executorId]),
      );
    },
  );
});

describe.skipIf(!TEST_PG)('a node stopped cleanly', () => {
  it(
    'leaves its unfinished runs to the next sweep, without waiting for its heartbeat to time out',
    {
      timeout: 90_000,
    },
    async () => {
      // A timeout far beyond this test: only the stopping node marking itself silent can explain a quick re-queue.
      const { db, options } = await fixtureCluster(TEST_PG as string, cleanups, 600_000);
      const a = await startNode('a', options);
      nodes.push(a);
      const runId = await startRunOn(a, 'approve-refund');
      await waitingOn(a, runId);
      const b = await startNode('b', options);
      nodes.push(b);
      await a.child.kill('SIGTERM');
      expect(a.child.process.exitCode).toBe(0);
      await eventually(
        async () => ((await db.runningOwnedBy(b.executorId)).includes(runId) ? true : undefined),
        'node B to drive the run',
        20_000,
      );
      expect(b.child.stderr()).toContain(`cluster: node ${a.executorId} is silent; 1 run(s) went back on the queue`);
      expect(await db.nodeRow(a.executorId)).toBeUndefined();
      await eventually(
        async () => {
          const answer = await fetch(
            `${b.url}/api/runs/${runId}/signal`,
            postJson({ node: 'review', decision: 'rejected' }),
          );
          return answer.status === 202 ? true : undefined;
        },
        'the run to take the decision on B',
        20_000,
      );
      expect(await endedOn(b, runId)).toBe('COMPLETED');
      const events = await db.events(runId);
      expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
      const started = events.flatMap((event) => (event.type === 'node.started' ? [event.node] : []));
      expect(started).toContain('notify_rejected');
      expect(started).not.toContain('refund');
    },
  );
});

describe.skipIf(!pgSkip)('the sweeper', () => {
  it.skip(`skipped: ${pgSkip}`, () => {});
});
