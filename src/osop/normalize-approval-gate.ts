// `approval_gate` on any node: `true`, or `{required: true, approvers, approver_role, prompt, timeout…, on_timeout}`.
import { type NormalizeContext, type Raw } from './context.ts';
import type { DocPath } from './diagnostics.ts';
import { normalizeTimeout } from './normalize-policy.ts';
import type { ApprovalGate } from './workflow.ts';
import { isRecord } from '../util/is-record.ts';

const ON_TIMEOUT = ['reject', 'approve'] as const;

const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.every((entry) => typeof entry === 'string') ? value : undefined;

/** The gate's timeout in any of the spellings published files use; the schema's is `timeout_hours`. */
function gateTimeout(gate: Raw, path: DocPath, context: NormalizeContext): number | undefined {
  for (const [key, unitMs] of [
    ['timeout_hours', 3_600_000],
    ['timeout_minutes', 60_000],
  ] as const) {
    const value = gate[key];
    if (value === undefined) continue;
    if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value * unitMs;
    context.sink.error({ code: 'invalid-timeout', path: [...path, key], message: `${key} must be a number > 0` });
    return undefined;
  }
  return normalizeTimeout(gate, path, context.sink);
}

/** Undefined when the node has no gate, or a gate that is not required (the schema's default for `required`). */
export function normalizeApprovalGate(raw: Raw, path: DocPath, context: NormalizeContext): ApprovalGate | undefined {
  const gate = raw.approval_gate;
  const at = [...path, 'approval_gate'];
  if (gate === undefined || gate === false) return undefined;
  if (gate === true) return { onTimeout: 'reject' };
  if (!isRecord(gate)) {
    context.sink.error({
      code: 'invalid-approval-gate',
      path: at,
      message: 'approval_gate must be true, false or a mapping such as {required: true, timeout_hours: 24}',
    });
    return undefined;
  }
  if (gate.required !== true && gate.mandatory !== true) return undefined;
  const onTimeout = gate.on_timeout ?? 'reject';
  if (!ON_TIMEOUT.some((value) => value === onTimeout)) {
    context.sink.error({
      code: 'invalid-approval-gate',
      path: [...at, 'on_timeout'],
      message: `unknown on_timeout ${JSON.stringify(onTimeout)}`,
      suggestion: 'use reject (the default) or approve',
    });
  }
  const timeoutMs = gateTimeout(gate, at, context);
  const approvers = strings(gate.approvers);
  return {
    onTimeout: onTimeout === 'approve' ? 'approve' : 'reject',
    ...(typeof gate.prompt === 'string' ? { prompt: gate.prompt } : {}),
    ...(approvers ? { approvers } : {}),
    ...(typeof gate.approver_role === 'string' ? { approverRole: gate.approver_role } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  };
}
