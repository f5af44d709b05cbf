// A TypeScript consumer of the public API: it must type-check with strict settings and no skipLibCheck.
import {
  compileWorkflow,
  createLocalExecutors,
  enumeratePaths,
  loadWorkflowText,
  NodeError,
  openServices,
  startRun,
  startSandbox,
  startServer,
  testPaths,
  type Executor,
  type RunEvent,
  type RunResult,
  type Workflow,
} from 'sopstate';
import { testWorkflowPaths } from 'sopstate/vitest';

const echo: Executor = async (execution) => ({ outputs: { node: execution.node.id } });

export async function runText(text: string): Promise<RunResult['status']> {
  const { workflow, diagnostics } = loadWorkflowText(text, 'inline.osop.yaml');
  if (!workflow) throw new Error(diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  const typed: Workflow = workflow;
  compileWorkflow(typed);
  const paths = enumeratePaths(typed);
  const report = await testPaths(typed);
  const services = await openServices({ forceSandbox: true });
  const events: RunEvent[] = [];
  const handle = startRun({
    workflow: typed,
    executors: { ...createLocalExecutors(), ...services.executors, cli: echo },
    onEvent: (event) => events.push(event),
  });
  const result = await handle.done;
  await services.close();
  if (paths.paths.length === 0 || !report.passed)
    throw new NodeError('no paths', { code: 'no_paths', retryable: false });
  return result.status;
}

export const unused = { startSandbox, startServer, testWorkflowPaths };
