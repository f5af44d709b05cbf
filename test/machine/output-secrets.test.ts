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

/** create_intent answers with `secret` in its outputs and echoes it in its node.response; confirm gets the runtime. */
const revealing = (secret: string, onConfirm: (runtime: NodeExecution['runtime']) => void = () => {}) =>
  scripted({
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
    confirm: (execution) => (onConfirm(execution.runtime), { outputs: {} }),
  });

describe('secrets that arrive in node outputs', () => {
  it('are masked under any field name they are copied to, in events, outputs and the snapshot, and put back for a later call', async () => {
    let sent: NodeExecution['runtime'] | undefined;
    const secret = 'pi_1_secret_abcdef';
    const snapshots: unknown[] = [];
    const result = await run(workflow, {
      onSnapshot: (snapshot) => snapshots.push(snapshot),
      executors: revealing(secret, (runtime) => (sent = runtime)),
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

  it('are put back for a later call from inside a list (a Stripe list answer), never shown', async () => {
    const listed = workflowFrom(`
osop_version: "1.0"
id: secret-in-list
name: Secret in a list
nodes:
  - { id: list_intents, type: api, name: List }
  - { id: confirm, type: api, name: Confirm, runtime: { body: { secret: "\${list_intents.data[1].client_secret}" } } }
edges:
  - { from: list_intents, to: confirm }
`);
    let sent: NodeExecution['runtime'] | undefined;
    const secret = 'pi_2_secret_inlist';
    const result = await run(listed, {
      executors: scripted({
        list_intents: () => ({
          outputs: {
            data: [
              { id: 'pi_1', client_secret: 'pi_1_secret_other' },
              { id: 'pi_2', client_secret: secret },
            ],
          },
        }),
        confirm: (execution) => ((sent = execution.runtime), { outputs: {} }),
      }),
    });
    expect(result.status).toBe('COMPLETED');
    expect(sent?.body).toEqual({ secret });
    expect(JSON.stringify(result.events)).not.toContain(secret);
    expect(result.outputs.list_intents).toMatchObject({
      data: [{ id: 'pi_1' }, { id: 'pi_2', client_secret: '[secret list_intents.data[1].client_secret]' }],
    });
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

describe('OutputSecrets.mask and unmask, copy on write', () => {
  it('names a secret by its path through objects and arrays, and copies only what leads to it', () => {
    const secrets = new OutputSecrets();
    const untouched = { id: 'pi_0', nested: { amount: 2000 } };
    const secretHolder = { id: 'pi_1', client_secret: 'pi_1_secret_deep' };
    const outputs = { data: { list: [untouched, secretHolder], tags: ['a', 'b'] }, status: 200 };
    const masked = secrets.mask('list_intents', outputs);
    expect(masked).toEqual({
      data: {
        list: [untouched, { id: 'pi_1', client_secret: '[secret list_intents.data.list[1].client_secret]' }],
        tags: ['a', 'b'],
      },
      status: 200,
    });
    expect(secretHolder.client_secret).toBe('pi_1_secret_deep');
    const data = masked.data as typeof outputs.data;
    expect(data.list[0]).toBe(untouched);
    expect(data.tags).toBe(outputs.data.tags);
    expect(secrets.unmask({ body: { key: '[secret list_intents.data.list[1].client_secret]' } })).toEqual({
      body: { key: 'pi_1_secret_deep' },
    });
  });

  it('puts back a secret under keys with spaces or brackets, and names a lost one by its whole path', () => {
    const secrets = new OutputSecrets();
    const masked = secrets.mask('order', { 'line items': [{ 'a]b': { client_secret: 'pi_3_secret_odd' } }] });
    const mask = '[secret order.line items[0].a]b.client_secret]';
    expect(masked).toEqual({ 'line items': [{ 'a]b': { client_secret: mask } }] });
    expect(secrets.unmask({ body: `key=${mask}&again=${mask}` })).toEqual({
      body: 'key=pi_3_secret_odd&again=pi_3_secret_odd',
    });
    // A new process (a resumed run) never saw the value: the whole path is named, nothing is put back.
    const resumed = new OutputSecrets();
    expect(() => resumed.unmask({ body: '[secret list_intents.data[1].client_secret]' })).toThrow(
      expect.objectContaining({ name: 'LostSecretError', fields: ['list_intents.data[1].client_secret'] }),
    );
    // A run secret's mask is not a node output's: left as it is.
    expect(resumed.unmask({ body: '[secret DEPLOY_TOKEN]' })).toEqual({ body: '[secret DEPLOY_TOKEN]' });
  });

  it('hands back outputs and runtimes that hold nothing to change as the same objects', () => {
    const secrets = new OutputSecrets();
    const outputs = { data: { id: 'cus_1', items: [{ n: 1 }, 'x'] }, short_secret: 'abc' };
    expect(secrets.mask('create_customer', outputs)).toBe(outputs);
    const runtime = { body: { customer: 'cus_1', list: ['a', { b: 'c' }] } };
    expect(secrets.unmask(runtime)).toBe(runtime);
  });

  it('keeps a `__proto__` key of parsed JSON an own field when it masks beside it', () => {
    const secrets = new OutputSecrets();
    const outputs = JSON.parse('{"__proto__": {"polluted": true}, "client_secret": "pi_2_secret_proto"}') as Record<
      string,
      unknown
    >;
    const masked = secrets.mask('create_intent', outputs);
    expect(Object.getOwnPropertyNames(masked)).toEqual(['__proto__', 'client_secret']);
    expect(Object.getPrototypeOf(masked)).toBe(Object.prototype);
    expect(masked.client_secret).toBe('[secret create_intent.client_secret]');
  });
});

describe('a secret whose text is not well-formed UTF-16 (a lone surrogate, as JSON can carry)', () => {
  // JSON.parse('"\\ud800"') is a lone surrogate: a service's answer can hand one over in a secret field.
  const secret = JSON.parse('"pi_9_secret_ab\\ud800cdef"') as string;

  it('is masked in the events and outputs, and the node that got it completes (no failure, so no fallback)', async () => {
    const result = await run(workflow, {
      executors: revealing(secret),
    });
    expect(result.status).toBe('COMPLETED');
    const text = JSON.stringify(result.events);
    expect(text).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect(result.events.find((event) => event.type === 'node.response')).toMatchObject({
      body: { echo: 'got [secret create_intent.client_secret]' },
    });
  });
});
