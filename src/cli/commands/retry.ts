// `sopstate retry <run> [--from node]`: asks a running `sopstate serve` for a new run that starts at the failed
// node (or --from) with the outputs of the nodes before it, then follows it live like `run` does.
import type { Command } from 'commander';
import type { RunEvent } from '../../events/run-event.ts';
import { bodyOf, createApiClient } from '../../server/api-client.ts';
import { readSseJson } from '../../server/chat/sse-client.ts';
import { DEFAULT_SERVER_URL } from '../../server/server-defaults.ts';
import { createEventPrinter } from '../print-events.ts';
import { summarizeRun } from '../run-summary.ts';

interface RetryFlags {
  from?: string;
  input: string[];
  url: string;
  token?: string;
  json?: boolean;
  verbose?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

const parseInputs = (pairs: string[]): Record<string, string> => {
  const inputs: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error(`--input ${pair}: write it as name=value`);
    inputs[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return inputs;
};

export async function retryCommand(runId: string, flags: RetryFlags, write: (text: string) => void): Promise<number> {
  const base = flags.url.replace(/\/+$/, '');
  const token = flags.token ?? process.env.SOPSTATE_TOKEN?.trim();
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const client = createApiClient(base, { headers: { accept: 'application/json', ...headers } });
  const answer = await client.api.runs[':id'].retry.$post({
    param: { id: runId },
    // Sent as text, typed by the server with the same rules as `sopstate run --input`.
    json: { ...(flags.from ? { from: flags.from } : {}), inputText: parseInputs(flags.input) },
  });
  const retry = await bodyOf(answer).catch((error: Error) => {
    throw new Error(`the server refused the retry: ${error.message}`);
  });
  if (!flags.json) write(`↻ retrying run ${runId} from ${retry.from} as run ${retry.runId}\n`);
  const print = flags.json
    ? (event: RunEvent) => write(`${JSON.stringify(event)}\n`)
    : createEventPrinter({ write, verbose: flags.verbose, color: process.stdout.isTTY === true });
  const stream = await fetch(`${base}/api/runs/${encodeURIComponent(retry.runId)}/events`, {
    headers: { ...headers, accept: 'text/event-stream' },
  });
  const events: RunEvent[] = [];
  for await (const { data } of readSseJson<RunEvent>(stream)) {
    events.push(data);
    print(data);
    if (data.type === 'run.completed' || data.type === 'run.failed') break;
  }
  if (!flags.json) write(summarizeRun(events));
  return events.at(-1)?.type === 'run.completed' ? 0 : 1;
}

export function registerRetry(program: Command): void {
  program
    .command('retry')
    .description('retry a server run from its failed node (or --from), reusing the outputs of the nodes before it')
    .argument('<run>', 'the run id (as GET /api/runs lists it)')
    .option('--from <node>', 'start at this node instead of the failed one')
    .option('--input <name=value>', 'change an input for the new run (repeatable)', collect, [])
    .option('--url <url>', 'the `sopstate serve` holding the run', DEFAULT_SERVER_URL)
    .option('--token <token>', 'the server token (default: $SOPSTATE_TOKEN)')
    .option('--json', 'print exactly one RunEvent JSON per line on stdout')
    .option('--verbose', 'also print each request and response body (secrets masked)')
    .action(async (runId: string, flags: RetryFlags) => {
      try {
        process.exitCode = await retryCommand(runId, flags, (text) => process.stdout.write(text));
      } catch (error) {
        process.stderr.write(`sopstate retry: ${(error as Error).message}\n`);
        process.exitCode = 2;
      }
    });
}
