// `sopstate test --sandbox`: each path driven through the real Stripe/Claude adapters against the local emulators.
import type { Executor, ExecutorRegistry, NodeExecution } from '../adapters/executor.ts';
import type { ServiceExecutors } from '../services/service-endpoints.ts';
import { openServices } from '../services/open-services.ts';
import type { Sandbox } from '../sandbox/start.ts';
import type { Workflow } from '../osop/workflow.ts';
import type { Undriven } from './format-report.ts';
import type { PathStep, WorkflowPath } from './path.ts';
import { placeholderSecrets, runPath } from './run-model.ts';
import { describePlan, planDrives, withOneRetry, type Drive } from './sandbox-drive.ts';
import { inPathOrder } from './sequencer.ts';
import { replayStep } from './stub-executors.ts';
import type { PathRunner } from './test-paths.ts';

interface SandboxDeps {
  sandbox: Sandbox;
  services: ServiceExecutors;
}

function withPaymentMethod(runtime: Record<string, unknown>, paymentMethod: string): Record<string, unknown> {
  const body = runtime.body && typeof runtime.body === 'object' ? (runtime.body as Record<string, unknown>) : {};
  return { ...runtime, body: { ...body, payment_method: paymentMethod } };
}

function armFault(deps: SandboxDeps, drive: Extract<Drive, { kind: 'real' }>, execution: NodeExecution): void {
  if (!drive.fault) return;
  if (drive.service === 'claude') {
    // A definite refusal: a 5xx would be retried (agent nodes retry what the SDK retries) and the path not taken.
    deps.sandbox.anthropic.addFault({ method: 'POST', path: '/v1/messages', type: 'invalid_request', times: 1 });
    return;
  }
  const path = new URL(String(execution.runtime.url)).pathname;
  const method = String(execution.runtime.method ?? 'GET');
  if (drive.fault === 'retry-once') {
    deps.sandbox.stripe.addFault({ method, path, type: 'server_error', status: 500, shouldRetry: true, times: 1 });
    return;
  }
  // A failure path needs a definite refusal: after a 5xx a POST's outcome is unknown, so it is repeated, not failed.
  deps.sandbox.stripe.addFault({ method, path, type: 'invalid_request', times: 1 });
}

function drivenExecutor(deps: SandboxDeps, path: WorkflowPath, drives: Drive[]): Executor {
  const armed = new Set<number>();
  return inPathOrder(path, (step: PathStep, execution) => {
    const index = path.steps.indexOf(step);
    const drive = drives[index]!;
    if (drive.kind !== 'real') return replayStep(step);
    if (!armed.has(index)) armFault(deps, drive, execution);
    armed.add(index);
    const runtime = drive.paymentMethod ? withPaymentMethod(execution.runtime, drive.paymentMethod) : execution.runtime;
    const adapter = drive.service === 'stripe' ? deps.services.api : deps.services.agent;
    return adapter({ ...execution, runtime });
  });
}

export interface SandboxRun<T> {
  report: T;
  undriven: Undriven[];
}

export interface SandboxRunner {
  /** Drives one path; undefined (and the path added to `undriven`) when it cannot be driven. */
  runner: PathRunner;
  undriven: Undriven[];
  close(): Promise<void>;
}

/** Starts the emulators and returns a runner that drives each path through the real adapters; call close() when done. */
export async function startSandboxRunner(workflow: Workflow): Promise<SandboxRunner> {
  // An empty environment: the emulators always, whatever keys or base URLs the user has set.
  const services = await openServices({ env: {}, forceSandbox: true });
  const sandbox = services.sandbox!;
  const deps: SandboxDeps = { sandbox, services: services.executors };
  const secrets = { ...placeholderSecrets(workflow), ...services.withServiceKeys({}) };
  const undriven: Undriven[] = [];
  let retryShown = false;
  const runner: PathRunner = async (_, path) => {
    let plan = planDrives(workflow, path);
    if (!plan.drives) {
      undriven.push({ path, reason: plan.reason ?? 'no way to drive it' });
      return undefined;
    }
    if (!retryShown && path.status === 'COMPLETED') {
      plan = withOneRetry(plan);
      retryShown = plan.drives!.some((drive) => drive.kind === 'real' && drive.fault === 'retry-once');
    }
    sandbox.stripe.clearFaults();
    sandbox.anthropic.clearFaults();
    const executor = drivenExecutor(deps, path, plan.drives!);
    const executors: ExecutorRegistry = Object.fromEntries(
      [...new Set(workflow.nodes.map((node) => node.type))].map((type) => [type, executor]),
    );
    const check = await runPath(workflow, path, { secrets, executors, watchdogMs: 60_000 });
    return { ...check, drivenBy: describePlan(path, plan.drives!) };
  };
  return { runner, undriven, close: services.close };
}

/** Starts the emulators, hands `use` the runner, and stops them afterwards. */
export async function withSandboxRunner<T>(
  workflow: Workflow,
  use: (runner: PathRunner) => Promise<T>,
): Promise<SandboxRun<T>> {
  const { runner, undriven, close } = await startSandboxRunner(workflow);
  try {
    return { report: await use(runner), undriven };
  } finally {
    await close();
  }
}
