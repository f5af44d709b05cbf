// The chat with the sandbox Claude, over many kinds of turns: every word the person reads (assistant text, the
// confirmation, errors, the terminal chat) speaks to them, and never about tools or start_run (issue 19).
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../src/server/chat/chat-event.ts';
import { ofType, openChat, type Chat } from './support/collect.ts';
import { startSandboxServer, type SandboxServer } from './support/sandbox-server.ts';

const PLUMBING = /\btools?\b|start_run|tool_use|\bthe person\b|ask them/i;

let server: SandboxServer;
beforeAll(async () => {
  server = await startSandboxServer();
});
afterAll(async () => {
  await server?.cleanup();
});

/** All the person reads of a turn on the page: the assistant's words, confirmation cards, error bubbles. */
const shown = (events: ChatEvent[]): string =>
  [
    ofType(events, 'assistant.delta')
      .map((event) => event.text)
      .join(''),
    ...ofType(events, 'confirm.required').flatMap((event) => [
      event.text,
      ...(event.details ?? []),
      ...event.action.reasons,
    ]),
    ...ofType(events, 'confirm.cancelled').map((event) => event.summary),
    ...ofType(events, 'error').map((event) => event.message),
  ].join('\n');

const turn = async (chat: Chat, message: string): Promise<string> => {
  const text = shown(await chat.say(message));
  expect(text, `the reply to "${message}"`).not.toMatch(PLUMBING);
  expect(text.trim(), `the reply to "${message}"`).not.toBe('');
  return text;
};

describe('the chat speaks to the person', () => {
  it('small talk and "what can you do?" get a short answer listing the workflows', async () => {
    const chat = openChat(server.url);
    const hello = await turn(chat, 'hello');
    expect(hello).toMatch(/^Hello! I can run these workflows for you:$/m);
    expect(hello).toContain('- Stripe payment (stripe-payment)');
    const abilities = await turn(chat, 'what can you do?');
    expect(abilities).toContain('Stripe charge, fulfil, refund on approval (stripe-refund-approval)');
    expect(abilities).not.toMatch(/receipt/i);
    expect(await turn(chat, 'thanks')).toMatch(/welcome/i);
  });

  it('a charge names the workflow it will start, asks first, and says how the run went', async () => {
    const chat = openChat(server.url);
    const asked = await turn(chat, 'Charge john@example.com $25 for the pro plan');
    expect(asked).toContain(
      'Please confirm: Run Stripe payment (stripe-payment) — charge 25.00 USD to john@example.com',
    );
    expect(asked).toContain('I picked Stripe payment (stripe-payment)');
    const done = await turn(chat, 'yes');
    expect(done).toMatch(/Started run [0-9a-f-]{36}: Run Stripe payment \(stripe-payment\)/);
    expect(done).toMatch(/finished: COMPLETED/);
  });

  it('an ambiguous name is a question naming the candidates; an unknown one says what exists', async () => {
    const chat = openChat(server.url);
    const ambiguous = await turn(chat, 'Run the stripe workflow for ann@example.com');
    expect(ambiguous).toContain('Which one do you mean?');
    expect(ambiguous).toContain('Stripe payment (stripe-payment)');
    expect(ambiguous).toContain('Stripe charge, fulfil, refund on approval (stripe-refund-approval)');
    const unknown = await turn(chat, 'Start the payroll run for bob');
    expect(unknown).toContain('There is no workflow called "payroll" here');
    expect(unknown).toContain('stripe-payment');
  });

  it('"yes" with nothing to confirm is not answered with a receipt of an earlier payment', async () => {
    const chat = openChat(server.url);
    await turn(chat, 'Charge lee@example.com $5 for the basic plan');
    await turn(chat, 'yes');
    const stray = await turn(chat, 'yes');
    expect(stray).not.toMatch(/receipt|Payment ID|lee@example\.com/i);
    expect(stray).toContain('I can run these workflows');
  });

  it('a declined card says the run failed and why', async () => {
    const chat = openChat(server.url);
    await turn(chat, 'Charge bob@example.com $30 with payment method pm_card_chargeDeclined');
    const failed = await turn(chat, 'yes');
    expect(failed).toContain('Run Stripe payment (stripe-payment) — charge 30.00 USD to bob@example.com');
    expect(failed).toMatch(/finished: FAILED .*declined/);
  });

  it('a run that waits for approval says what it waits for; "approve fulfil" finds that step and asks first', async () => {
    const chat = openChat(server.url);
    await turn(chat, 'Run stripe-refund-approval for ann@example.com $45');
    const waiting = await turn(chat, 'yes');
    expect(waiting).toMatch(/is waiting for a person at step fulfil \(Ship the order paid by ann@example\.com/);
    const asked = await turn(chat, 'approve fulfil');
    expect(asked).toMatch(/Please confirm: Approve step fulfil of run [0-9a-f-]{36}/);
    const approved = await turn(chat, 'yes');
    expect(approved).toContain('Sent "approved" to step fulfil');
    expect(approved).toMatch(/finished: COMPLETED/);
    const status = await turn(chat, 'what is the status of my run?');
    expect(status).toContain('status: COMPLETED');
  });
});

describe('the terminal chat speaks to the person too', () => {
  it('`sopstate chat --url` over the same kinds of turns prints no word about tools', async () => {
    const turns = [
      'hello',
      'Run the stripe workflow for ann@example.com',
      'Start the payroll run for bob',
      'Charge bob@example.com $30 with payment method pm_card_chargeDeclined',
      'yes',
      'yes',
    ];
    const { code, output } = await new Promise<{ code: number | null; output: string }>((done, fail) => {
      const root = resolve(import.meta.dirname, '../..');
      const child = spawn(process.execPath, [join(root, 'bin/sopstate.js'), 'chat', '--url', server.url], {
        env: { ...process.env, SOPSTATE_TOKEN: '', NO_COLOR: '1' },
      });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      child.on('error', fail);
      child.on('close', (exit) => done({ code: exit, output }));
      child.stdin.end(`${turns.join('\n')}\n`);
    });
    expect(output).toContain('Which one do you mean?');
    expect(output).toContain('There is no workflow called "payroll" here');
    expect(output).toMatch(/finished: FAILED/);
    expect(output).toContain('I am not sure what to do with "yes"');
    expect(output).not.toMatch(PLUMBING);
    expect(code).toBe(1); // a run it started failed
  });
});
