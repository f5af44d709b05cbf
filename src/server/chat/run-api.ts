// The chat's view of the server: the documented REST + SSE API through the typed client (api-client.ts), so every
// answer is typed by the routes themselves; called through any fetch (in the server: the app's own `request`).
import type { RunEvent } from '../../events/run-event.ts';
import { isFinalEvent } from '../../events/run-event.ts';
import { ApiClientError, bodyOf, createApiClient, unlessNotFound } from '../api-client.ts';
import type { RunView, SignalAccepted, WorkflowDetail, WorkflowList, WorkflowSummary } from '../contract/responses.ts';
import { readSseJson } from './sse-client.ts';

export type FetchLike = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

export interface RunApi {
  listWorkflows(): Promise<WorkflowSummary[]>;
  /** undefined when the server does not know the workflow. */
  getWorkflow(id: string): Promise<WorkflowDetail | undefined>;
  startRun(workflow: string, inputs: Record<string, unknown>): Promise<{ runId: string }>;
  /** undefined when the server does not know the run. */
  getRun(runId: string): Promise<RunView | undefined>;
  signal(runId: string, node: string, decision: 'approved' | 'rejected', comment?: string): Promise<SignalAccepted>;
  /** The run's events from `after` + 1 on, live, until its final event (or the abort signal). */
  events(runId: string, options?: { after?: number; signal?: AbortSignal }): AsyncGenerator<RunEvent>;
}

export interface RunApiOptions {
  fetch: FetchLike;
  /** Sent with every call, e.g. the caller's Authorization or Cookie header. */
  headers?: Record<string, string>;
  /** Where the API is (`fetch` gets full URLs); any origin will do for a fetch that is the app itself. */
  baseUrl?: string;
}

export const createRunApi = ({ fetch, headers = {}, baseUrl = 'http://localhost' }: RunApiOptions): RunApi => {
  // Every POST here sends a JSON body, which hc labels application/json (the server refuses other state changes).
  const client = createApiClient(baseUrl, { fetch, headers: { accept: 'application/json', ...headers } });
  const runs = client.api.runs;
  return {
    // Every page: a chat offers the whole catalog (the list is paged so that no one answer is large).
    listWorkflows: async () => {
      const workflows: WorkflowSummary[] = [];
      for (let offset: number | undefined = 0; offset !== undefined;) {
        const page: WorkflowList = await bodyOf(await client.api.workflows.$get({ query: { offset: String(offset) } }));
        workflows.push(...page.workflows);
        offset = page.nextOffset;
      }
      return workflows;
    },
    getWorkflow: async (id) => unlessNotFound(await client.api.workflows[':id'].$get({ param: { id } })),
    startRun: async (workflow, inputs) => bodyOf(await runs.$post({ json: { workflow, inputs } })),
    getRun: async (runId) => unlessNotFound(await runs[':id'].$get({ param: { id: runId } })),
    signal: async (runId, node, decision, comment) =>
      bodyOf(await runs[':id'].signal.$post({ param: { id: runId }, json: { node, decision, comment } })),
    async *events(runId, { after = 0, signal } = {}) {
      const response = await runs[':id'].events.$get(
        { param: { id: runId } },
        { headers: { accept: 'text/event-stream', 'last-event-id': String(after) }, init: { signal } },
      );
      if (!response.ok) {
        throw new ApiClientError(response.status, `cannot follow run ${runId}: HTTP ${response.status}`);
      }
      for await (const { data } of readSseJson<RunEvent>(response, signal)) {
        if (typeof data?.seq !== 'number') continue;
        yield data;
        if (isFinalEvent(data)) return;
      }
    },
  };
};
