import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createActor, initialTransition, transition } from 'xstate';
import { doneEventType, errorEventType, type MachineEvent } from '../../src/machine/actor-events.ts';
import { CompileError, compileWorkflow } from '../../src/machine/compile.ts';
import { nodeStateOf } from '../../src/machine/per-node.ts';
import { run, started, workflowFrom } from './helpers.ts';

const SEED = 'examples/stripe-payment-seed.osop.yaml';

describe('compileWorkflow', () => {
  it('is pure: walking the seed with synthesized done/error events needs no executor', async () => {
    const machine = compileWorkflow(workflowFrom(await readFile(SEED, 'utf8'), SEED));
    let [snapshot] = initialTransition(machine, { runId: 'walk' });
    expect(snapshot.value).toBe('create_customer');
    const walk = (type: string, body: Record<string, unknown>) => {
      // The event's body is the test's to choose: done events carry `output`, error events `error`.
      [snapshot] = transition(machine, snapshot, { type, ...body } as MachineEvent);
      return snapshot.value;
    };
    expect(walk(doneEventType('create_customer'), { output: { outputs: { customer_id: 'cus_1' } } })).toBe(
      'create_intent',
    );
    expect(walk(doneEventType('create_intent'), { output: { outputs: { intent_id: 'pi_1' } } })).toBe(
      'confirm_payment',
    );
    expect(
      walk(errorEventType('confirm_payment'), { error: { message: 'declined', code: 'card_declined', kind: 'error' } }),
    ).toBe('create_intent');
    expect(nodeStateOf(snapshot.context, 'create_intent')).toMatchObject({ visits: 2, status: 'RUNNING' });
    walk(doneEventType('create_intent'), { output: { outputs: { intent_id: 'pi_2' } } });
    walk(doneEventType('confirm_payment'), { output: { outputs: {} } });
    expect(walk(doneEventType('check_status'), { output: { outputs: { status: 'succeeded' } } })).toBe('send_receipt');
    expect(walk(doneEventType('send_receipt'), { output: { outputs: { text: 'Thanks' } } })).toBe('COMPLETED');
    expect(snapshot.status).toBe('done');
    expect(JSON.parse(JSON.stringify(snapshot.context))).toEqual(snapshot.context);
  });

  it('decides afresh when a path walker replays the same event object in a later state', async () => {
    const machine = compileWorkflow(workflowFrom(await readFile(SEED, 'utf8'), SEED));
    let [snapshot] = initialTransition(machine, { runId: 'replay' });
    const intentDone = { type: doneEventType('create_intent'), output: { outputs: { intent_id: 'pi_1' } } };
    const declined = {
      type: errorEventType('confirm_payment'),
      error: { message: 'declined', code: 'card_declined', kind: 'error' },
    };
    [snapshot] = transition(machine, snapshot, {
      type: doneEventType('create_customer'),
      output: { outputs: { customer_id: 'cus_1' } },
    });
    const seen: unknown[] = [];
    for (let round = 0; round < 4 && snapshot.status === 'active'; round++) {
      [snapshot] = transition(machine, snapshot, intentDone);
      [snapshot] = transition(machine, snapshot, declined);
      seen.push(snapshot.value);
    }
    expect(seen).toEqual(['create_intent', 'create_intent', 'FAILED']);
    expect(snapshot.context.error?.message).toContain('cycle limit reached at create_intent');
  });

  it('walks every item of a for_each loop when one done event object is replayed for each item', () => {
    const machine = compileWorkflow(
      workflowFrom(`
osop_version: "1.0"
id: mailing
name: Mailing
nodes:
  - { id: fetch, type: api, name: Fetch }
  - { id: send, type: api, name: Send }
  - { id: report, type: agent, name: Report }
edges:
  - { from: fetch, to: send, mode: loop, for_each: fetch.addresses, iterator_var: address }
  - { from: send, to: report }
  - { from: fetch, to: report }
`),
    );
    let [snapshot] = initialTransition(machine, { runId: 'loop-walk' });
    [snapshot] = transition(machine, snapshot, {
      type: doneEventType('fetch'),
      output: { outputs: { addresses: ['a@x.io', 'b@x.io', 'c@x.io'] } },
    });
    const sent = { type: doneEventType('send'), output: { outputs: {} } };
    const visited: unknown[] = [];
    for (let item = 0; item < 5 && snapshot.value === 'send'; item++) {
      [snapshot] = transition(machine, snapshot, sent);
      visited.push(snapshot.value);
    }
    expect(visited).toEqual(['send', 'send', 'report']);
    expect(nodeStateOf(snapshot.context, 'send')?.visits).toBe(3);
  });

  it('names a fork after its branches and keeps each branch node in its own region', () => {
    const machine = compileWorkflow(
      workflowFrom(`
osop_version: "1.0"
id: fanout
name: Fanout
nodes:
  - { id: plan, type: agent, name: Plan }
  - { id: lint, type: cli, name: Lint }
  - { id: test, type: cli, name: Test }
  - { id: merge, type: git, name: Merge }
edges:
  - { from: plan, to: lint, mode: parallel }
  - { from: plan, to: test, mode: parallel }
  - { from: lint, to: merge }
  - { from: test, to: merge }
`),
    );
    expect(Object.keys(machine.root.states)).toEqual([
      'plan',
      'merge',
      'parallel[lint,test]',
      'COMPLETED',
      'FAILED',
      'TIMEOUT',
      'CANCELLED',
    ]);
    const fork = machine.root.states['parallel[lint,test]'];
    expect(fork.type).toBe('parallel');
    expect(Object.keys(fork.states.lint.states)).toEqual(['lint', 'JOINED', 'ENDED']);
  });

  it('runs nodes only with the services startRun() gives: a machine started without them fails the node, saying so', async () => {
    const machine = compileWorkflow(
      workflowFrom(`osop_version: "1.0"\nid: one\nname: One\nnodes:\n  - { id: only, type: api, name: Only }\n`),
    );
    const actor = createActor(machine, { input: { runId: 'bare' } }).start();
    await new Promise((resolve) => actor.subscribe((snapshot) => snapshot.status === 'done' && resolve(null)));
    expect(actor.getSnapshot().value).toBe('FAILED');
    expect(actor.getSnapshot().context.error?.message).toContain(
      'node only has no run services in its input: run workflows with startRun()',
    );
  });

  it('compiles a workflow once: its runs, its paths and its statechart share one machine', async () => {
    // A 5,000-node workflow takes ~0.3 s to compile, in one turn of the event loop: a server's dry run compiled it
    // three times (its path walk, its run, then again for the run's node actors), and every statechart request again.
    const workflow = workflowFrom(
      `osop_version: "1.0"\nid: once\nname: Once\nnodes:\n  - { id: only, type: api, name: Only }\n`,
    );
    const machine = compileWorkflow(workflow);
    expect(compileWorkflow(workflow)).toBe(machine);
    const ran: unknown[] = [];
    await run(workflow, {
      executors: { api: async () => ({ outputs: {} }) },
      inspect: (event) => {
        const { type, actorRef } = event as { type: string; actorRef: { logic: unknown } };
        if (type === '@xstate.actor') ran.push(actorRef.logic);
      },
    });
    expect(ran[0]).toBe(machine);
  });

  it('refuses a node id that would clash with a run state', () => {
    const workflow = workflowFrom(
      `osop_version: "1.0"\nid: clash\nname: Clash\nnodes:\n  - { id: FAILED, type: api, name: Failed }\n`,
    );
    expect(() => compileWorkflow(workflow)).toThrow(CompileError);
    expect(() => compileWorkflow(workflow)).toThrow(/node id FAILED .* is reserved/);
  });

  it('routes each workflow by its own edges, even when another workflow has the same node ids', async () => {
    const ordered = (second: string, third: string) =>
      workflowFrom(
        `osop_version: "1.0"\nid: twin\nname: Twin\nnodes:\n  - { id: a, type: api, name: A }\n  - { id: b, type: api, name: B }\n  - { id: c, type: api, name: C }\nedges:\n  - { from: a, to: ${second} }\n  - { from: ${second}, to: ${third} }\n`,
      );
    const viaB = await run(ordered('b', 'c'));
    const viaC = await run(ordered('c', 'b'));
    expect([started(viaB.events), started(viaC.events)]).toEqual([
      ['a', 'b', 'c'],
      ['a', 'c', 'b'],
    ]);
  });

  it('plans a long chain of diamonds: every fork joins where its two branches meet', async () => {
    const blocks = 60;
    const nodes: string[] = [];
    const links: string[] = [];
    for (let block = 0; block < blocks; block++) {
      const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((letter) => `${letter}${block}`);
      nodes.push(...[a, b, c, d].map((id) => `  - { id: ${id}, type: api, name: ${id} }`));
      if (block > 0) links.push(`  - { from: d${block - 1}, to: ${a} }`);
      links.push(
        `  - { from: ${a}, to: ${b}, mode: parallel }`,
        `  - { from: ${a}, to: ${c}, mode: parallel }`,
        `  - { from: ${b}, to: ${d} }`,
        `  - { from: ${c}, to: ${d} }`,
      );
    }
    const workflow = workflowFrom(
      `osop_version: "1.0"\nid: diamonds\nname: Diamonds\nnodes:\n${nodes.join('\n')}\nedges:\n${links.join('\n')}\n`,
    );
    const states = compileWorkflow(workflow).root.states;
    expect(Object.keys(states).filter((key) => key.startsWith('parallel['))).toHaveLength(blocks);
    expect(Object.keys(states['parallel[b7,c7]'].states)).toEqual(['b7', 'c7']);
    const result = await run(workflow);
    expect(result.status).toBe('COMPLETED');
    expect(started(result.events).filter((node) => node.startsWith('d'))).toEqual(
      Array.from({ length: blocks }, (_, block) => `d${block}`),
    );
  });
});
