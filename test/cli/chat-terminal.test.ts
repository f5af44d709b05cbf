// `sopstate chat` in a real terminal (tmux): what you type stays on the screen beside the answers; Ctrl+D leaves.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const TMUX = ['/usr/bin/tmux', '/usr/local/bin/tmux'].find((path) => existsSync(path));
const SOCKET = `sopstate-chat-test-${process.pid}`;
const SESSION = 'chat';

const tmux = (...args: string[]): string => execFileSync(TMUX!, ['-L', SOCKET, ...args], { encoding: 'utf8' });
const screen = (): string => tmux('capture-pane', '-p', '-J', '-t', SESSION, '-S', '-200');
const alive = (): boolean => {
  try {
    tmux('has-session', '-t', SESSION);
    return true;
  } catch {
    return false;
  }
};

const waitForScreen = async (wanted: (text: string) => boolean, what: string): Promise<string> => {
  for (let i = 0; i < 300; i++) {
    const text = alive() ? screen() : '';
    if (wanted(text)) return text;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`the terminal never showed ${what}; it shows:\n${alive() ? screen() : '(session ended)'}`);
};

afterAll(() => {
  if (TMUX && alive()) tmux('kill-server');
});

describe.runIf(TMUX)('sopstate chat in a terminal', () => {
  it('echoes the typed text, answers small talk plainly, and exits on Ctrl+D', async () => {
    const command = `cd ${ROOT} && SOPSTATE_SANDBOX_PACING=off npx tsx src/cli/main.ts chat --sandbox --workflows examples`;
    tmux('new-session', '-d', '-s', SESSION, '-x', '120', '-y', '40', command);
    await waitForScreen((text) => text.includes('you>'), 'the prompt');
    tmux('send-keys', '-t', SESSION, '-l', 'hello there');
    tmux('send-keys', '-t', SESSION, 'Enter');
    const text = await waitForScreen((shown) => shown.includes('I can run these workflows'), 'the answer');
    expect(text).toMatch(/you> hello there/);
    expect(text).toContain('Stripe payment (stripe-payment)');
    expect(text).not.toMatch(/receipt/i);
    await waitForScreen((shown) => (shown.match(/you>/g) ?? []).length >= 2, 'the next prompt');
    tmux('send-keys', '-t', SESSION, 'Up');
    await waitForScreen((shown) => (shown.match(/you> hello there/g) ?? []).length >= 2, 'the history line after ↑');
    tmux('send-keys', '-t', SESSION, 'C-u');
    tmux('send-keys', '-t', SESSION, 'C-d');
    for (let i = 0; i < 100 && alive(); i++) await new Promise((done) => setTimeout(done, 100));
    expect(alive()).toBe(false);
  }, 60_000);
});
