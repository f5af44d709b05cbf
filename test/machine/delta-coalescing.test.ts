import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/run-event.ts';
import { expectGapless, run, scripted, workflowFrom } from './helpers.ts';

const workflow = workflowFrom(`
osop_version: "1.0"
id: receipt
name: Receipt
nodes:
  - { id: write, type: agent, name: Write }
  - { id: file, type: cli, name: File }
edges:
  - { from: write, to: file }
`);

const deltas = (events: RunEvent[]) => events.flatMap((event) => (event.type === 'agent.delta' ? [event.text] : []));

describe('streamed text (agent.delta)', () => {
  it('sends a burst of chunks as one event with the joined text, and chunks that come apart as they come', async () => {
    const result = await run(workflow, {
      executors: scripted({
        write: async (execution) => {
          // One network read's worth of chunks, then two more that arrive later.
          for (const word of ['Paid ', '$20.00 ', 'by ', 'card '])
            execution.emit({ type: 'agent.delta', node: 'write', text: word });
          await sleep(30);
          execution.emit({ type: 'agent.delta', node: 'write', text: 'ending 4242' });
          await sleep(30);
          execution.emit({ type: 'agent.delta', node: 'write', text: '.' });
          return { outputs: { text: 'Paid $20.00 by card ending 4242.' } };
        },
      }),
    });
    expect(result.status).toBe('COMPLETED');
    expect(deltas(result.events)).toEqual(['Paid $20.00 by card ', 'ending 4242', '.']);
    expectGapless(result.events);
  });

  it('keeps the order of a visit: what waits goes out before the next event of the node, and before it completes', async () => {
    const result = await run(workflow, {
      executors: scripted({
        write: (execution) => {
          execution.emit({ type: 'agent.delta', node: 'write', text: 'first ' });
          execution.emit({ type: 'agent.delta', node: 'write', text: 'part' });
          execution.emit({ type: 'node.response', node: 'write', status: 200, durationMs: 1 });
          execution.emit({ type: 'agent.delta', node: 'write', text: 'last' });
          return { outputs: { text: 'first partlast' } };
        },
      }),
    });
    const kinds = result.events
      .filter((event) => 'node' in event && event.node === 'write')
      .map((event) => (event.type === 'agent.delta' ? `delta:${event.text}` : event.type));
    expect(kinds).toEqual(['node.started', 'delta:first part', 'node.response', 'delta:last', 'node.completed']);
  });

  it('masks a secret split over chunks of one burst and over chunks that come apart', async () => {
    const result = await run(workflow, {
      secrets: { API_KEY: 'sk_live_canary_123' },
      executors: scripted({
        write: async (execution) => {
          execution.emit({ type: 'agent.delta', node: 'write', text: 'key sk_live_' });
          execution.emit({ type: 'agent.delta', node: 'write', text: 'canary' });
          await sleep(30);
          execution.emit({ type: 'agent.delta', node: 'write', text: '_123 done' });
          return { outputs: {} };
        },
      }),
    });
    expect(JSON.stringify(result.events)).not.toContain('canary');
    expect(deltas(result.events).join('')).toBe('key [secret API_KEY] done');
  });
});
