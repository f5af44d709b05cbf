// Dry run: every node completes at once with its `x-sample` outputs, else none; nothing leaves the machine.
import type { Executor } from './executor.ts';

export const dryRunExecutor: Executor = async ({ node }) => ({ outputs: structuredClone(node.sample ?? {}) });
