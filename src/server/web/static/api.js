// Talks to the sopstate server: JSON calls, run event streams (EventSource) and the chat stream (fetch + SSE).
import { EventSourceParserStream } from '/vendor/eventsource-parser/stream.js';

export const RUN_EVENT_TYPES = [
  'run.started',
  'node.started',
  'node.request',
  'node.response',
  'node.command',
  'node.retrying',
  'node.completed',
  'node.failed',
  'node.skipped',
  'edge.taken',
  'agent.delta',
  'human.waiting',
  'run.completed',
  'run.failed',
];

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

const listeners = new Set();
/** Called with no arguments whenever the server answers 401: the page shows its token prompt. */
export const onUnauthorized = (listener) => listeners.add(listener);

const check = async (response) => {
  if (response.status === 401) listeners.forEach((listener) => listener());
  if (response.ok) return response;
  let body;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  const message =
    typeof body?.error === 'string' ? body.error : (body?.error?.message ?? body?.message ?? `HTTP ${response.status}`);
  throw new ApiError(response.status, message, body);
};

export const getJson = async (path) =>
  (await check(await fetch(path, { headers: { accept: 'application/json' } }))).json();

export const postJson = async (path, body) =>
  (
    await check(
      await fetch(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
      }),
    )
  ).json();

/** Sends the token to the server, which answers with the session cookie. */
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

/** Follows a run from its first event; returns a function that stops following. */
export const followRun = (runId, onEvent) => {
  const source = new EventSource(`/api/runs/${encodeURIComponent(runId)}/events`);
  let lastSeq = 0;
  const handle = (message) => {
    const event = JSON.parse(message.data);
    if (event.seq <= lastSeq) return;
    lastSeq = event.seq;
    onEvent(event);
    if (event.type === 'run.completed' || event.type === 'run.failed') source.close();
  };
  for (const type of RUN_EVENT_TYPES) source.addEventListener(type, handle);
  source.addEventListener('message', handle);
  return () => source.close();
};

/** POSTs JSON and calls onEvent for every `data:` object of the SSE answer, until the stream ends. */
export const postStream = async (path, body, onEvent) => {
  const response = await check(
    await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify(body),
    }),
  );
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
