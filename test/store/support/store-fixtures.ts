// What the SQLite store tests share: database files in a temporary folder removed after each test, and events with a
// fixed time per seq.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { RunEvent, RunEventBody } from '../../../src/events/run-event.ts';

/** Registers the cleanup; the function it returns gives a new database path in a folder of its own. */
export const useTempDbFiles = (prefix: string): (() => string) => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return join(dir, 'runs.db');
  };
};

/** An event of run `runId` with seq `seq`, at second `seq` of 2026-01-01. */
export const eventAt = (runId: string, seq: number, body: RunEventBody): RunEvent =>
  ({ ...body, runId, seq, at: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)).toISOString() }) as RunEvent;
