import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { postJson, startFakeServer } from './support/fake-server.ts';
import { range, seqs, streamRun } from './support/sse-client.ts';
import { waitForRun } from './support/wait.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('a restart', () => {
  it('resumes a run left RUNNING from its snapshot, continuing its seq without a gap', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sopstate-restore-'));
    dirs.push(dir);
    const first = await startFakeServer({ dir });
    const started = await first.api('/api/runs', postJson({ workflow: 'approval', inputs: { amount: 7 } }));
    const { runId } = (await started.json()) as { runId: string };
    const before = await waitForRun(first, runId, (run) => run.waiting.includes('review'));
    await first.cleanup();

    const second = await startFakeServer({ dir });
    try {
      expect(second.restored.restored).toEqual([runId]);
      const resumed = second.runner.started[0];
      expect(resumed).toMatchObject({ runId, lastSeq: before.lastSeq, snapshot: { next: 1 } });
      await waitForRun(second, runId, (run) => run.waiting.includes('review'));
      await second.api(`/api/runs/${runId}/signal`, postJson({ node: 'review', decision: 'approved' }));
      const all = await streamRun(second.url, runId);
      expect(seqs(all)).toEqual(range(1, all.events.length));
      expect(all.events.at(-1)?.type).toBe('run.completed');
      expect(all.events.filter((e) => e.type === 'run.started')).toHaveLength(1);
    } finally {
      await second.cleanup();
    }
  });

  it('fails a run whose workflow file is gone, instead of leaving it RUNNING', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sopstate-restore-'));
    dirs.push(dir);
    const first = await startFakeServer({ dir });
    const started = await first.api('/api/runs', postJson({ workflow: 'approval', inputs: { amount: 7 } }));
    const { runId } = (await started.json()) as { runId: string };
    await waitForRun(first, runId, (run) => run.waiting.includes('review'));
    await first.cleanup();
    rmSync(join(dir, 'workflows', 'approval.osop.yaml'));

    const second = await startFakeServer({ dir });
    try {
      expect(second.restored.failed.map((f) => f.runId)).toEqual([runId]);
      const run = await waitForRun(second, runId, (r) => r.status !== 'RUNNING');
      expect(run.status).toBe('FAILED');
      const events = await streamRun(second.url, runId);
      expect(events.events.at(-1)).toMatchObject({ type: 'run.failed', error: { code: 'restore_failed' } });
    } finally {
      await second.cleanup();
    }
  });
});
