// Which workflow a start_run means when the model named none it knows: the one unique fit, or a clear error.
// The note and the error are worded for the person: a model may pass them on as they are.
import { listed } from './spoken-list.ts';

export interface WorkflowCandidate {
  id: string;
  name: string;
  /** Declared input names. */
  inputs: string[];
}

export type WorkflowChoice = { id: string; note?: string } | { error: string };

const contains = (haystack: string, needle: string): boolean => haystack.toLowerCase().includes(needle.toLowerCase());

const titled = (candidate: WorkflowCandidate): string =>
  candidate.name && candidate.name !== candidate.id ? `${candidate.name} (${candidate.id})` : candidate.id;

/**
 * An exact id wins. Otherwise the workflows whose id or name contain the requested word (all, when
 * none was given) that also declare every input the model filled; exactly one must remain. The
 * person still confirms the choice before anything starts.
 */
export const chooseWorkflow = (
  requested: string,
  inputNames: string[],
  candidates: WorkflowCandidate[],
): WorkflowChoice => {
  const exact = candidates.find((candidate) => candidate.id === requested);
  if (exact) return { id: exact.id };
  const named = requested
    ? candidates.filter((candidate) => contains(candidate.id, requested) || contains(candidate.name, requested))
    : candidates;
  const fitting = named.filter((candidate) => inputNames.every((name) => candidate.inputs.includes(name)));
  const available = candidates.map((candidate) => candidate.id).join(', ');
  if (fitting.length === 1) {
    const why =
      inputNames.length > 0
        ? `it is the only workflow here that takes ${listed(inputNames)}`
        : `it is the only workflow here whose name matches "${requested}"`;
    return { id: fitting[0].id, note: `I picked ${titled(fitting[0])}: ${why}.` };
  }
  if (fitting.length > 1) {
    const asked = requested ? `"${requested}" could be` : 'That could be';
    return { error: `${asked} ${listed(fitting.map(titled))}. Which one do you mean?` };
  }
  const what = requested ? `no workflow called "${requested}"` : 'no workflow';
  return {
    error: `There is ${what}${inputNames.length > 0 ? ` that takes ${listed(inputNames)}` : ''} here. ${available ? `The workflows I can run are: ${available}.` : 'No workflows are set up here yet.'}`,
  };
};
