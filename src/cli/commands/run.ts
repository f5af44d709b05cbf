// `sopstate run <file>`: runs a workflow with live terminal output, or one RunEvent per line with --json.
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { InvalidArgumentError, type Command } from 'commander';
import type { DeliveredEvent } from '../../adapters/event-gate.ts';
import { workflowEventNames } from '../../adapters/event-wait.ts';
import { createLocalExecutors } from '../../adapters/local.ts';
import type { Services } from '../../services/open-services.ts';
import { NO_PACING, parsePacing, REALISTIC_PACING } from '../../sandbox/anthropic/pacing.ts';
import { formatDiagnostic } from '../../osop/diagnostics.ts';
import { liveBlockers } from '../../osop/live-support.ts';
import { didYouMean } from '../../osop/suggest.ts';
import type { Workflow } from '../../osop/workflow.ts';
import type { RunEvent } from '../../events/run-event.ts';
import type { HumanDecision } from '../../events/human-decision.ts';
import type { RunHandle } from '../../machine/run-options.ts';
import { knownSecrets, loadSecrets } from '../../services/secrets.ts';
import { parseInputFlags, UsageError } from '../input-flags.ts';
import { createEventPrinter } from '../print-events.ts';
import { summarizeRun } from '../run-summary.ts';
import type { StatelySession } from '../../inspect/stately.ts';
import type { DryRunPlan } from '../../paths/dry-run-plan.ts';

export interface RunFlags {
  input: string[];
  secret: string[];
  dryRun?: boolean;
  /** With --dry-run: follow path N as `sopstate paths` numbers it instead of the happy path. */
  path?: number;
  allowCli?: boolean;
  approve: string[];
  reject: string[];
  autoApprove?: boolean;
  /** `name=json` (or `name=text`, or `name`): an event handed to the first node that waits for it (repeatable). */
  event?: string[];
  json?: boolean;
  logDir: string;
  sandbox?: boolean;
  /** Relay the run to Stately's inspector. */
  inspect?: boolean;
  /** Port of the inspector relay (default 8080). */
  inspectPort?: number;
  /** Print request and response bodies (masked). */
  verbose?: boolean;
}

export interface RunIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
  color?: boolean;
  /** Asks a yes/no question on the terminal (rejects when the person presses Ctrl+C or Ctrl+D); absent when stdin is not a TTY. */
  ask?: (question: string) => Promise<string>;
  /** Receives the handle once the run has started (Ctrl-C → cancel). */
  onStart?: (handle: RunHandle) => void;
  /** With --inspect online: resolves when the user is done looking (Ctrl-C). */
  untilQuit?: () => Promise<void>;
}

const DEFAULT_LOG_DIR = '.sopstate/logs';

const SERVICE_NODE_TYPES = new Set(['api', 'agent']);
/** Slow enough that a terminal shows the emulated receipt arrive word by word. */

const needsServices = (workflow: Workflow, flags: RunFlags): boolean =>
  !flags.dryRun && workflow.nodes.some((node) => SERVICE_NODE_TYPES.has(node.type));

function checkNodeNames(workflow: Workflow, flag: string, names: string[]): void {
  const ids = workflow.nodes.map((node) => node.id);
  for (const name of names) {
    if (ids.includes(name)) continue;
    throw new UsageError(
      `${flag} ${name}: no node ${name} in ${workflow.file} (${didYouMean(name, ids) ?? `nodes: ${ids.join(', ')}`})`,
    );
  }
}

/** `--event paid={"amount":5}`: data is JSON when it reads as JSON, else the text; `--event go` has null data. */
function parseEventFlags(workflow: Workflow, flags: string[]): DeliveredEvent[] {
  const known = workflowEventNames(workflow);
  return flags.map((flag) => {
    const split = flag.indexOf('=');
    const name = (split < 0 ? flag : flag.slice(0, split)).trim();
    const text = split < 0 ? undefined : flag.slice(split + 1);
    if (!known.includes(name))
      throw new UsageError(
        known.length === 0
          ? `--event ${name}: no event edge of ${workflow.file} waits for an event`
          : `--event ${name}: no event edge of ${workflow.file} waits for ${name} (${didYouMean(name, known) ?? `events: ${known.join(', ')}`})`,
      );
    if (text === undefined) return { name, data: null };
    try {
      return { name, data: JSON.parse(text) as unknown };
    } catch {
      return { name, data: text };
    }
  });
}

/** With no `--event` left for it and no timeout, a waiting node would wait forever: the run is cancelled, saying why. */
function checkEventWait(handle: RunHandle, node: string, timeoutMs: number | undefined, io: RunIO): void {
  if (timeoutMs !== undefined) return;
  // The node takes a kept --event as soon as it starts waiting; still waiting a turn later means none was given.
  setImmediate(() => {
    const waiting = handle.awaitingEvents().find((entry) => entry.node === node);
    if (!waiting) return;
    const names = waiting.names;
    io.stderr(
      `sopstate: ${node} waits for event ${names.join(' or ')}, which no --event gives, and has no timeout: ` +
        `pass --event ${names[0]}=<json> (or set x-timeout on its edge); cancelling the run\n`,
    );
    handle.cancel();
  });
}

/** The decision for a waiting human node; undefined when the person left the prompt with Ctrl+C or Ctrl+D (the run is cancelled). */
async function decide(node: string, flags: RunFlags, io: RunIO): Promise<HumanDecision | undefined> {
  if (flags.reject.includes(node)) return { decision: 'rejected', comment: 'rejected with --reject' };
  if (flags.approve.includes(node) || flags.autoApprove)
    return {
      decision: 'approved',
      comment: flags.autoApprove ? 'approved with --auto-approve' : 'approved with --approve',
    };
  if (!io.ask)
    return {
      decision: 'rejected',
      comment: `no decision given: stdin is not a terminal; pass --approve ${node}, --reject ${node} or --auto-approve`,
    };
  const asked = await io.ask(`Approve ${node}? [y/N] `).then(
    (text) => ({ text }),
    () => undefined,
  );
  if (!asked) {
    io.stderr('\n');
    return undefined;
  }
  const answer = asked.text.trim().toLowerCase();
  return answer === 'y' || answer === 'yes'
    ? { decision: 'approved' }
    : {
        decision: 'rejected',
        comment: answer && answer !== 'n' && answer !== 'no' ? answer : 'rejected at the prompt',
      };
}

/** Runs one workflow file; resolves with the exit code (0 COMPLETED, 1 FAILED/TIMEOUT/COST_LIMIT, 2 invalid input). */
export async function runWorkflowCommand(file: string, flags: RunFlags, io: RunIO): Promise<number> {
  const [{ loadWorkflowFile }, { RunSetupError, startRun }, { osoplogWriter }] = await Promise.all([
    import('../../osop/load.ts'),
    import('../../machine/runner.ts'),
    import('../../store/osoplog-files.ts'),
  ]);
  const loaded = await loadWorkflowFile(file);
  const problems = loaded.diagnostics.filter((diagnostic) => diagnostic.severity === 'error' || !flags.json);
  for (const diagnostic of problems) io.stderr(`${formatDiagnostic(diagnostic)}\n`);
  if (!loaded.workflow) return 2;
  const workflow = loaded.workflow;
  if (flags.path !== undefined && !flags.dryRun) {
    io.stderr(`error: --path ${flags.path} only applies to a dry run: add --dry-run\n`);
    return 2;
  }
  const blockers = flags.dryRun ? [] : liveBlockers(workflow);
  for (const blocker of blockers) io.stderr(`${formatDiagnostic(blocker)}\n`);
  if (blockers.length > 0) return 2;
  let handle: RunHandle;
  let services: Services | undefined;
  let stately: StatelySession | undefined;
  let dryRun: DryRunPlan | undefined;
  try {
    checkNodeNames(workflow, '--approve', flags.approve);
    checkNodeNames(workflow, '--reject', flags.reject);
    const both = flags.approve.find((node) => flags.reject.includes(node));
    if (both) throw new UsageError(`--approve ${both} and --reject ${both} contradict each other: pass one of them`);
    const dryPlanning = flags.dryRun ? await import('../../paths/dry-run-plan.ts') : undefined;
    const named = flags.input.map((flag) => flag.split('=')[0]!.trim());
    const checkedInputs = parseInputFlags(workflow, flags.input, dryPlanning?.sampleInputsFor(workflow, named));
    const planned = flags.dryRun ? await planDry(workflow, flags, checkedInputs, named) : undefined;
    dryRun = planned?.plan;
    if (dryRun) io.stderr(`sopstate: ${dryRun.describe}\n`);
    const inputs = planned?.inputs ?? checkedInputs;
    const events = parseEventFlags(workflow, flags.event ?? []);
    const userSecrets = loadSecrets({
      names: workflow.secrets,
      flags: flags.secret,
      envFile: join(io.cwd, '.env'),
      env: io.env,
    });
    services = needsServices(workflow, flags)
      ? await (
          await import('../../services/open-services.ts')
        ).openServices({
          env: io.env,
          forceSandbox: flags.sandbox,
          announce: (line) => io.stderr(`${line}\n`),
          pacing: flags.json ? NO_PACING : (parsePacing(io.env.SOPSTATE_SANDBOX_PACING) ?? REALISTIC_PACING),
        })
      : undefined;
    const secrets = services ? services.withServiceKeys(userSecrets) : userSecrets;
    const executors = dryRun
      ? createLocalExecutors({ dryRun: true, dryRunExecutor: dryRun.executor })
      : { ...createLocalExecutors({ allowCli: flags.allowCli }), ...services?.executors };
    if (flags.inspect) {
      const { startStatelyInspector } = await import('../../inspect/stately.ts');
      stately = startStatelyInspector({
        secrets: { ...knownSecrets((name) => io.env[name]), ...secrets },
        port: flags.inspectPort,
        inspectorUrl: io.env.SOPSTATE_INSPECTOR_URL,
        log: (line) => io.stderr(`${line}\n`),
      });
    }
    const print = flags.json
      ? (event: RunEvent) => io.stdout(`${JSON.stringify(event)}\n`)
      : createEventPrinter({ write: io.stdout, color: io.color, verbose: flags.verbose });
    handle = startRun({
      workflow,
      inputs,
      secrets,
      masked: knownSecrets((name) => io.env[name]),
      executors,
      dryRun: flags.dryRun,
      ...(events.length > 0 ? { events } : {}),
      ...(flags.logDir ? { writeRecord: osoplogWriter(flags.logDir) } : {}),
      onWarning: (message) => io.stderr(`sopstate: warning: ${message}\n`),
      ...(services ? { emulated: services.emulated } : {}),
      ...(stately ? { inspect: stately.inspect } : {}),
      onEvent: (event) => {
        print(event);
        if (event.type === 'event.waiting' && !flags.dryRun)
          return checkEventWait(handle, event.node, event.timeoutMs, io);
        if (event.type !== 'human.waiting') return;
        void decide(event.node, flags, io).then((decision) =>
          decision ? handle.signal(event.node, decision) : handle.cancel(),
        );
      },
    });
  } catch (failure) {
    await services?.close();
    await stately?.finish();
    if (failure instanceof RunSetupError)
      for (const problem of failure.problems) io.stderr(`${workflow.file}: error: ${problem}\n`);
    else if (failure instanceof Error) for (const line of failure.message.split('\n')) io.stderr(`error: ${line}\n`);
    else throw failure;
    return 2;
  }
  io.onStart?.(handle);
  try {
    const result = await handle.done;
    if (!flags.json) io.stdout(summarizeRun(result.events));
    const departures = dryRun?.departures(result.events) ?? [];
    if (departures.length > 0) io.stderr(`sopstate: note: the dry run left its path (${departures.join('; ')})\n`);
    return result.status === 'COMPLETED' ? 0 : 1;
  } finally {
    await services?.close();
    await stately?.finish(io.untilQuit);
  }
}

/** The dry run's plan: the happy path, or --path N; the inputs the user set pick among paths that differ by input. */
async function planDry(
  workflow: Workflow,
  flags: RunFlags,
  checked: Record<string, unknown>,
  named: string[],
): Promise<{ plan: DryRunPlan; inputs: Record<string, unknown> }> {
  const { dryRunInputs, planDryRun } = await import('../../paths/dry-run-plan.ts');
  const names = new Set(named);
  const given = Object.fromEntries(Object.entries(checked).filter(([name]) => names.has(name)));
  const plan = planDryRun(workflow, { ...(flags.path !== undefined ? { path: flags.path } : {}), given });
  return { plan, inputs: dryRunInputs(plan, checked, names) };
}

const pathNumber = (value: string): number => {
  const path = Number(value);
  if (!Number.isInteger(path) || path < 1) throw new InvalidArgumentError('a path number is a whole number from 1');
  return path;
};

const collect = (value: string, previous: string[]) => [...previous, value];

const inspectPort = (value: string): number => {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new InvalidArgumentError('a port is a whole number from 1 to 65535');
  return port;
};

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a workflow; live progress in the terminal, or one RunEvent per line with --json')
    .argument('<file>', 'workflow file (.osop, .osop.yaml, .osop.yml, .osop.json)')
    .option('--input <name=value>', 'a workflow input (repeatable)', collect, [])
    .option(
      '--secret <NAME=value>',
      'a value for ${secrets.NAME} (repeatable; also read from the environment and .env)',
      collect,
      [],
    )
    .option(
      '--dry-run',
      'walk the workflow without calling anything, along its happy path: nodes complete with outputs made up to ' +
        'take it (x-sample, x-test-cases, or synthesized from the conditions; each completion names what was made up)',
    )
    .option('--path <n>', 'with --dry-run: follow path N as `sopstate paths` numbers it', pathNumber)
    .option('--allow-cli', 'let cli nodes run shell commands')
    .option('--approve <node>', 'approve this human node when it waits (repeatable)', collect, [])
    .option('--reject <node>', 'reject this human node when it waits (repeatable)', collect, [])
    .option('--auto-approve', 'approve every human node')
    .option(
      '--event <name=json>',
      'an event for the node that waits for it at an event edge, delivered when it starts waiting (repeatable)',
      collect,
      [],
    )
    .option('--json', 'print exactly one RunEvent JSON per line on stdout')
    .option('--verbose', 'also print each request and response body (secrets masked)')
    .option('--sandbox', 'emulate Stripe and Claude locally even when STRIPE_SECRET_KEY / ANTHROPIC_API_KEY are set')
    .option('--log-dir <dir>', 'where to write <run id>.osoplog.yaml', DEFAULT_LOG_DIR)
    .option('--inspect', "watch the run in Stately's inspector (needs the network; says so in one line without it)")
    .option(
      '--inspect-port <port>',
      'port of the local relay the inspector page connects to (default 8080)',
      inspectPort,
    )
    .action(async (file: string, flags: RunFlags) => {
      const terminal = process.stdin.isTTY === true;
      const prompt = terminal ? createInterface({ input: process.stdin, output: process.stderr }) : undefined;
      try {
        process.exitCode = await runWorkflowCommand(file, flags, {
          stdout: (text) => process.stdout.write(text),
          stderr: (text) => process.stderr.write(text),
          env: process.env,
          cwd: process.cwd(),
          color: !flags.json && process.stdout.isTTY === true,
          ...(prompt ? { ask: (question: string) => prompt.question(question) } : {}),
          onStart: (handle) => process.once('SIGINT', () => handle.cancel()),
          // In a terminal the inspector relay outlives the run until Ctrl-C; a browser still connected would keep the process alive after it.
          ...(terminal
            ? {
                untilQuit: () =>
                  new Promise<void>((resolve) =>
                    process.once('SIGINT', () => resolve(void setTimeout(() => process.exit(), 1000).unref())),
                  ),
              }
            : {}),
        });
      } finally {
        prompt?.close();
      }
    });
}
