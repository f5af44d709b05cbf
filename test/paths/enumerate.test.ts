import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadWorkflowFile } from '../../src/osop/load.ts';
import type { Workflow } from '../../src/osop/workflow.ts';
import { enumeratePaths } from '../../src/paths/enumerate.ts';
import type { WorkflowPath } from '../../src/paths/path.ts';
import { buildWorkflow } from './build-workflow.ts';

const SEED = resolve(import.meta.dirname, '../../examples/stripe-payment-seed.osop.yaml');

const nodesOf = (path: WorkflowPath) => path.steps.map((step) => step.node);
const failedAt = (path: WorkflowPath) =>
  path.steps.filter((step) => step.outcome.kind === 'error').map((step) => step.node);

describe('enumeratePaths on the seed payment SOP', () => {
  let seed: Workflow;
  let paths: WorkflowPath[];
  beforeAll(async () => {
    const loaded = await loadWorkflowFile(SEED);
    seed = loaded.workflow!;
    const result = enumeratePaths(seed);
    expect(result.complete).toBe(true);
    paths = result.paths;
  });

  it('includes the happy path that ends with the receipt', () => {
    const happy = paths.find(
      (path) => path.status === 'COMPLETED' && failedAt(path).length === 0 && nodesOf(path).at(-1) === 'send_receipt',
    );
    expect(happy && nodesOf(happy)).toEqual([
      'create_customer',
      'create_intent',
      'confirm_payment',
      'check_status',
      'send_receipt',
    ]);
    expect(happy?.steps[3]?.edges).toEqual([
      { index: 3, from: 'check_status', to: 'send_receipt', mode: 'conditional' },
    ]);
  });

  it('completes without a receipt when the status is not succeeded', () => {
    const notSucceeded = paths.find(
      (path) => path.status === 'COMPLETED' && failedAt(path).length === 0 && !nodesOf(path).includes('send_receipt'),
    );
    const check = notSucceeded?.steps.at(-1);
    expect(check?.node).toBe('check_status');
    expect(check?.outcome.kind === 'done' && check.outcome.outputs.status).not.toBe('succeeded');
    expect(check?.final).toBe('COMPLETED');
  });

  it('falls back from a failed confirmation to a new intent, and the cycle limit ends it', () => {
    const fallback = paths.find((path) =>
      path.steps.some((step) => step.edges.some((edge) => edge.mode === 'fallback')),
    );
    expect(fallback).toBeDefined();
    const exhausted = paths.find((path) => failedAt(path).filter((node) => node === 'confirm_payment').length === 3);
    expect(exhausted?.status).toBe('FAILED');
    expect(exhausted?.error).toMatch(/cycle limit reached at create_intent/);
    expect(nodesOf(exhausted!).filter((node) => node === 'create_intent')).toHaveLength(3);
    for (const path of paths)
      expect(nodesOf(path).filter((node) => node === 'create_intent').length).toBeLessThanOrEqual(3);
  });

  it('fails the run at every node that has no failure edge', () => {
    for (const node of ['create_customer', 'create_intent', 'check_status', 'send_receipt']) {
      const failing = paths.find((path) => failedAt(path).at(-1) === node && nodesOf(path).at(-1) === node);
      expect(failing?.status, node).toBe('FAILED');
      expect(failing?.error, node).toContain(node);
    }
  });
});

describe('enumeratePaths bounds', () => {
  it('stops at --max and says how many it found and why', async () => {
    const seed = (await loadWorkflowFile(SEED)).workflow!;
    const result = enumeratePaths(seed, { max: 5 });
    expect(result.paths).toHaveLength(5);
    expect(result.complete).toBe(false);
    expect(result.stoppedBecause).toMatch(/stopped after 5 paths/);
  });

  it('keeps a generated 200-node workflow within --max and says the workflow has more', () => {
    const ids = Array.from({ length: 200 }, (_, index) => `n${index}`);
    const edges = ids
      .slice(1)
      .flatMap((id, index) => [
        { from: ids[index]!, to: id, mode: 'conditional' as const, when: `${ids[index]}.ok == true` },
        ...(index % 10 === 0 && index + 2 < ids.length
          ? [{ from: ids[index]!, to: ids[index + 2]!, mode: 'fallback' as const }]
          : []),
      ]);
    const result = enumeratePaths(buildWorkflow(ids, edges));
    expect(result.paths).toHaveLength(1000);
    expect(result.complete).toBe(false);
    expect(result.stoppedBecause).toBe('stopped after 1000 paths (--max 1000); the workflow has more');
    expect(result.statesExplored).toBeLessThan(1000);
  });

  it('reports a state space larger than the state bound instead of hanging', () => {
    const ids = Array.from({ length: 12 }, (_, index) => `n${index}`);
    const edges = ids.slice(1).flatMap((id, index) => [
      { from: ids[index]!, to: id, mode: 'conditional' as const, when: `${ids[index]}.ok == true` },
      { from: ids[index]!, to: id, mode: 'fallback' as const },
    ]);
    const result = enumeratePaths(buildWorkflow(ids, edges), { maxStates: 10 });
    expect(result.complete).toBe(false);
    expect(result.stoppedBecause).toMatch(/more than 10 distinct states/);
  });
});
