// A condition that cannot be evaluated at run time is the node's error, not an edge silently not taken (issue 12.3).
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { schemaValidator } from '../../src/osop/schema-verdict.ts';
import { run, scripted, started, workflowFrom } from './helpers.ts';
import { osoplogWriter } from '../../src/store/osoplog-files.ts';

const yaml = `
osop_version: "1.0"
id: receipt
name: Receipt
nodes:
  - { id: check, type: system, name: Check }
  - { id: receipt, type: system, name: Receipt }
edges:
  - { from: check, to: receipt, mode: conditional, when: "check.status == 'succeeded'" }
`;
const workflow = workflowFrom(yaml, 'receipt.osop.yaml');
const whenLine = yaml.split('\n').findIndex((line) => line.includes('when:')) + 1;

describe('a condition that cannot be evaluated', () => {
  it('fails the run at the node, located, in the event and the .osoplog', async () => {
    const logDir = await mkdtemp(join(tmpdir(), 'condition-'));
    const result = await run(workflow, {
      executors: scripted({ check: () => ({ outputs: { state: 'succeeded' } }) }),
      writeRecord: osoplogWriter(logDir),
    });
    expect(result.status).toBe('FAILED');
    expect(started(result.events)).toEqual(['check']);
    const failed = result.events.find((event) => event.type === 'node.failed');
    expect(failed).toMatchObject({ node: 'check', error: { code: 'condition' } });
    const message = failed?.type === 'node.failed' ? failed.error.message : '';
    expect(message).toContain(`receipt.osop.yaml:${whenLine}:`);
    expect(message).toContain("check.status == 'succeeded'");
    expect(result.events.at(-1)).toMatchObject({ type: 'run.failed', error: { code: 'condition', message } });
    const record = parse(await readFile(result.osoplogPath!, 'utf8')) as {
      node_records: Array<Record<string, unknown>>;
    };
    expect(record.node_records.find((entry) => entry.node_id === 'check')).toMatchObject({
      status: 'FAILED',
      error: message,
    });
    expect(schemaValidator('osoplog')(record)).toBe(true);
  });

  it('still routes normally when the condition can be evaluated', async () => {
    const ok = await run(workflow, { executors: scripted({ check: () => ({ outputs: { status: 'succeeded' } }) }) });
    expect([ok.status, started(ok.events)]).toEqual(['COMPLETED', ['check', 'receipt']]);
    const no = await run(workflow, { executors: scripted({ check: () => ({ outputs: { status: 'failed' } }) }) });
    expect([no.status, started(no.events)]).toEqual(['COMPLETED', ['check']]);
  });

  it('skips the edge in a dry run, whose outputs are only samples', async () => {
    const result = await run(workflow, { dryRun: true });
    expect(result.status).toBe('COMPLETED');
  });
});
