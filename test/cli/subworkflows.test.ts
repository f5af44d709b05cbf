// Issue 17 through the CLI: a `workflow` node runs its sub-workflow (events nested under it in the run's one stream,
// printed indented, recorded in a valid .osoplog); a missing or cyclic workflow_ref is a located validate error.
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/run-event.ts';
import { expectValidOsoplog, runCli } from './support/run-cli.ts';
import { sopstate } from './support/sopstate-cli.ts';

const SEMANTICS = 'test/fixtures/semantics';
const PARENT = `${SEMANTICS}/subworkflow-parent.osop.yaml`;

const steps = (events: RunEvent[]) =>
  events.flatMap((event) =>
    event.type === 'node.started' || event.type === 'node.completed' || event.type === 'node.failed'
      ? [`${event.type} ${event.node}`]
      : [],
  );

describe('sopstate run: a workflow node runs its sub-workflow', () => {
  it('runs the child inside the node, in one gapless stream, and hands its outputs on', async () => {
    const { code, events, logDir } = await runCli(PARENT, { json: true, input: ['who=Ada'] });
    expect(code).toBe(0);
    expect(new Set(events.map((event) => event.runId)).size).toBe(1);
    expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
    expect(steps(events)).toEqual([
      'node.started prepare',
      'node.completed prepare',
      'node.started greet_all',
      'node.started greet_all/hello',
      'node.completed greet_all/hello',
      'node.started greet_all/check',
      'node.completed greet_all/check',
      'node.started greet_all/sign_off',
      'node.completed greet_all/sign_off',
      'node.completed greet_all',
      'node.started report',
      'node.completed report',
    ]);
    const hello = events.find((event) => event.type === 'node.command' && event.node === 'greet_all/hello');
    expect(hello).toMatchObject({ argv: ['echo', 'hello', 'Ada'] });
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'edge.taken', from: 'greet_all/hello', to: 'greet_all/check' }),
    );
    // The node's outputs are its child's last node's: report echoes them.
    expect(events.find((event) => event.type === 'node.completed' && event.node === 'greet_all')).toMatchObject({
      outputs: { stdout: 'bye-Ada' },
    });
    expect(events.find((event) => event.type === 'node.completed' && event.node === 'report')).toMatchObject({
      outputs: { stdout: 'got bye-Ada' },
    });
    const log = await expectValidOsoplog(logDir);
    const records = log.node_records as Array<Record<string, unknown>>;
    expect(records.find((record) => record.node_id === 'greet_all')).toMatchObject({
      status: 'COMPLETED',
      subworkflow_id: 'subworkflow-child',
    });
    expect(records.find((record) => record.node_id === 'greet_all/sign_off')).toMatchObject({
      status: 'COMPLETED',
      node_type: 'cli',
      parent_id: 'greet_all',
    });
  }, 30_000);

  it('prints the child steps indented under the node', async () => {
    const { code, stdout } = await runCli(PARENT, { input: ['who=Ada'] });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^● greet_all \[workflow\] started$/m);
    expect(stdout).toMatch(/^ {4}● greet_all\/hello \[cli\] started$/m);
    expect(stdout).toMatch(/^ {4}✔ greet_all\/sign_off completed/m);
    expect(stdout).toMatch(/^✔ greet_all completed/m);
  }, 30_000);

  it('fails the node when the child fails, so its fallback edge is taken', async () => {
    const { code, events, logDir } = await runCli(PARENT, { json: true, input: ['who=Ada', 'fail_child=true'] });
    expect(code).toBe(0);
    expect(events.find((event) => event.type === 'node.failed' && event.node === 'greet_all')).toMatchObject({
      error: { code: 'subworkflow_failed' },
    });
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'node.skipped', node: 'greet_all/sign_off', reason: 'not reached' }),
    );
    expect(steps(events)).toContain('node.completed child_failed');
    expect(steps(events)).not.toContain('node.started report');
    const log = await expectValidOsoplog(logDir);
    const records = log.node_records as Array<Record<string, unknown>>;
    expect(records.find((record) => record.node_id === 'greet_all/check')).toMatchObject({ status: 'FAILED' });
  }, 30_000);

  it('checks the mapped inputs against the child’s input schema before the child starts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'subflows-inputs-'));
    copyFileSync(`${SEMANTICS}/subworkflow-child.osop.yaml`, join(dir, 'subworkflow-child.osop.yaml'));
    const parent = join(dir, 'parent.osop.yaml');
    writeFileSync(
      parent,
      [
        'osop_version: "1.0"',
        'id: wrong-inputs',
        'name: Passes a number where the child wants a boolean',
        'nodes:',
        '  - id: greet',
        '    type: workflow',
        '    workflow_ref: ./subworkflow-child.osop.yaml',
        '    workflow_inputs: { who: Ada, fail: 3 }',
        '',
      ].join('\n'),
    );
    const { code, events } = await runCli(parent, { json: true });
    expect(code).not.toBe(0);
    const failed = events.find((event) => event.type === 'node.failed' && event.node === 'greet');
    expect(failed).toMatchObject({ error: { code: 'subworkflow_inputs' } });
    expect(failed && 'error' in failed ? failed.error.message : '').toContain('fail');
    expect(events.some((event) => 'node' in event && event.node.startsWith('greet/'))).toBe(false);
  }, 30_000);
});

describe('sopstate validate: sub-workflows', () => {
  it('accepts the parent with its child', () => {
    const { code, stdout } = sopstate(['validate', PARENT]);
    expect(code).toBe(0);
    expect(stdout).not.toContain('error');
  });

  it('locates a missing workflow_ref at its line and column, with the node and what to do', () => {
    const { code, stdout } = sopstate(['validate', `${SEMANTICS}/subworkflow-missing.osop.yaml`]);
    expect(code).toBe(2);
    expect(stdout).toContain(
      `${SEMANTICS}/subworkflow-missing.osop.yaml:10:19: error: node run_child: workflow_ref ./no-such-child.osop.yaml: no such file ${SEMANTICS}/no-such-child.osop.yaml`,
    );
    expect(stdout).toContain('write the path of the sub-workflow relative to this file');
  });

  it('refuses a cycle and names its chain', () => {
    const { code, stdout } = sopstate(['validate', `${SEMANTICS}/subworkflow-cycle-a.osop.yaml`]);
    expect(code).toBe(2);
    expect(stdout).toMatch(/^test\/fixtures\/semantics\/subworkflow-cycle-a\.osop\.yaml:7:19: error: /m);
    expect(stdout).toContain(
      `${SEMANTICS}/subworkflow-cycle-a.osop.yaml → ${SEMANTICS}/subworkflow-cycle-b.osop.yaml → ${SEMANTICS}/subworkflow-cycle-a.osop.yaml`,
    );
  });

  it('reports a broken child under the parent with both locations', () => {
    const dir = mkdtempSync(join(tmpdir(), 'subflows-broken-'));
    writeFileSync(
      join(dir, 'child.osop.yaml'),
      'osop_version: "1.0"\nid: child\nname: Broken\nnodes:\n  - id: a\n    type: cli\n    runtime: { command: "echo ${nope.x}" }\n',
    );
    writeFileSync(
      join(dir, 'parent.osop.yaml'),
      'osop_version: "1.0"\nid: parent\nname: Uses a broken child\nnodes:\n  - id: run_child\n    type: workflow\n    workflow_ref: ./child.osop.yaml\n',
    );
    const { code, stdout } = sopstate(['validate', join(dir, 'parent.osop.yaml')]);
    expect(code).toBe(2);
    expect(stdout).toContain(
      `${join(dir, 'parent.osop.yaml')}:7:19: error: node run_child: workflow_ref ./child.osop.yaml`,
    );
    expect(stdout).toMatch(/the sub-workflow does not validate: \S*child\.osop\.yaml:7:\d+: .*nope/);
  });

  it('names a workflow_inputs key the child does not declare, and a required input left out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'subflows-names-'));
    copyFileSync(`${SEMANTICS}/subworkflow-child.osop.yaml`, join(dir, 'child.osop.yaml'));
    const file = join(dir, 'parent.osop.yaml');
    writeFileSync(
      file,
      'osop_version: "1.0"\nid: typo\nname: Misspells an input\nnodes:\n  - id: greet\n    type: workflow\n    workflow_ref: ./child.osop.yaml\n    workflow_inputs: { whom: Ada }\n',
    );
    const { code, stdout } = sopstate(['validate', file]);
    expect(code).toBe(2);
    expect(stdout).toContain(
      `${file}:7:19: error: node greet: workflow_inputs.whom is not an input of sub-workflow subworkflow-child (did you mean who?)`,
    );
    expect(stdout).toContain('requires input who, and workflow_inputs does not give it');
  });

  it('refuses a child that would wait for a person, since nobody could answer it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'subflows-human-'));
    writeFileSync(
      join(dir, 'child.osop.yaml'),
      'osop_version: "1.0"\nid: asks\nname: Asks\nnodes:\n  - { id: ok, type: human, description: "Go on?" }\n',
    );
    const file = join(dir, 'parent.osop.yaml');
    writeFileSync(
      file,
      'osop_version: "1.0"\nid: p\nname: Parent\nnodes:\n  - { id: sub, type: workflow, workflow_ref: ./child.osop.yaml }\n',
    );
    const { code, stdout } = sopstate(['validate', file]);
    expect(code).toBe(2);
    expect(stdout).toContain('node sub: sub-workflow asks waits for a person at ok');
  });

  it('refuses a node that runs itself', () => {
    const dir = mkdtempSync(join(tmpdir(), 'subflows-self-'));
    const file = join(dir, 'self.osop.yaml');
    writeFileSync(
      file,
      'osop_version: "1.0"\nid: self\nname: Runs itself\nnodes:\n  - id: again\n    type: workflow\n    workflow_ref: ./self.osop.yaml\n',
    );
    const { code, stdout } = sopstate(['validate', file]);
    expect(code).toBe(2);
    expect(stdout).toContain('makes a cycle of sub-workflows');
  });
});
