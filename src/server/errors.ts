// One JSON error shape for every route: {error: {code, message}, diagnostics?}.
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Diagnostic } from '../osop/workflow.ts';

export const apiError = (
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  diagnostics?: Diagnostic[],
): Response => c.json({ error: { code, message }, ...(diagnostics ? { diagnostics } : {}) }, status);

/** Reads a JSON object body; undefined when the body is not a JSON object. */
export const readJsonObject = async (c: Context): Promise<Record<string, unknown> | undefined> => {
  try {
    const body: unknown = await c.req.json();
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};
