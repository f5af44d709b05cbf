// `approval_gate` on a non-human node: before the node runs, it waits on the HumanGate exactly as a `human` node does.
import type { RunEventBody } from '../events/run-event.ts';
import type { WorkflowNode } from '../osop/workflow.ts';
import { NodeError } from './executor.ts';
import type { HumanGate } from './human.ts';
import { setLongTimeout, type LongTimer } from './long-timer.ts';
import { formatDuration } from './timeout.ts';

export interface ApprovalWait {
  gate: HumanGate;
  runId: string;
  node: WorkflowNode;
  /** The node's resolved runtime: shown to the approver, headers left out (they carry credentials). */
  runtime: Record<string, unknown>;
  signal: AbortSignal;
  emit(body: RunEventBody): void;
  /** When the gate started waiting (epoch ms), kept across a restart so its timeout does not start over. */
  since: number;
  now(): number;
}

function detailsOf({ node, runtime }: ApprovalWait): Record<string, unknown> {
  const gate = node.approvalGate!;
  const request = Object.fromEntries(Object.entries(runtime).filter(([key]) => key !== 'headers'));
  return {
    ...request,
    approval_gate: {
      node_type: node.type,
      ...(gate.reason ? { reason: `its security asks for approval: ${gate.reason}` } : {}),
      ...(gate.riskLevel ? { risk_level: gate.riskLevel } : {}),
      ...(gate.approvers ? { approvers: gate.approvers } : {}),
      ...(gate.approverRole ? { approver_role: gate.approverRole } : {}),
      ...(gate.timeoutMs ? { timeout: formatDuration(gate.timeoutMs), on_timeout: gate.onTimeout } : {}),
    },
  };
}

/** Resolves once the node may run; throws a NodeError when it was rejected or the gate timed out with `reject`. */
export async function awaitApproval(wait: ApprovalWait): Promise<void> {
  const { node, signal } = wait;
  const gate = node.approvalGate;
  if (!gate) return;
  const because = gate.reason ? ` (${gate.reason})` : '';
  const prompt = gate.prompt ?? node.description ?? `Approve ${node.name} before it runs${because}`;
  wait.emit({ type: 'human.waiting', node: node.id, prompt, details: detailsOf(wait) });
  const controller = new AbortController();
  const abortFromOuter = () => controller.abort(signal.reason);
  signal.addEventListener('abort', abortFromOuter, { once: true });
  let timer: LongTimer | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    if (gate.timeoutMs) timer = setLongTimeout(() => resolve('expired'), wait.since + gate.timeoutMs - wait.now());
  });
  try {
    const outcome = await Promise.race([wait.gate.wait(wait.runId, node.id, controller.signal), expired]);
    if (outcome === 'expired') {
      controller.abort(new Error('approval gate timed out'));
      if (gate.onTimeout === 'approve') return;
      throw new NodeError(`${node.id} was not approved within ${formatDuration(gate.timeoutMs ?? 0)}`, {
        code: 'approval_timeout',
        kind: 'timeout',
      });
    }
    if (outcome.decision === 'rejected')
      throw new NodeError(
        `${node.id} was rejected at its approval gate${outcome.comment ? `: ${outcome.comment}` : ''}`,
        { code: 'approval_rejected' },
      );
  } finally {
    timer?.clear();
    signal.removeEventListener('abort', abortFromOuter);
  }
}
