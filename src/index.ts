// sopstate's library surface: load, compile, run, serve and path-test OSOP workflows.
export { loadWorkflowFile, loadWorkflowText } from './osop/load.ts';
export type { Workflow, Diagnostic, LoadResult } from './osop/workflow.ts';
export { compileWorkflow } from './machine/compile.ts';
export { startRun } from './machine/runner.ts';
export type { RunOptions, RunHandle, RunResult } from './machine/run-options.ts';
export type { HumanDecision } from './events/human-decision.ts';
export type { RunEvent, RunEventBody } from './events/run-event.ts';
export type { Executor, NodeExecution, NodeResult } from './adapters/executor.ts';
export { NodeError } from './adapters/executor.ts';
export { createLocalExecutors } from './adapters/local.ts';
export { openServices } from './services/open-services.ts';
export { startSandbox } from './sandbox/start.ts';
export { startServer } from './server/start-server.ts';
export { enumeratePaths } from './paths/enumerate.ts';
export { testPaths } from './paths/test-paths.ts';
