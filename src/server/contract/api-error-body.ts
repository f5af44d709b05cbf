// The one shape of every error answer: {error: {code, message}, diagnostics?}.
import type { Diagnostic } from '../../osop/workflow.ts';
import { isRecord } from '../../util/is-record.ts';

export interface ApiErrorBody {
  /** `code` is stable (`unknown-run`, `bad-request`...); `message` says what is wrong and what to send instead. */
  error: { code: string; message: string };
  /** Why a workflow or a run's inputs were refused, each with its path (`inputs.amount`). */
  diagnostics?: Diagnostic[];
}

/** The `error` of an error answer, or undefined when the answer is not one of ours (a proxy's page, no body). */
export const readApiError = (body: unknown): ApiErrorBody['error'] | undefined => {
  if (!isRecord(body) || !isRecord(body.error)) return undefined;
  const { code, message } = body.error;
  return typeof code === 'string' && typeof message === 'string' ? { code, message } : undefined;
};
