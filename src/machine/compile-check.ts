// What `validate` adds to the loader's verdict: the workflow must also compile, or that is a located error.
import type { Diagnostic, Workflow } from '../osop/workflow.ts';
import { compileWorkflow } from './compile.ts';

interface StateNodeLike {
  type: string;
  initial: unknown;
  states: Record<string, StateNodeLike>;
}

/** XState resolves a compound state's initial child lazily, when a run first enters it: resolve every one now. */
function resolveStates(root: StateNodeLike): void {
  const pending = [root];
  for (let node = pending.pop(); node; node = pending.pop()) {
    if (node.type === 'compound') void node.initial;
    pending.push(...Object.values(node.states));
  }
}

/** Empty when the workflow compiles; else one error at the node the compiler named (or the file's first line). */
export function compileDiagnostics(workflow: Workflow): Diagnostic[] {
  try {
    resolveStates(compileWorkflow(workflow).root);
    return [];
  } catch (failure) {
    const message =
      failure instanceof RangeError
        ? 'the workflow is too deeply nested to compile'
        : failure instanceof Error
          ? failure.message
          : String(failure);
    const node = workflow.nodes.find(
      (candidate) =>
        message.includes(`${candidate.id} (`) ||
        message.includes(` ${candidate.id}`) ||
        message.includes(`"${candidate.id}"`),
    );
    const where = node?.position ?? { file: workflow.file, line: 1, col: 1 };
    return [{ severity: 'error', code: 'compile', path: node ? `nodes.${node.id}` : '', message, ...where }];
  }
}
