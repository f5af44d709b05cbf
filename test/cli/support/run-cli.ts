// `sopstate run` in-process, as the CLI tests drive it: flags, captured output, the events of --json, the .osoplog dir.
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { parse } from 'yaml';
import { runWorkflowCommand, type RunFlags, type RunIO } from '../../../src/cli/commands/run.ts';
import type { RunEvent } from '../../../src/events/run-event.ts';
import { schemaValidator } from '../../../src/osop/schema-verdict.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** One RunEvent a line, with `json: true`; else empty. */
  events: RunEvent[];
  /** Where the run wrote its .osoplog (also its working directory). */
  logDir: string;
}

/** Runs `file` with shell commands allowed and no inputs, secrets or decisions unless `extra` gives them. */
export async function runCli(file: string, extra: Partial<RunFlags> = {}, io: Partial<RunIO> = {}): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const logDir = await mkdtemp(join(tmpdir(), 'sopstate-cli-run-'));
  const flags: RunFlags = { input: [], secret: [], approve: [], reject: [], logDir, allowCli: true, ...extra };
  const code = await runWorkflowCommand(file, flags, {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    env: {},
    cwd: logDir,
    ...io,
  });
  const stdout = out.join('');
  const events = flags.json
    ? stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as RunEvent)
    : [];
  return { code, stdout, stderr: err.join(''), events, logDir };
}

/** The one .osoplog the run left in `logDir`, checked against the OSOP log schema. */
export async function expectValidOsoplog(logDir: string): Promise<Record<string, unknown>> {
  const files = (await readdir(logDir)).filter((name) => name.endsWith('.osoplog.yaml'));
  expect(files).toHaveLength(1);
  const log = parse(await readFile(join(logDir, files[0]), 'utf8')) as Record<string, unknown>;
  const validate = schemaValidator('osoplog');
  expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
  return log;
}
