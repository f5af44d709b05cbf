import { describe, expect, it } from 'vitest';
import type { NodeExecution } from '../../src/adapters/executor.ts';
import { run, scripted, workflowFrom } from './helpers.ts';

const workflow = workflowFrom(`
osop_version: "1.0"
id: secret-copies
name: Secret copies
nodes:
  - { id: create_intent, type: api, name: Create }
  - { id: confirm, type: api, name: Confirm, runtime: { body: { secret: "\${create_intent.copy}" } } }
edges:
  - { from: create_intent, to: confirm }
`);

describe('secrets that arrive in node outputs', () => {
  it('are masked under any field name they are copied to, in events, outputs and the snapshot, and put back for a later call', async () => {
    let sent: NodeExecution['runtime'] | undefined;
    const secret = 'pi_1_secret_abcdef';
    const snapshots: unknown[] = [];
    const result = await run(workflow, {
      onSnapshot: (snapshot) => snapshots.push(snapshot),
      executors: scripted({
        create_intent: (execution) => {
          execution.emit({
            type: 'node.response',
            node: 'create_intent',
            status: 200,
            durationMs: 1,
            body: { client_secret: secret, echo: `got ${secret}` },
          });
          return { outputs: { client_secret: secret, copy: secret } };
        },
        confirm: (execution) => ((sent = execution.runtime), { outputs: {} }),
      }),
    });
    expect(result.status).toBe('COMPLETED');
    expect(JSON.stringify(result.events)).not.toContain(secret);
    const completed = result.events.find((event) => event.type === 'node.completed' && event.node === 'create_intent');
    expect(snapshots.length).toBeGreaterThan(0);
    expect(JSON.stringify(snapshots)).not.toContain(secret);
    expect(result.outputs.create_intent).toEqual(completed?.type === 'node.completed' ? completed.outputs : {});
    expect(completed).toMatchObject({
      outputs: { client_secret: '[secret create_intent.client_secret]', copy: '[secret create_intent.client_secret]' },
    });
    const response = result.events.find((event) => event.type === 'node.response');
    expect(response).toMatchObject({ body: { echo: 'got [secret create_intent.client_secret]' } });
    expect(sent?.body).toEqual({ secret });
  });
});
