// `security` on a node and on the workflow: which risk levels and permissions make a node wait for approval.
import { type NormalizeContext, type Raw } from './context.ts';
import type { DocPath } from './diagnostics.ts';
import { didYouMean } from './suggest.ts';
import { isRecord } from '../util/is-record.ts';

const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;
/** Levels that always need approval; `security.approval_required_for` can add levels and permissions, not remove these. */
const GATED_LEVELS = ['high', 'critical'];

/** What the workflow's `security` says for every node. */
export interface WorkflowSecurity {
  /** `security.risk_level` on the workflow: the level of nodes that set none. */
  riskLevel?: string;
  /** `security.approval_required_for`: risk levels and permissions that need approval besides high and critical. */
  approvalRequiredFor: string[];
}

/** Why a node needs approval because of its security, or undefined when it does not. */
export interface RiskReason {
  riskLevel?: string;
  reason: string;
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : [];

function riskLevelOf(security: Raw, path: DocPath, context: NormalizeContext): string | undefined {
  const level = security.risk_level;
  if (level === undefined) return undefined;
  const known = typeof level === 'string' ? level.toLowerCase() : undefined;
  if (known && RISK_LEVELS.some((value) => value === known)) return known;
  context.sink.warning({
    code: 'unknown-risk-level',
    path: [...path, 'risk_level'],
    message: `risk_level ${JSON.stringify(level)} is not one of ${RISK_LEVELS.join(', ')}: it asks for no approval`,
    suggestion: typeof level === 'string' ? didYouMean(level, [...RISK_LEVELS]) : 'write e.g. risk_level: high',
  });
  return undefined;
}

export function normalizeWorkflowSecurity(data: Raw, context: NormalizeContext): WorkflowSecurity {
  const security = data.security;
  if (!isRecord(security)) return { approvalRequiredFor: [] };
  const riskLevel = riskLevelOf(security, ['security'], context);
  return {
    ...(riskLevel ? { riskLevel } : {}),
    approvalRequiredFor: strings(security.approval_required_for).map((entry) => entry.toLowerCase()),
  };
}

/** The node's risk level (its own, else the workflow's) and whether it, or one of its permissions, needs approval. */
export function riskReason(raw: Raw, path: DocPath, context: NormalizeContext): RiskReason | undefined {
  const workflow = context.security ?? { approvalRequiredFor: [] };
  const security = isRecord(raw.security) ? raw.security : {};
  const riskLevel = riskLevelOf(security, [...path, 'security'], context) ?? workflow.riskLevel;
  const gated = [...GATED_LEVELS, ...workflow.approvalRequiredFor];
  if (riskLevel && gated.includes(riskLevel)) return { riskLevel, reason: `risk_level ${riskLevel}` };
  const permission = strings(security.permissions).find((entry) =>
    workflow.approvalRequiredFor.includes(entry.toLowerCase()),
  );
  if (permission)
    return {
      ...(riskLevel ? { riskLevel } : {}),
      reason: `permission ${permission}, listed in security.approval_required_for`,
    };
  return undefined;
}
