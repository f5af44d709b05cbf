import { describe, expect, it } from 'vitest';
import type { NodeExecution } from '../../src/adapters/executor.ts';
import { OutputSecrets } from '../../src/machine/output-secrets.ts';
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

describe('OutputSecrets', () => {
  it('keeps masking a secret a re-visit replaced, and puts back only the current one', () => {
    const secrets = new OutputSecrets();
    expect(secrets.mask('create_intent', { client_secret: 'pi_1_secret_first' })).toEqual({
      client_secret: '[secret create_intent.client_secret]',
    });
    secrets.mask('create_intent', { client_secret: 'pi_2_secret_second' });
    const shown = JSON.stringify(secrets.redact({ echo: 'pi_1_secret_first then pi_2_secret_second' }));
    expect(shown).not.toContain('pi_1_secret_first');
    expect(shown).not.toContain('pi_2_secret_second');
    expect(secrets.unmask({ body: '[secret create_intent.client_secret]' })).toEqual({ body: 'pi_2_secret_second' });
  });

  it('puts back a value seen under two fields through either mask', () => {
    const secrets = new OutputSecrets();
    secrets.mask('create_intent', { client_secret: 'pi_1_secret_same', data: { client_secret: 'pi_1_secret_same' } });
    secrets.mask('check_status', { data: { client_secret: 'pi_1_secret_same' } });
    expect(secrets.redact('echo pi_1_secret_same')).toBe('echo [secret create_intent.client_secret]');
    expect(
      secrets.unmask(['[secret create_intent.data.client_secret]', '[secret check_status.data.client_secret]']),
    ).toEqual(['pi_1_secret_same', 'pi_1_secret_same']);
  });
});
