// Dry run without a plan: every node completes at once with its `x-sample` outputs, else none; nothing leaves the
// machine. The CLI and server plan a dry run from the workflow's paths (paths/dry-run-plan.ts) and pass that instead.
import type { Executor } from './executor.ts';

export const dryRunExecutor: Executor = async ({ node }) => ({ outputs: structuredClone(node.sample ?? {}) });
