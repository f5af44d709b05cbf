// Retry and timeout in both dialects: `retry_policy` / `retry`, `timeout_sec` / `timeout: "10m"`.
import { type Raw } from './context.ts';
import type { DiagnosticSink, DocPath } from './diagnostics.ts';
import type { RetryPolicy } from './workflow.ts';
import { isRecord } from '../util/is-record.ts';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/;

/** `"30s"` → 30000; a bare number counts as seconds. Undefined when unreadable. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value * 1000;
  if (typeof value !== 'string') return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Number(value) * 1000;
  const match = DURATION.exec(value);
  return match ? Number(match[1]) * UNIT_MS[match[2]] : undefined;
}

function nonNegative(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

export function normalizeTimeout(raw: Raw, path: DocPath, sink: DiagnosticSink): number | undefined {
  if (raw.timeout_sec !== undefined) {
    const seconds = nonNegative(raw.timeout_sec);
    if (seconds === undefined)
      sink.error({
        code: 'invalid-timeout',
        path: [...path, 'timeout_sec'],
        message: 'timeout_sec must be a number of seconds ≥ 0',
      });
    else return seconds * 1000;
  }
  if (raw.timeout !== undefined) {
    const ms = parseDuration(raw.timeout);
    if (ms === undefined)
      sink.error({
        code: 'invalid-timeout',
        path: [...path, 'timeout'],
        message: `cannot read timeout ${JSON.stringify(raw.timeout)}`,
        suggestion: 'write a duration such as "30s", "10m" or "24h"',
      });
    return ms;
  }
  return undefined;
}

function fromRetryPolicy(policy: Raw, path: DocPath, sink: DiagnosticSink): RetryPolicy {
  const retries = policy.max_retries === undefined ? 0 : nonNegative(policy.max_retries);
  if (retries === undefined)
    sink.error({ code: 'invalid-retry', path: [...path, 'max_retries'], message: 'max_retries must be a number ≥ 0' });
  const strategy = policy.strategy ?? 'fixed';
  if (strategy !== 'fixed' && strategy !== 'exponential_backoff') {
    sink.error({
      code: 'invalid-retry',
      path: [...path, 'strategy'],
      message: `unknown retry strategy ${JSON.stringify(strategy)}`,
      suggestion: 'use fixed or exponential_backoff',
    });
  }
  const initialMs = (nonNegative(policy.backoff_sec) ?? 1) * 1000;
  const exponential = strategy === 'exponential_backoff';
  return {
    maxAttempts: Math.floor(retries ?? 0) + 1,
    backoff: {
      type: exponential ? 'exponential' : 'fixed',
      initialMs,
      maxMs: exponential ? Math.max(initialMs, 60_000) : initialMs,
      multiplier: exponential ? 2 : 1,
    },
  };
}

function fromRetry(retry: Raw, path: DocPath, sink: DiagnosticSink): RetryPolicy {
  const attempts = retry.max_attempts === undefined ? 1 : nonNegative(retry.max_attempts);
  if (attempts === undefined || attempts < 1)
    sink.error({
      code: 'invalid-retry',
      path: [...path, 'max_attempts'],
      message: 'max_attempts must be a number ≥ 1 (it counts the first attempt)',
    });
  const backoff = isRecord(retry.backoff) ? retry.backoff : {};
  const type = backoff.type ?? 'exponential';
  if (type !== 'fixed' && type !== 'exponential' && type !== 'exponential_backoff') {
    sink.error({
      code: 'invalid-retry',
      path: [...path, 'backoff', 'type'],
      message: `unknown backoff type ${JSON.stringify(type)}`,
      suggestion: 'use fixed or exponential',
    });
  }
  const exponential = type !== 'fixed';
  const initialMs = parseDuration(backoff.initial_delay ?? 1) ?? 1000;
  const maxMs = parseDuration(backoff.max_delay ?? (exponential ? 60 : (backoff.initial_delay ?? 1))) ?? 60_000;
  const multiplier = nonNegative(backoff.multiplier) ?? (exponential ? 2 : 1);
  const retryable = Array.isArray(retry.retryable_errors) ? retry.retryable_errors.map(String) : undefined;
  return {
    maxAttempts: Math.max(1, Math.floor(attempts ?? 1)),
    backoff: { type: exponential ? 'exponential' : 'fixed', initialMs, maxMs: Math.max(maxMs, initialMs), multiplier },
    ...(retryable ? { retryableErrors: retryable } : {}),
  };
}

/** `outcome_unknown_after: "2h"` (or seconds) in either retry form. */
function uncertainWindow(policy: Raw, path: DocPath, sink: DiagnosticSink): Pick<RetryPolicy, 'uncertainWindowMs'> {
  if (policy.outcome_unknown_after === undefined) return {};
  const ms = parseDuration(policy.outcome_unknown_after);
  if (ms !== undefined && ms > 0) return { uncertainWindowMs: ms };
  sink.error({
    code: 'invalid-retry',
    path: [...path, 'outcome_unknown_after'],
    message: `cannot read outcome_unknown_after ${JSON.stringify(policy.outcome_unknown_after)}`,
    suggestion: 'write a duration such as "30m" or "24h"',
  });
  return {};
}

export function normalizeRetry(raw: Raw, path: DocPath, sink: DiagnosticSink): RetryPolicy | undefined {
  for (const key of ['retry_policy', 'retry'] as const) {
    if (raw[key] !== undefined && !isRecord(raw[key])) {
      sink.error({ code: 'invalid-retry', path: [...path, key], message: `${key} must be a mapping` });
      return undefined;
    }
  }
  if (isRecord(raw.retry_policy) && isRecord(raw.retry)) {
    sink.warning({
      code: 'retry-both-forms',
      path: [...path, 'retry'],
      message: 'both retry_policy and retry are set; retry is used',
      suggestion: 'keep one of the two',
    });
  }
  if (isRecord(raw.retry)) {
    const at = [...path, 'retry'];
    return { ...fromRetry(raw.retry, at, sink), ...uncertainWindow(raw.retry, at, sink) };
  }
  if (isRecord(raw.retry_policy)) {
    const at = [...path, 'retry_policy'];
    return { ...fromRetryPolicy(raw.retry_policy, at, sink), ...uncertainWindow(raw.retry_policy, at, sink) };
  }
  return undefined;
}
