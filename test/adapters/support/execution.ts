// Builds the NodeExecution an executor receives, as the runner would (tests only).
import { compileExtractor } from '../../../src/osop/outputs.ts';
import type { NodeExecution } from '../../../src/adapters/executor.ts';
import type { RunEventBody } from '../../../src/events/run-event.ts';
import type { OutputSpec, WorkflowNode } from '../../../src/osop/workflow.ts';

export interface ExecutionSetup {
  id?: string;
  type?: string;
  runtime: Record<string, unknown>;
  /** `{name: mapping}` as in the seed's `outputs: [{customer_id: data.id}]`; `null` = declaration only. */
  outputs?: Record<string, string | null>;
  visit?: number;
  attempt?: number;
  context?: NodeExecution['context'];
  signal?: AbortSignal;
}

const position = { file: 'test.osop.yaml', line: 1, col: 1 };

const outputSpecs = (outputs: Record<string, string | null> = {}): OutputSpec[] =>
  Object.entries(outputs).map(([name, source]) => {
    if (source === null) return { name };
    const { extract, error } = compileExtractor(source, position, []);
    if (!extract) throw new Error(`test setup: ${error?.message}`);
    return { name, extract };
  });

export const makeExecution = (setup: ExecutionSetup): NodeExecution & { events: RunEventBody[] } => {
  const id = setup.id ?? 'call';
  const visit = setup.visit ?? 1;
  const node: WorkflowNode = {
    id,
    type: setup.type ?? 'api',
    name: id,
    runtime: {},
    outputs: outputSpecs(setup.outputs),
    maxIterations: 3,
    position,
  };
  const events: RunEventBody[] = [];
  return {
    node,
    runtime: setup.runtime,
    runId: 'run_test',
    visit,
    attempt: setup.attempt ?? 1,
    idempotencyKey: `run_test:${id}:${visit}`,
    context: setup.context ?? { inputs: {}, outputs: {} },
    signal: setup.signal ?? new AbortController().signal,
    emit: (event) => events.push(event),
    events,
  };
};
