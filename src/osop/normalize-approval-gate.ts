// `approval_gate` on any node: `true`, or `{required: true, approvers, approver_role, prompt, timeout…, on_timeout}`.
import { type NormalizeContext, type Raw } from './context.ts';
import type { DocPath } from './diagnostics.ts';
import { normalizeTimeout } from './normalize-policy.ts';
import { riskReason } from './normalize-security.ts';
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

/**
 * The node's gate: the one it writes, or one its security asks for (risk_level high or critical, a permission the
 * workflow's `approval_required_for` lists) unless the node writes `approval_gate: false` or `{required: false}`.
 * Undefined when the node has no gate, or a gate that is not required (the schema's default for `required`).
 */
export function normalizeApprovalGate(raw: Raw, path: DocPath, context: NormalizeContext): ApprovalGate | undefined {
  const security = isRecord(raw.security) ? raw.security : {};
  // Published files also write the gate inside `security` (security.approval_gate: {required: true, ...}).
  const nested = raw.approval_gate === undefined && security.approval_gate !== undefined;
  const gate = nested ? security.approval_gate : raw.approval_gate;
  const at = nested ? [...path, 'security', 'approval_gate'] : [...path, 'approval_gate'];
  const risk = riskReason(raw, path, context);
  const because = risk ? { reason: risk.reason, ...(risk.riskLevel ? { riskLevel: risk.riskLevel } : {}) } : {};
  const optedOut = gate === false || (isRecord(gate) && gate.required === false && gate.mandatory !== true);
  if (gate === undefined) return risk ? { onTimeout: 'reject', ...because } : undefined;
  if (optedOut) return undefined;
  if (gate === true) return { onTimeout: 'reject', ...because };
  if (!isRecord(gate)) {
    context.sink.error({
      code: 'invalid-approval-gate',
      path: at,
      message: 'approval_gate must be true, false or a mapping such as {required: true, timeout_hours: 24}',
    });
    return undefined;
  }
  // A mapping without `required` gates only a node whose security asks for approval (it then sets that gate).
  if (gate.required !== true && gate.mandatory !== true && !risk) return undefined;
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
    ...because,
  };
}
