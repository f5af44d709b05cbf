// `sopstate chat`: talk to Claude about your workflows in the terminal; runs it starts play out live.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { styleText } from 'node:util';
import type { Command } from 'commander';
import type { ChatClient } from '../../server/chat/chat-client.ts';
import type { ChatEvent } from '../../server/chat/chat-event.ts';
import { parsePacing, REALISTIC_PACING } from '../../sandbox/anthropic/pacing.ts';
import { createEventPrinter } from '../print-events.ts';

interface ChatFlags {
  url?: string;
  token?: string;
  workflows: string;
  db?: string;
  sandbox?: boolean;
  allowCli?: boolean;
  json?: boolean;
}

interface Session {
  url: string;
  close(): Promise<void>;
}

/** Without --url: the same server `sopstate serve` runs, in this process, on a free loopback port. */
const startInProcess = async (flags: ChatFlags): Promise<Session> => {
  const [{ chatModuleFromEnv }, { createRuntime }, { startServer }] = await Promise.all([
    import('../../server/chat/chat-module.ts'),
    import('../../server/runtime.ts'),
    import('../../server/start-server.ts'),
  ]);
  const scratch = flags.db ? undefined : mkdtempSync(join(tmpdir(), 'sopstate-chat-'));
  const {
    runtime,
    secret,
    sandbox,
    close: closeRuntime,
  } = await createRuntime({
    allowCli: flags.allowCli,
    forceSandbox: flags.sandbox,
    pacing: parsePacing(process.env.SOPSTATE_SANDBOX_PACING) ?? REALISTIC_PACING,
    announce: (line) => process.stderr.write(`${line}\n`),
  });
  try {
    const server = await startServer({
      workflowsDir: resolve(flags.workflows),
      dbFile: flags.db ? resolve(flags.db) : join(scratch as string, 'sopstate.db'),
      port: 0,
      allowCli: flags.allowCli,
      // A scratch database goes away at exit; the .osoplog files stay where the user can read them.
      logDir: flags.db ? undefined : resolve('.sopstate/osoplogs'),
      runtime,
      secrets: secret,
      routes: [chatModuleFromEnv({ forceSandbox: flags.sandbox, sandbox })],
      log: (line) => process.stderr.write(`${line}\n`),
    });
    return {
      url: server.url,
      close: async () => {
        await server.close();
        await closeRuntime();
        if (scratch) rmSync(scratch, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await closeRuntime();
    throw error;
  }
};

const createTerminalView = (color: boolean) => {
  let lastChar = '\n';
  const write = (text: string) => {
    if (text === '') return;
    process.stdout.write(text);
    lastChar = text.at(-1) as string;
  };
  const paint = (style: Parameters<typeof styleText>[0], text: string) => (color ? styleText(style, text) : text);
  const line = (text: string) => write(`${lastChar === '\n' ? '' : '\n'}${text}\n`);
  const printRunEvent = createEventPrinter({ write, color });

  const show = (event: ChatEvent): void => {
    switch (event.type) {
      case 'assistant.delta':
        return write(event.text);
      case 'tool.call':
        return line(paint('dim', '  …'));
      case 'confirm.required':
        line(paint('yellow', `⚠ needs your confirmation: ${event.text}`));
        for (const detail of event.details ?? []) line(`  ${detail}`);
        line(paint('dim', `  because ${event.action.reasons.join(' and ')}`));
        return line(paint('yellow', '  reply "yes" to go ahead; anything else cancels it'));
      case 'confirm.cancelled':
        return line(paint('dim', `✗ not started: ${event.summary}`));
      case 'run.event':
        return printRunEvent(event.event);
      case 'error':
        line('');
        process.stderr.write(`${paint('red', 'error:')} ${event.message}\n`);
        return;
      case 'done':
        return line('');
      default:
        return;
    }
  };
  return { show };
};

const converse = async (client: ChatClient, flags: ChatFlags): Promise<number> => {
  const interactive = process.stdin.isTTY === true;
  const view = createTerminalView(process.stdout.isTTY === true && !flags.json);
  const show = flags.json ? (event: ChatEvent) => process.stdout.write(`${JSON.stringify(event)}\n`) : view.show;
  let failedRuns = 0;
  // With a terminal, readline echoes what you type, keeps ↑/↓ history and edits the line; it needs `output` for that.
  const reader = createInterface({
    input: process.stdin,
    ...(interactive
      ? { output: process.stdout, terminal: true, prompt: 'you> ', historySize: 200, removeHistoryDuplicates: true }
      : { terminal: false }),
  });
  // Ctrl+C on an empty prompt (or twice) leaves, like Ctrl+D; the conversation ends cleanly either way.
  reader.on('SIGINT', () => {
    process.stdout.write('\n');
    reader.close();
  });
  const prompt = () => {
    if (interactive) reader.prompt();
  };
  prompt();
  for await (const raw of reader) {
    const message = raw.trim();
    if (message === '') {
      prompt();
      continue;
    }
    if (!interactive && !flags.json) process.stdout.write(`you> ${message}\n`);
    await client.send(message, (event) => {
      if (event.type === 'run.event' && event.event.type === 'run.failed') failedRuns++;
      show(event);
    });
    prompt();
  }
  return failedRuns > 0 ? 1 : 0;
};

export function registerChat(program: Command): void {
  program
    .command('chat')
    .description('chat with Claude about your workflows; runs that spend money start only after you confirm')
    .option('--url <url>', 'a running `sopstate serve` to talk to (default: start one in this process)')
    .option('--token <token>', 'the server token (default: $SOPSTATE_TOKEN)')
    .option('--workflows <dir>', 'folder of .osop.yaml files (in-process server)', 'examples')
    .option('--db <file>', 'SQLite file to keep runs and conversations (in-process server; default: a temporary one)')
    .option('--sandbox', 'emulate Stripe and Claude even when keys are set (in-process server)')
    .option('--allow-cli', 'allow workflows to run cli nodes (in-process server)')
    .option('--json', 'print each chat event as one JSON line')
    .action(async (flags: ChatFlags) => {
      let session: Session;
      try {
        if (flags.url && !URL.canParse(flags.url))
          throw new Error(`--url ${flags.url} is not a URL: give the server's address, e.g. http://127.0.0.1:8787`);
        if (!flags.url && !existsSync(resolve(flags.workflows)))
          throw new Error(`--workflows ${flags.workflows} does not exist: point it at your .osop.yaml folder`);
        session = flags.url ? { url: flags.url, close: async () => undefined } : await startInProcess(flags);
      } catch (error) {
        process.stderr.write(`sopstate chat: ${(error as Error).message}\n`);
        process.exit(2);
      }
      const { createChatClient } = await import('../../server/chat/chat-client.ts');
      const client = createChatClient({
        url: session.url,
        token: flags.token ?? process.env.SOPSTATE_TOKEN?.trim() ?? undefined,
      });
      let code = 0;
      try {
        code = await converse(client, flags);
      } catch (error) {
        process.stderr.write(`sopstate chat: ${(error as Error).message}\n`);
        code = 2;
      } finally {
        await session.close();
      }
      process.exit(code);
    });
}
