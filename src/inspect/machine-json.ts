// The compiled machine as JSON XState's createMachine accepts again: guards, actions and actors referenced by name.
import type { AnyStateMachine } from 'xstate';
import { machineOfConfig, type WorkflowMachine, type WorkflowMachineConfig } from '../machine/compile.ts';
import { actorInput, initialContext, type RunContext, type RunInput } from '../machine/context.ts';
import type { Workflow } from '../osop/workflow.ts';
import type { JsonValue } from './json-safe.ts';

/** What export reads of any XState machine (a compiled workflow's included). */
export type MachineLike = Pick<AnyStateMachine, 'config' | 'root'>;

/** A machine config with no functions in it: `createMachine(json)` builds it; `machineFromJson` makes it runnable. */
export type MachineJson = { [key: string]: JsonValue };

export class MachineExportError extends Error {
  constructor(path: string) {
    super(
      `the machine has an inline function at ${path}: only named guards, actions and actors can be exported; give it a name in setup()`,
    );
    this.name = 'MachineExportError';
  }
}

// The two functions every compiled machine has; machineFromJson puts them back.
const isRebuilt = (path: string[]): boolean =>
  (path.length === 1 && path[0] === 'context') || (path.at(-1) === 'input' && path.includes('invoke'));

function plain(value: unknown, path: string[]): JsonValue | undefined {
  if (typeof value === 'function') {
    if (isRebuilt(path)) return undefined;
    throw new MachineExportError(path.join('.'));
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return value;
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.map((item, index) => plain(item, [...path, String(index)]) ?? null);
  const result: { [key: string]: JsonValue } = {};
  for (const [key, entry] of Object.entries(value as object)) {
    const converted = plain(entry, [...path, key]);
    if (converted !== undefined) result[key] = converted;
  }
  return result;
}

/** The machine's own config (states, transitions with guard names, invokes), minus the context factory and the invoke input mappers. */
export function machineToJson(machine: MachineLike): MachineJson {
  return plain(machine.config, []) as MachineJson;
}

type Config = { [key: string]: unknown };

function withInputs(state: Config): Config {
  const invokes = state.invoke === undefined ? undefined : ([state.invoke].flat() as Config[]);
  const invoke = invokes?.map((entry) =>
    typeof entry.id === 'string'
      ? { ...entry, input: ({ context }: { context: RunContext }) => actorInput(context, entry.id as string) }
      : entry,
  );
  const states = state.states as Record<string, Config> | undefined;
  return {
    ...state,
    ...(invoke ? { invoke: Array.isArray(state.invoke) ? invoke : invoke[0] } : {}),
    ...(states
      ? { states: Object.fromEntries(Object.entries(states).map(([key, child]) => [key, withInputs(child)])) }
      : {}),
  };
}

/**
 * Re-creates a runnable machine from `machineToJson` output: `setup({guards, actions, actors})` with the
 * implementations `compileWorkflow(workflow)` uses, the run context factory, and each invoke's input
 * (`actorInput(context, <invoke id>)`).
 */
export function machineFromJson(json: MachineJson, workflow: Workflow): WorkflowMachine {
  const config = withInputs({ ...json, context: ({ input }: { input: RunInput }) => initialContext(workflow, input) });
  // A config read back from JSON: its guard and action names are strings only XState resolves (setup's
  // implementations), so no type check can tell it is a WorkflowMachineConfig; machineToJson made it from one.
  return machineOfConfig(workflow, config as WorkflowMachineConfig);
}
