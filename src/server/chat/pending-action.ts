// Carries out an action a person confirmed: start the run, or send the human step's decision.
import type { EmitChatEvent, PendingAction } from './chat-event.ts';
import type { RunApi } from './run-api.ts';

export interface ActionOutcome {
  text: string;
  runId?: string;
}

export const performAction = async (
  api: RunApi,
  action: PendingAction,
  emit: EmitChatEvent,
): Promise<ActionOutcome> => {
  if (action.kind === 'start_run') {
    const { runId } = await api.startRun(action.workflow, action.inputs);
    emit({ type: 'run.started', runId, workflow: action.workflow });
    return { text: `Confirmed. Started run ${runId}: ${action.summary.text}.`, runId };
  }
  await api.signal(action.runId, action.node, action.decision, 'confirmed in chat');
  return {
    text: `Confirmed. Sent "${action.decision}" to step ${action.node} of run ${action.runId}.`,
    runId: action.runId,
  };
};
