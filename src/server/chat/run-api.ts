// The chat's view of the server: the documented REST + SSE API (issue 5), called through any fetch.
import type { RunEvent } from '../../events/run-event.ts';
import { isFinalEvent } from '../../events/run-event.ts';
import { readSseJson } from './sse-client.ts';

export type FetchLike = (path: string, init?: RequestInit) => Promise<Response>;

class RunApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'RunApiError';
  }
}

export interface RunApi {
  listWorkflows(): Promise<unknown[]>;
  /** undefined when the server does not know the workflow. */
  getWorkflow(id: string): Promise<Record<string, unknown> | undefined>;
  startRun(workflow: string, inputs: Record<string, unknown>): Promise<{ runId: string }>;
  getRun(runId: string): Promise<Record<string, unknown> | undefined>;
  signal(runId: string, node: string, decision: 'approved' | 'rejected', comment?: string): Promise<unknown>;
  /** The run's events from `after` + 1 on, live, until its final event (or the abort signal). */
  events(runId: string, options?: { after?: number; signal?: AbortSignal }): AsyncGenerator<RunEvent>;
}

export interface RunApiOptions {
  fetch: FetchLike;
  /** Sent with every call, e.g. the caller's Authorization or Cookie header. */
  headers?: Record<string, string>;
}

const errorMessage = (body: unknown, status: number): string => {
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>;
    if (typeof record.error === 'string') return record.error;
    if (
      record.error &&
      typeof record.error === 'object' &&
      typeof (record.error as Record<string, unknown>).message === 'string'
    ) {
      return (record.error as { message: string }).message;
    }
    if (typeof record.message === 'string') return record.message;
  }
  return `server answered HTTP ${status}`;
};

export const createRunApi = ({ fetch, headers = {} }: RunApiOptions): RunApi => {
  const call = async (path: string, init: RequestInit = {}): Promise<unknown> => {
    const response = await fetch(path, {
      ...init,
      // A POST says JSON even without a body: the server refuses any other state change (cross-site forms).
      headers: {
        accept: 'application/json',
        ...(init.body || init.method === 'POST' ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // keep the text
    }
    if (!response.ok) throw new RunApiError(response.status, errorMessage(body, response.status), body);
    return body;
  };
  const orUndefined = async <T>(promise: Promise<T>): Promise<T | undefined> => {
    try {
      return await promise;
    } catch (error) {
      if (error instanceof RunApiError && error.status === 404) return undefined;
      throw error;
    }
  };
  const path = (...parts: string[]): string => parts.map(encodeURIComponent).join('/');

  return {
    async listWorkflows() {
      const body = await call('/api/workflows');
      if (Array.isArray(body)) return body;
      const items = body as { workflows?: unknown; items?: unknown } | undefined;
      return (
        Array.isArray(items?.workflows) ? items.workflows : Array.isArray(items?.items) ? items.items : []
      ) as unknown[];
    },
    getWorkflow: (id) => orUndefined(call(`/api/workflows/${path(id)}`) as Promise<Record<string, unknown>>),
    startRun: async (workflow, inputs) =>
      (await call('/api/runs', { method: 'POST', body: JSON.stringify({ workflow, inputs }) })) as { runId: string },
    getRun: (runId) => orUndefined(call(`/api/runs/${path(runId)}`) as Promise<Record<string, unknown>>),
    signal: (runId, node, decision, comment) =>
      call(`/api/runs/${path(runId)}/signal`, { method: 'POST', body: JSON.stringify({ node, decision, comment }) }),
    async *events(runId, { after = 0, signal } = {}) {
      const response = await fetch(`/api/runs/${path(runId)}/events?after=${after}`, {
        headers: { accept: 'text/event-stream', ...headers },
        signal,
      });
      if (!response.ok)
        throw new RunApiError(response.status, `cannot follow run ${runId}: HTTP ${response.status}`, undefined);
      for await (const { data } of readSseJson<RunEvent>(response, signal)) {
        if (typeof data?.seq !== 'number') continue;
        yield data;
        if (isFinalEvent(data)) return;
      }
    },
  };
};
