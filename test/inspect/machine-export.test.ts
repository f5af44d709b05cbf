// `sopstate machine`: the compiled machine as JSON that XState builds again (same states, same transitions), and as Mermaid.
import { createActor, createMachine, fromPromise, waitFor, type AnyStateNode } from 'xstate';
import { describe, expect, it } from 'vitest';
import { machineCommand } from '../../src/cli/commands/machine.ts';
import {
  machineFromJson,
  machineToJson,
  MachineExportError,
  type MachineLike,
} from '../../src/inspect/machine-json.ts';
import { machineToMermaid } from '../../src/inspect/machine-mermaid.ts';
import type { NodeActorInput } from '../../src/machine/actor-events.ts';
import { compileWorkflow } from '../../src/machine/compile.ts';
import { loadWorkflow, SEED_FILE } from './seed-run.ts';

const FINALS = ['COMPLETED', 'FAILED', 'TIMEOUT', 'CANCELLED'];

interface Edge {
  source: string;
  event: string;
  guard: unknown;
  targets: string[];
  actions: unknown[];
  reenter: boolean;
}

const stateNodes = (node: AnyStateNode): AnyStateNode[] => [
  node,
  ...Object.values(node.states).flatMap((child) => stateNodes(child as AnyStateNode)),
];

const rootOf = (machine: MachineLike) => machine.root as AnyStateNode;

const edgesOf = (machine: MachineLike): Edge[] =>
  stateNodes(rootOf(machine)).flatMap((node) =>
    [...[...node.transitions.values()].flat(), ...(node.always ?? [])].map((transition) => ({
      source: node.id,
      event: transition.eventType,
      guard: transition.guard as unknown,
      targets: (transition.target ?? []).map((target: AnyStateNode) => target.id),
      actions: [...transition.actions] as unknown[],
      reenter: transition.reenter,
    })),
  );

const invokesOf = (machine: MachineLike) =>
  stateNodes(rootOf(machine)).flatMap((node) =>
    node.invoke.map((entry) => `${node.id}:${entry.id}:${String(entry.src)}`),
  );

const exportedText = async (file: string, flags: { json?: boolean; mermaid?: boolean }) => {
  let stdout = '';
  let stderr = '';
  const code = await machineCommand(file, flags, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
};

describe('sopstate machine --json', () => {
  it("re-creates the seed's machine: its states are the node ids, its transitions and invokes match the original", async () => {
    const workflow = await loadWorkflow(SEED_FILE);
    const { code, stdout } = await exportedText(SEED_FILE, { json: true });
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    const original = compileWorkflow(workflow);
    const revived = machineFromJson(json, workflow);
    expect(Object.keys(revived.root.states)).toEqual([...workflow.nodes.map((node) => node.id), ...FINALS]);
    expect(edgesOf(revived)).toEqual(edgesOf(original));
    expect(edgesOf(original).length).toBeGreaterThan(20);
    expect(invokesOf(revived)).toEqual(invokesOf(original));
    // Plain XState accepts the JSON as it is, guards and actions referenced by name.
    expect(edgesOf(createMachine(json))).toEqual(edgesOf(original));
  });

  it('keeps forks, joins, switch cases and loops of release-train', async () => {
    const workflow = await loadWorkflow('test/fixtures/release-train.osop.yaml');
    const original = compileWorkflow(workflow);
    const revived = machineFromJson(JSON.parse(JSON.stringify(machineToJson(original))), workflow);
    expect(stateNodes(rootOf(revived)).map((node) => `${node.id}:${node.type}`)).toEqual(
      stateNodes(rootOf(original)).map((node) => `${node.id}:${node.type}`),
    );
    expect(stateNodes(rootOf(revived)).some((node) => node.type === 'parallel')).toBe(true);
    expect(edgesOf(revived)).toEqual(edgesOf(original));
  });

  it('the re-created machine runs: with stub node actors the seed walks its happy path to COMPLETED', async () => {
    const workflow = await loadWorkflow(SEED_FILE);
    const outputs: Record<string, Record<string, unknown>> = { check_status: { status: 'succeeded' } };
    const entered: string[] = [];
    const stub = fromPromise(async ({ input }: { input: NodeActorInput }) => {
      entered.push(input.node);
      return { outputs: outputs[input.node] ?? {} };
    });
    const machine = machineFromJson(machineToJson(compileWorkflow(workflow)), workflow).provide({
      actors: { api: stub, agent: stub },
    });
    const actor = createActor(machine, { input: { runId: 'r1' } }).start();
    const snapshot = await waitFor(actor, (current) => current.status === 'done');
    expect(snapshot.value).toBe('COMPLETED');
    expect(entered).toEqual(workflow.nodes.map((node) => node.id));
  });

  it('refuses a machine with an inline function, naming where it is', () => {
    const machine = createMachine({
      initial: 'a',
      states: { a: { on: { GO: { target: 'b', guard: () => true } } }, b: {} },
    });
    expect(() => machineToJson(machine)).toThrow(MachineExportError);
    expect(() => machineToJson(machine)).toThrow('states.a.on.GO.guard');
  });
});

describe('sopstate machine --mermaid', () => {
  it("draws the seed's machine: every node state, the guarded transitions, the fallback back to create_intent", async () => {
    const { code, stdout } = await exportedText(SEED_FILE, { mermaid: true });
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('stateDiagram-v2');
    expect(lines).toContain('  [*] --> s_create_customer');
    for (const node of ['create_customer', 'create_intent', 'confirm_payment', 'check_status', 'send_receipt'])
      expect(lines).toContain(`  state "${node}" as s_${node}`);
    expect(lines).toContain('  s_confirm_payment --> s_create_intent : error / failureRoute fallback');
    expect(lines).toContain('  s_check_status --> s_run_COMPLETED : done / successRoute end');
    expect(lines).toContain('  s_create_customer : invoke api · POST /v1/customers');
    const machine = compileWorkflow(await loadWorkflow(SEED_FILE));
    const transitions = lines.filter((line) => line.includes(' --> ') && !line.includes('[*]'));
    expect(transitions).toHaveLength(edgesOf(machine).filter((edge) => edge.source !== rootOf(machine).id).length);
    expect(lines).toContain('  note left of s_run_CANCELLED : run.cancel from any state');
  });

  it('draws forks as concurrent regions', () => {
    return loadWorkflow('test/fixtures/release-train.osop.yaml').then((workflow) => {
      const text = machineToMermaid(compileWorkflow(workflow));
      expect(text).toMatch(/state s_parallel_build_unit_tests_docs_ \{\n/);
      expect(text).toContain('\n    --\n');
    });
  });

  it('asks for an output format, and reports a file that does not load (exit 2)', async () => {
    expect(await exportedText(SEED_FILE, {})).toMatchObject({ code: 2, stderr: expect.stringContaining('--json') });
    expect(await exportedText('examples/missing.osop.yaml', { json: true })).toMatchObject({
      code: 2,
      stdout: '',
      stderr: expect.stringContaining('missing.osop.yaml'),
    });
  });
});
