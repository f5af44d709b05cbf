// The workflows a chat can offer the model, with their declared inputs, read once per turn.
import type { RunApi } from './run-api.ts';
import type { WorkflowCandidate } from './workflow-choice.ts';
import { workflowInputs, workflowOf, type WorkflowInputView } from './workflow-view.ts';

export interface ChatWorkflow extends WorkflowCandidate {
  description?: string;
  inputSpecs: WorkflowInputView[];
}

export interface CatalogSource {
  api: RunApi;
  inspectWorkflow(id: string): Promise<Record<string, unknown> | undefined>;
}

export const loadChatWorkflows = async ({ api, inspectWorkflow }: CatalogSource): Promise<ChatWorkflow[]> => {
  const summaries = await api.listWorkflows();
  const loaded = await Promise.all(
    summaries.map(async ({ id }): Promise<ChatWorkflow | undefined> => {
      const workflow = workflowOf(await inspectWorkflow(id));
      if (!workflow) return undefined;
      const inputSpecs = workflowInputs(workflow);
      return {
        id,
        name: typeof workflow.name === 'string' ? workflow.name : id,
        description: typeof workflow.description === 'string' ? workflow.description : undefined,
        inputs: inputSpecs.map((input) => input.name),
        inputSpecs,
      };
    }),
  );
  return loaded.filter((workflow): workflow is ChatWorkflow => workflow !== undefined);
};

/** One line per workflow for the system prompt. */
export const describeCatalog = (workflows: ChatWorkflow[]): string =>
  workflows
    .map((workflow) => {
      const inputs = workflow.inputSpecs.map(
        (input) =>
          `${input.name}${input.type ? `: ${input.type}` : ''}${input.required && !input.hasDefault ? ' (required)' : ''}`,
      );
      return `- ${workflow.id} — ${workflow.name}${workflow.description ? `: ${workflow.description}` : ''}${inputs.length ? ` [inputs: ${inputs.join(', ')}]` : ''}`;
    })
    .join('\n');
