// `sopstate serve` on a SQLite file an earlier version made: it says which migrations it applies before they run, and
// the runs the file holds are still there.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalExecutors } from '../../src/adapters/local.ts';
import { startRun } from '../../src/machine/runner.ts';
import { loadWorkflowFile } from '../../src/osop/load.ts';
import { startServer, type RunningServer } from '../../src/server/start-server.ts';
import { olderDatabase } from '../store/support/store-fixtures.ts';

let dir: string | undefined;
let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
});

const serve = (dbFile: string, log: (line: string) => void) =>
  startServer({
    workflowsDir: dir!,
    dbFile,
    logDir: join(dir!, 'logs'),
    port: 0,
    log,
    runtime: { startRun, load: loadWorkflowFile, createExecutors: () => createLocalExecutors({ dryRun: true }) },
  });

describe('a database an earlier version made', () => {
  it('is migrated when the server opens it, with a line for each migration, and keeps its runs', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sopstate-upgrade-'));
    await writeFile(join(dir, 'one.osop.yaml'), 'id: one\nnodes: [{id: a, type: api}]\n');
    const dbFile = join(dir, 'runs.db');
    const older = olderDatabase(dbFile, ['runs-events-in-order-001']);
    const at = '2026-01-01T00:00:00.000Z';
    older
      .prepare(
        `INSERT INTO runs (id, workflow_id, workflow_file, inputs, status, created_at, updated_at, last_seq)
         VALUES ('old-run', 'one', ?, '{}', 'COMPLETED', ?, ?, 1)`,
      )
      .run(join(dir, 'one.osop.yaml'), at, at);
    const finished = { type: 'run.completed', status: 'COMPLETED', durationMs: 5, runId: 'old-run', seq: 1, at };
    older
      .prepare("INSERT INTO events (run_id, seq, type, json) VALUES ('old-run', 1, 'run.completed', ?)")
      .run(JSON.stringify(finished));
    older.close();

    const lines: string[] = [];
    server = await serve(dbFile, (line) => lines.push(line));
    expect(lines.filter((line) => line.startsWith('upgrading'))).toEqual([
      `upgrading ${dbFile}: applying migration runs-events-in-order-001 (once; a big file takes a while)`,
    ]);
    const events = await (await fetch(`${server.url}/api/runs/old-run/events`)).text();
    expect(events).toContain('event: run.completed');
    await server.close();

    // Opened again, it has nothing left to apply.
    const again: string[] = [];
    server = await serve(dbFile, (line) => again.push(line));
    expect(again.filter((line) => line.startsWith('upgrading'))).toEqual([]);
  });
});
