// One provided machine per workflow, shared by its runs; each run registers its dependencies under its actor system.
import type { AnyActorRef } from 'xstate';
import type { Workflow } from '../osop/workflow.ts';
import { compileWorkflow, type WorkflowMachine } from './compile.ts';
import { createNodeActors, type NodeActorDeps } from './node-actor.ts';

// Keyed by the run's actor system, not its run id: two runs may share an id (a resume next to a stale run),
// never a system; and a run that never finishes cannot leak its deps.
const runs = new WeakMap<AnyActorRef['system'], NodeActorDeps>();
const machines = new WeakMap<Workflow, WorkflowMachine>();

/** The workflow's machine with the runner's node actors, compiled on first use. */
export function runnableMachine(workflow: Workflow): WorkflowMachine {
  let machine = machines.get(workflow);
  if (!machine) {
    machine = compileWorkflow(workflow).provide({ actors: createNodeActors(workflow, (system) => runs.get(system)) });
    machines.set(workflow, machine);
  }
  return machine;
}

/** Makes `deps` what the node actors of `actor`'s run use; call before `actor.start()`. Returns the unregister call. */
export function registerRun(actor: AnyActorRef, deps: NodeActorDeps): () => void {
  runs.set(actor.system, deps);
  return () => runs.delete(actor.system);
}
