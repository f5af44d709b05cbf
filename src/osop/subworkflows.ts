// `imports` and `workflow_ref` at load: each child is read (by the caller's reader: load.ts does the I/O), loaded,
// validated and its own children resolved, so a missing file, a cycle or a broken child is a located error of the
// parent, and a valid child is attached to its node (WorkflowNode.subworkflow.workflow) for the runner.
import { dirname, relative, resolve } from 'node:path';
import { sortDiagnostics } from './diagnostics.ts';
import { didYouMean } from './suggest.ts';
import type { Diagnostic, LoadResult, SourcePosition, Workflow, WorkflowNode } from './workflow.ts';

/** Reads and loads one file (without its children): loadWorkflowFile's first half. */
type LoadOne = (path: string) => Promise<LoadResult>;

/** A child's errors shown under the parent: at most this many each (the child's own `validate` lists them all). */
const SHOWN_CHILD_ERRORS = 5;

interface Resolution {
  loadOne: LoadOne;
  /** Loaded (and resolved) files by absolute path, so a child used twice is read once. */
  loaded: Map<string, LoadResult>;
}

const shortName = (path: string) => relative(process.cwd(), path) || path;

function located(at: SourcePosition, code: string, message: string, suggestion?: string): Diagnostic {
  return { ...at, severity: 'error', code, path: '', message, ...(suggestion ? { suggestion } : {}) };
}

/** The child at `path` with its children resolved, or the reason it cannot be used (located at `at`). */
async function childAt(
  path: string,
  chain: string[],
  at: SourcePosition,
  what: string,
  resolution: Resolution,
): Promise<{ workflow: Workflow } | { diagnostics: Diagnostic[] }> {
  if (chain.includes(path)) {
    const names = [...chain.slice(chain.indexOf(path)), path].map(shortName).join(' → ');
    return {
      diagnostics: [
        located(
          at,
          'subworkflow-cycle',
          `${what} makes a cycle of sub-workflows: ${names}`,
          'a workflow may not run itself, directly or through its sub-workflows: remove one workflow_ref of the cycle',
        ),
      ],
    };
  }
  let result = resolution.loaded.get(path);
  if (!result) {
    result = await resolveChildren(await resolution.loadOne(path), [...chain, path], resolution);
    resolution.loaded.set(path, result);
  }
  if (result.workflow) return { workflow: result.workflow };
  const errors = result.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
  if (errors.some((diagnostic) => diagnostic.code === 'unreadable-file' && diagnostic.file === path)) {
    return {
      diagnostics: [
        located(
          at,
          'missing-subworkflow',
          `${what}: no such file ${shortName(path)}`,
          'write the path of the sub-workflow relative to this file, or the id of a workflow listed in imports',
        ),
      ],
    };
  }
  const shown = errors
    .slice(0, SHOWN_CHILD_ERRORS)
    .map((child) =>
      located(
        at,
        'invalid-subworkflow',
        `${what}: the sub-workflow does not validate: ${shortName(child.file)}:${child.line}:${child.col}: ${child.message}`,
        child.suggestion ?? `fix ${shortName(child.file)} (sopstate validate ${shortName(child.file)})`,
      ),
    );
  const more = errors.length - shown.length;
  if (more > 0) shown.push(located(at, 'invalid-subworkflow', `${what}: ${more} more errors in ${shortName(path)}`));
  return { diagnostics: shown };
}

/** `workflow_ref` → the child's absolute path: the id of an import, else a path beside the referring file. */
function targetOf(ref: string, importsById: Map<string, string>, base: string): string {
  return importsById.get(ref) ?? resolve(base, ref);
}

/** `workflow_inputs` names the child does not declare, and required child inputs it leaves out (with no default). */
function inputMismatches(node: WorkflowNode, child: Workflow): Diagnostic[] {
  const ref = node.subworkflow!;
  const given = Object.keys(ref.inputs);
  const declared = child.inputs.map((input) => input.name);
  const problems: Diagnostic[] = [];
  // A child that declares no inputs reads whatever it is given (as a run of it would).
  if (declared.length > 0)
    for (const name of given.filter((key) => !declared.includes(key)))
      problems.push(
        located(
          ref.position,
          'unknown-subworkflow-input',
          `node ${node.id}: workflow_inputs.${name} is not an input of sub-workflow ${child.id}`,
          didYouMean(name, declared) ?? `its inputs: ${declared.join(', ')}`,
        ),
      );
  // The decision API, the CLI's --approve and the page answer a run's own node ids; a child's are nested.
  for (const asks of child.nodes.filter((each) => each.type === 'human' || each.approvalGate))
    problems.push(
      located(
        ref.position,
        'subworkflow-decision',
        `node ${node.id}: sub-workflow ${child.id} waits for a person at ${asks.id}, which sopstate cannot ask for inside a sub-workflow yet`,
        'put the human node or approval_gate in the parent workflow, before or after this node',
      ),
    );
  for (const input of child.inputs)
    if (input.required && input.default === undefined && !given.includes(input.name))
      problems.push(
        located(
          ref.position,
          'missing-subworkflow-input',
          `node ${node.id}: sub-workflow ${child.id} requires input ${input.name}, and workflow_inputs does not give it`,
          `add workflow_inputs: { ${input.name}: ... }`,
        ),
      );
  return problems;
}

async function resolveChildren(loaded: LoadResult, chain: string[], resolution: Resolution): Promise<LoadResult> {
  const { workflow } = loaded;
  if (!workflow || (!workflow.imports && !workflow.nodes.some((node) => node.subworkflow))) return loaded;
  const base = dirname(resolve(workflow.file === '-' ? '.' : workflow.file));
  const problems: Diagnostic[] = [];
  const importsById = new Map<string, string>();
  // Sequentially: a child in progress is always an ancestor, which the cycle check refuses before waiting on it.
  for (const entry of workflow.imports ?? []) {
    const path = resolve(base, entry.uri);
    const child = await childAt(path, chain, entry.position, `imports entry ${entry.uri}`, resolution);
    if ('diagnostics' in child) problems.push(...child.diagnostics);
    else importsById.set(child.workflow.id, path);
  }
  const nodes: WorkflowNode[] = [];
  let secrets = workflow.secrets;
  for (const node of workflow.nodes) {
    const ref = node.subworkflow;
    if (!ref) {
      nodes.push(node);
      continue;
    }
    const what = `node ${node.id}: workflow_ref ${ref.ref}`;
    const child = await childAt(targetOf(ref.ref, importsById, base), chain, ref.position, what, resolution);
    if ('diagnostics' in child) {
      problems.push(...child.diagnostics);
      continue;
    }
    const mismatches = inputMismatches(node, child.workflow);
    if (mismatches.length > 0) {
      problems.push(...mismatches);
      continue;
    }
    nodes.push({ ...node, subworkflow: { ...ref, workflow: child.workflow } });
    // A child's secrets are the run's secrets: they are checked before the first node, like the parent's own.
    secrets = [...new Set([...secrets, ...child.workflow.secrets])].sort();
  }
  if (problems.length > 0) return { diagnostics: sortDiagnostics([...loaded.diagnostics, ...problems]) };
  return { workflow: { ...workflow, nodes, secrets }, diagnostics: loaded.diagnostics };
}

/** Loads the sub-workflows `loaded` refers to; a problem with any of them becomes an error of `loaded` (no workflow). */
export function resolveSubworkflows(loaded: LoadResult, loadOne: LoadOne): Promise<LoadResult> {
  const file = loaded.workflow?.file;
  const chain = file && file !== '-' ? [resolve(file)] : [];
  return resolveChildren(loaded, chain, { loadOne, loaded: new Map() });
}
