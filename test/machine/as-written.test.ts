// Issue 17: how the else branch and data-only edges run (docs/semantics.md "Edges and control flow").
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/run-event.ts';
import { REPO_ROOT } from '../fixtures/corpus-paths.ts';
import { completed, edges, run, scripted, skipped, workflowFrom } from './helpers.ts';

const textOf = (name: string) => readFileSync(join(REPO_ROOT, 'test/fixtures/semantics', `${name}.osop.yaml`), 'utf8');

describe('a bare name the source declares', () => {
  it('reads the source’s output even when an earlier node declares the same name', async () => {
    const workflow = workflowFrom(`osop_version: "1.0"
id: shared_name
name: Two nodes declare result
nodes:
  - { id: first, type: api, outputs: [result] }
  - { id: second, type: api, outputs: [result] }
  - { id: accepted, type: api }
edges:
  - { from: first, to: second }
  - { from: second, to: accepted, mode: conditional, when: "result == 'ok'" }
`);
    const executors = scripted({
      first: () => ({ outputs: { result: 'bad' } }),
      second: () => ({ outputs: { result: 'ok' } }),
    });
    const result = await run(workflow, { executors });
    expect(completed(result.events)).toEqual(['first', 'second', 'accepted']);
  });
});

describe('when: otherwise', () => {
  const workflow = workflowFrom(textOf('otherwise-branch'), 'otherwise-branch.osop.yaml');

  it('is taken when no sibling condition holds, though it comes first in the file', async () => {
    const result = await run(workflow, { inputs: { amount: 500 } });
    expect(result.status).toBe('COMPLETED');
    expect(completed(result.events)).toEqual(['triage', 'team_lead_review']);
    expect(skipped(result.events).sort()).toEqual(['auto_approve', 'finance_review']);
    expect(result.events.find((event) => event.type === 'edge.taken')).toMatchObject({
      from: 'triage',
      to: 'team_lead_review',
      mode: 'conditional',
      condition: 'otherwise',
    });
  });

  it('is not taken when a sibling condition holds', async () => {
    for (const [amount, branch] of [
      [50, 'auto_approve'],
      [5000, 'finance_review'],
    ] as const) {
      const result = await run(workflow, { inputs: { amount } });
      expect(result.status).toBe('COMPLETED');
      expect(edges(result.events)).toEqual([`triage → ${branch} (conditional)`]);
    }
  });
});

describe('dataflow and message edges', () => {
  const text = textOf('data-only-edges');
  const withoutDataEdges = text
    .replace('  - from: fetch_orders\n    to: summarize\n    mode: dataflow\n    label: orders\n', '')
    .replace('  - from: summarize\n    to: publish\n    mode: message\n', '')
    .replace('  - from: fetch_orders\n    to: audit\n    mode: dataflow\n    label: orders for the audit trail\n', '');

  const trace = (events: RunEvent[]) =>
    events.flatMap((event) =>
      event.type === 'node.started' || event.type === 'node.completed'
        ? [`${event.type} ${event.node}`]
        : event.type === 'edge.taken'
          ? [`${event.from} → ${event.to} (${event.mode})`]
          : [],
    );

  it('neither fork nor sequence: the run is the same as without them', async () => {
    expect(withoutDataEdges).not.toContain('mode: dataflow');
    expect(withoutDataEdges).not.toContain('mode: message');
    const executors = () =>
      scripted({
        fetch_orders: () => ({ outputs: { orders: [{ id: 1 }] } }),
        summarize: () => ({ outputs: { summary: 'one order' } }),
      });
    const withData = await run(workflowFrom(text, 'data-only-edges.osop.yaml'), { executors: executors() });
    const without = await run(workflowFrom(withoutDataEdges, 'data-only-edges.osop.yaml'), { executors: executors() });
    expect(withData.status).toBe('COMPLETED');
    expect(trace(withData.events)).toEqual(trace(without.events));
    expect(edges(withData.events)).toEqual([
      'fetch_orders → summarize (sequential)',
      'summarize → publish (sequential)',
      'publish → audit (sequential)',
    ]);
  });
});
