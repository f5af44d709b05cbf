// Issue 13, point 4: the chat confirms exactly what will run — the file's own values, defaults included — says when
// that differs from what the person asked for, and asks before any run that acts (Stripe POST, cli, non-GET api).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ofType, openChat, runEvents } from '../chat/support/collect.ts';
import { startSandboxServer, type SandboxServer } from '../chat/support/sandbox-server.ts';

let server: SandboxServer;
beforeAll(async () => {
  server = await startSandboxServer();
});
afterAll(async () => {
  await server?.cleanup();
});

const runCount = async (on: SandboxServer): Promise<number> =>
  ((await (await on.api('/api/runs')).json()) as { total: number }).total;

describe('the confirmation card', () => {
  it('for the seed shows 2000 usd to user@example.com — what will run — and says it is not what was asked', async () => {
    const chat = openChat(server.url);
    const asked = await chat.say('Charge john@example.com $0.01 with the sop-stripe-payment workflow');
    const [card] = ofType(asked, 'confirm.required');
    expect(card).toMatchObject({
      workflow: 'sop-stripe-payment',
      amount: 2000,
      currency: 'usd',
      email: 'user@example.com',
      inputs: {},
    });
    expect(card.text).toContain('20.00 USD to user@example.com');
    expect(card.differences).toEqual([
      'You asked for 0.01 USD to john@example.com; this workflow always charges 20.00 USD to user@example.com.',
    ]);
    expect(card.details).toEqual(
      expect.arrayContaining([
        'Inputs: none (the workflow declares none)',
        expect.stringMatching(
          /^create_intent: POST https:\/\/api\.stripe\.com\/v1\/payment_intents with amount=2000, currency=usd$/,
        ),
      ]),
    );

    const confirmed = await chat.say('yes');
    const [started] = ofType(confirmed, 'run.started');
    expect(runEvents(confirmed).at(-1)).toMatchObject({ type: 'run.completed' });
    const run = (await (await server.api(`/api/runs/${started.runId}`)).json()) as { inputs: Record<string, unknown> };
    expect(run.inputs).toEqual({});
    const customers = server.sandbox.stripe.state().customers;
    const intents = server.sandbox.stripe.state().paymentIntents;
    const intent = intents.find((each) =>
      runEvents(confirmed).some((e) => e.type === 'node.completed' && e.outputs?.intent_id === each.id),
    );
    expect(intent).toMatchObject({ amount: 2000, currency: 'usd' });
    expect(customers.find((customer) => customer.id === intent?.customer)?.email).toBe('user@example.com');
  });

  it('shows the defaults a run will use, and no difference when the person got what they asked for', async () => {
    const chat = openChat(server.url);
    const [card] = ofType(
      await chat.say('Charge john@example.com $25 with the stripe-payment workflow'),
      'confirm.required',
    );
    expect(card).toMatchObject({
      workflow: 'stripe-payment',
      amount: 2500,
      email: 'john@example.com',
      differences: [],
    });
    expect(card.inputs).toMatchObject({
      email: 'john@example.com',
      amount: 2500,
      name: 'John Doe',
      payment_method: 'pm_card_visa',
    });
    expect(card.details?.[0]).toMatch(/name=John Doe \(default\).*payment_method=pm_card_visa \(default\)/);
    expect(card.details).toContain(
      'create_customer: POST https://api.stripe.com/v1/customers with email=john@example.com, name=John Doe',
    );
  });
});

describe('runs that act on the world wait for the yes', () => {
  let other: SandboxServer;
  const dir = mkdtempSync(join(tmpdir(), 'sopstate-chat-effects-'));
  beforeAll(async () => {
    writeFileSync(
      join(dir, 'run-script.osop.yaml'),
      'osop_version: "1.0"\nid: run-script\nname: Run a script\nnodes: [{id: script, type: cli, runtime: {command: "touch made-by-chat"}}]\n',
    );
    writeFileSync(
      join(dir, 'post-hook.osop.yaml'),
      'osop_version: "1.0"\nid: post-hook\nname: Delete an item\nnodes: [{id: notify, type: api, runtime: {method: DELETE, url: "https://hooks.example.com/items/1"}}]\n',
    );
    other = await startSandboxServer({ workflowsDir: dir });
  });
  afterAll(async () => {
    await other?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a cli workflow is never started without asking', async () => {
    const events = await openChat(other.url).say('Start a run of run-script');
    const [card] = ofType(events, 'confirm.required');
    expect(card.action.reasons).toEqual(['it runs commands on this machine (script)']);
    expect(card.details).toContain('script: runs `touch made-by-chat`');
    expect(ofType(events, 'run.started')).toEqual([]);
    expect(await runCount(other)).toBe(0);
  });

  it('a DELETE to any API (not only Stripe) needs the yes', async () => {
    const events = await openChat(other.url).say('Start a run of post-hook');
    const [card] = ofType(events, 'confirm.required');
    expect(card.action.reasons).toEqual([
      'it changes things elsewhere (notify: DELETE https://hooks.example.com/items/1)',
    ]);
    expect(ofType(events, 'run.started')).toEqual([]);
    expect(await runCount(other)).toBe(0);
  });
});
