// The compiled machine as a statechart to draw: every XState state once, nested as the machine nests them, one arrow
// per source → target naming its events; and GET /api/workflows/:id/machine serving it.
import type { AnyStateNode } from 'xstate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { machineToChart, type ChartState } from '../../src/inspect/machine-chart.ts';
import { compileWorkflow } from '../../src/machine/compile.ts';
import { startSandboxServer, type SandboxServer } from '../chat/support/sandbox-server.ts';
import { loadWorkflow, SEED_FILE } from './seed-run.ts';

const RELEASE_TRAIN = 'test/fixtures/release-train.osop.yaml';

const xstateStates = (node: AnyStateNode): AnyStateNode[] =>
  Object.values(node.states).flatMap((child) => [child as AnyStateNode, ...xstateStates(child as AnyStateNode)]);

const chartStates = (states: ChartState[]): ChartState[] =>
  states.flatMap((state) => [state, ...chartStates(state.states)]);

describe('machineToChart', () => {
  it('has every state of the machine once, with its path, type and the actor it invokes', async () => {
    const machine = compileWorkflow(await loadWorkflow(RELEASE_TRAIN));
    const chart = machineToChart(machine);
    const expected = xstateStates(machine.root as AnyStateNode).map((node) => [
      node.id,
      node.path.join('.'),
      node.type,
    ]);
    const drawn = chartStates(chart.states).map((state) => [state.id, state.path.join('.'), state.type]);
    expect(drawn.sort()).toEqual(expected.sort());
    const fork = chart.states.find((state) => state.type === 'parallel')!;
    expect(fork.states.map((region) => region.key)).toEqual(['build', 'unit_tests', 'docs']);
    for (const region of fork.states) {
      expect(region.type).toBe('compound');
      const first = region.states.find((state) => state.id === region.initial)!;
      expect(first).toMatchObject({ key: region.key, invokes: region.key === 'docs' ? 'agent' : 'cli' });
    }
    expect(chart.initial).toBe('plan');
  });

  it("draws a machine's chart once: the route's later requests get the same chart, a new machine its own", async () => {
    const workflow = await loadWorkflow(SEED_FILE);
    const machine = compileWorkflow(workflow);
    const chart = machineToChart(machine);
    expect(machineToChart(machine)).toBe(chart);
    const other = machineToChart(compileWorkflow(await loadWorkflow(RELEASE_TRAIN)));
    expect(other).not.toBe(chart);
    expect(other.initial).toBe('plan');
  });

  it('draws one arrow per source → target, naming its events; what the root takes anywhere is listed apart', async () => {
    const chart = machineToChart(compileWorkflow(await loadWorkflow(SEED_FILE)));
    const pairs = chart.transitions.map((arrow) => `${arrow.source}->${arrow.target}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    const arrow = (source: string, target: string) =>
      chart.transitions.find((entry) => entry.source === source && entry.target === target);
    expect(arrow('create_customer', 'create_intent')?.events).toEqual(['done']);
    expect(arrow('confirm_payment', 'create_intent')).toMatchObject({
      events: ['error'],
      guards: ['failureRoute fallback'],
    });
    expect(arrow('create_customer', 'run:FAILED')?.events).toEqual(['done', 'error']);
    // One guard per event stops a node at either limit; the chart says which limits it checks.
    expect(arrow('create_customer', 'run:FAILED')?.guards).toEqual(
      expect.arrayContaining([
        'successStopped (visit limit or cycle limit)',
        'failureStopped (visit limit or cycle limit)',
      ]),
    );
    expect(arrow('create_customer', 'confirm_payment')).toBeUndefined();
    expect(chart.anywhere).toEqual(
      expect.arrayContaining([
        { event: 'run.cancel', target: 'run:CANCELLED' },
        { event: 'run.limit', target: 'run:FAILED' },
      ]),
    );
  });
});

describe('GET /api/workflows/:id/machine', () => {
  let server: SandboxServer;
  beforeAll(async () => {
    server = await startSandboxServer();
  });
  afterAll(() => server?.cleanup());

  it("answers the workflow's statechart", async () => {
    const response = await server.api('/api/workflows/sop-stripe-payment/machine');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { workflowId: string; chart: { id: string; states: ChartState[] } };
    expect(body.workflowId).toBe('sop-stripe-payment');
    expect(body.chart.id).toBe('sop-stripe-payment');
    expect(body.chart.states.map((state) => state.key)).toContain('confirm_payment');
  });

  it('answers 404 for a workflow the server does not have', async () => {
    const response = await server.api('/api/workflows/no-such-flow/machine');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'unknown-workflow' } });
  });
});
