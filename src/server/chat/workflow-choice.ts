// Which workflow a start_run means when the model named none it knows: the one unique fit, or a clear error.

export interface WorkflowCandidate {
  id: string;
  name: string;
  /** Declared input names. */
  inputs: string[];
}

export type WorkflowChoice = { id: string; note?: string } | { error: string };

const contains = (haystack: string, needle: string): boolean => haystack.toLowerCase().includes(needle.toLowerCase());

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
  const available = candidates.map((candidate) => candidate.id).join(', ') || 'none';
  if (fitting.length === 1) {
    const why =
      inputNames.length > 0
        ? `it is the only one that takes ${inputNames.join(', ')}`
        : `it is the only one matching "${requested}"`;
    return { id: fitting[0].id, note: `No workflow was named exactly; chose ${fitting[0].id} because ${why}.` };
  }
  if (fitting.length > 1) {
    return {
      error: `"${requested || '(no workflow)'}" could mean ${fitting.map((candidate) => candidate.id).join(', ')}: ask the person which one.`,
    };
  }
  return {
    error: `Unknown workflow "${requested}"${inputNames.length > 0 ? ` taking ${inputNames.join(', ')}` : ''}. Available: ${available}.`,
  };
};
