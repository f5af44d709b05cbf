// @ts-check
// Talks to the sopstate server: JSON calls, run event streams (EventSource) and the chat stream (fetch + SSE).
// Each call's types are the route's own (src/server/contract/), so a route that answers differently fails
// `npm run typecheck` here and wherever the page reads the answer.
import { EventSourceParserStream } from '/vendor/eventsource-parser/stream.js';
import { RUN_EVENT_TYPES } from './run-event-types.js';

/** @typedef {import('../../contract/api-error-body.ts').ApiErrorBody} ApiErrorBody */
/** @typedef {import('../../contract/responses.ts').WorkflowList} WorkflowList */
/** @typedef {import('../../contract/responses.ts').WorkflowSummary} WorkflowSummary */
/** @typedef {import('../../contract/responses.ts').WorkflowDetail} WorkflowDetail */
/** @typedef {import('../../contract/responses.ts').MachineChart} MachineChart */
/** @typedef {import('../../contract/responses.ts').RunListQuery} RunListQuery */
/** @typedef {import('../../contract/responses.ts').RunList} RunList */
/** @typedef {import('../../contract/responses.ts').RunListItem} RunListItem */
/** @typedef {import('../../contract/responses.ts').RunView} RunView */
/** @typedef {import('../../contract/responses.ts').StartRunRequest} StartRunRequest */
/** @typedef {import('../../contract/responses.ts').RunStarted} RunStarted */
/** @typedef {import('../../contract/responses.ts').RetryRequest} RetryRequest */
/** @typedef {import('../../contract/responses.ts').RetryStarted} RetryStarted */
/** @typedef {import('../../contract/responses.ts').SignalRequest} SignalRequest */
/** @typedef {import('../../contract/responses.ts').SignalAccepted} SignalAccepted */
/** @typedef {import('../../contract/responses.ts').CancelAccepted} CancelAccepted */
/** @typedef {import('../../contract/requests.ts').ChatMessageRequest} ChatMessageRequest */
/** @typedef {import('../../contract/requests.ts').ChatConfirmRequest} ChatConfirmRequest */
/** @typedef {import('../../chat/chat-event.ts').ChatEvent} ChatEvent */
/** @typedef {import('../../../events/run-event.ts').RunEvent} RunEvent */

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   * @param {ApiErrorBody} [body] the server's error answer (its code, and the diagnostics of a refused run)
   */
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

/** @type {Set<() => void>} */
const listeners = new Set();
/**
 * Called with no arguments whenever the server answers 401: the page shows its token prompt.
 * @param {() => void} listener
 */
export const onUnauthorized = (listener) => listeners.add(listener);

/** @param {Response} response */
const check = async (response) => {
  if (response.status === 401) listeners.forEach((listener) => listener());
  if (response.ok) return response;
  // Every error of the server has one shape; anything else (a proxy's page, no body) has no message of ours.
  /** @type {ApiErrorBody | undefined} */
  const body = await response.json().catch(() => undefined);
  throw new ApiError(response.status, body?.error?.message ?? `HTTP ${response.status}`, body);
};

/** @param {string} path */
const getJson = async (path) => (await check(await fetch(path, { headers: { accept: 'application/json' } }))).json();

/**
 * @param {string} path
 * @param {unknown} body
 */
const postJson = async (path, body) =>
  (
    await check(
      await fetch(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
      }),
    )
  ).json();

/** @param {string} id */
const part = (id) => encodeURIComponent(id);

/** Every workflow of the folder, page after page (the server answers the list in pages). */
export const listWorkflows = async () => {
  /** @type {WorkflowSummary[]} */
  const workflows = [];
  /** @type {number | undefined} */
  let offset = 0;
  while (offset !== undefined) {
    /** @type {WorkflowList} */
    const page = await getJson(`/api/workflows?limit=500&offset=${offset}`);
    workflows.push(...page.workflows);
    offset = page.nextOffset;
  }
  return workflows;
};

/** @type {(id: string) => Promise<WorkflowDetail>} */
export const getWorkflow = (id) => getJson(`/api/workflows/${part(id)}`);

/** @type {(id: string) => Promise<MachineChart>} */
export const getMachine = (id) => getJson(`/api/workflows/${part(id)}/machine`);

/** @type {(query: RunListQuery) => Promise<RunList>} */
export const listRuns = (query) => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value) search.set(name, value);
  return getJson(`/api/runs?${search}`);
};

/** @type {(runId: string) => Promise<RunView>} */
export const getRun = (runId) => getJson(`/api/runs/${part(runId)}`);

/** @type {(body: StartRunRequest) => Promise<RunStarted>} */
export const startRun = (body) => postJson('/api/runs', body);

/** @type {(runId: string, body: RetryRequest) => Promise<RetryStarted>} */
export const retryRun = (runId, body) => postJson(`/api/runs/${part(runId)}/retry`, body);

/** @type {(runId: string, body: SignalRequest) => Promise<SignalAccepted>} */
export const signal = (runId, body) => postJson(`/api/runs/${part(runId)}/signal`, body);

/** @type {(runId: string) => Promise<CancelAccepted>} */
export const cancelRun = (runId) => postJson(`/api/runs/${part(runId)}/cancel`, {});

/**
 * Sends the token to the server, which answers with the session cookie.
 * @param {string} token
 */
export const login = async (token) => {
  const response = await fetch('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  if (!response.ok)
    throw new ApiError(
      response.status,
      response.status === 401 ? 'That token is not right.' : `HTTP ${response.status}`,
    );
};

/**
 * Follows a run from its first event; returns a function that stops following.
 * @param {string} runId
 * @param {(event: RunEvent) => void} onEvent
 */
export const followRun = (runId, onEvent) => {
  const source = new EventSource(`/api/runs/${part(runId)}/events`);
  let lastSeq = 0;
  /** @param {MessageEvent<string>} message */
  const handle = (message) => {
    /** @type {RunEvent} */
    const event = JSON.parse(message.data);
    if (event.seq <= lastSeq) return;
    lastSeq = event.seq;
    onEvent(event);
    if (event.type === 'run.completed' || event.type === 'run.failed') source.close();
  };
  // The server names each message after its event type: EventSource delivers a named one only to its listener.
  for (const type of RUN_EVENT_TYPES) source.addEventListener(type, handle);
  source.addEventListener('message', handle);
  return () => source.close();
};

/**
 * POSTs JSON and calls onEvent for every `data:` object of the SSE answer, until the stream ends.
 * @param {string} path
 * @param {unknown} body
 * @param {(event: ChatEvent) => void} onEvent
 */
const postStream = async (path, body, onEvent) => {
  const response = await check(
    await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify(body),
    }),
  );
  if (!response.body) return;
  const reader = response.body
    .pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    if (value.data) onEvent(JSON.parse(value.data));
  }
};

/** @type {(body: ChatMessageRequest, onEvent: (event: ChatEvent) => void) => Promise<void>} */
export const sendChat = (body, onEvent) => postStream('/api/chat', body, onEvent);

/** @type {(body: ChatConfirmRequest, onEvent: (event: ChatEvent) => void) => Promise<void>} */
export const confirmChat = (body, onEvent) => postStream('/api/chat/confirm', body, onEvent);
