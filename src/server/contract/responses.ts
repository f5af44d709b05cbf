// What each route answers, read from the routes themselves (AppType): a change to a route's answer changes these
// types, and the chat's client and the page, which use them, stop compiling until they follow.
import type { hc, InferRequestType, InferResponseType } from 'hono/client';
import type { AppType } from '../app.ts';

type Api = ReturnType<typeof hc<AppType>>['api'];
type Runs = Api['runs'];

/** GET /api/workflows */
export type WorkflowList = InferResponseType<Api['workflows']['$get'], 200>;
export type WorkflowSummary = WorkflowList['workflows'][number];
/** GET /api/workflows/:id: the summary, the graph (when the workflow loads) and its Mermaid. */
export type WorkflowDetail = InferResponseType<Api['workflows'][':id']['$get'], 200>;
/** GET /api/workflows/:id/machine: the compiled machine as a statechart. */
export type MachineChart = InferResponseType<Api['workflows'][':id']['machine']['$get'], 200>;

/** GET /api/runs?limit&offset&workflow&status&q */
export type RunListQuery = InferRequestType<Runs['$get']>['query'];
export type RunList = InferResponseType<Runs['$get'], 200>;
export type RunListItem = RunList['runs'][number];
/** GET /api/runs/:id */
export type RunView = InferResponseType<Runs[':id']['$get'], 200>;

/** POST /api/runs: 201 for a new run, 200 when an Idempotency-Key replays an earlier one. */
export type StartRunRequest = InferRequestType<Runs['$post']>['json'];
export type RunStarted = InferResponseType<Runs['$post'], 200 | 201>;
/** POST /api/runs/:id/retry */
export type RetryRequest = InferRequestType<Runs[':id']['retry']['$post']>['json'];
export type RetryStarted = InferResponseType<Runs[':id']['retry']['$post'], 201>;
/** POST /api/runs/:id/signal */
export type SignalRequest = InferRequestType<Runs[':id']['signal']['$post']>['json'];
export type SignalAccepted = InferResponseType<Runs[':id']['signal']['$post'], 202>;
/** POST /api/runs/:id/cancel */
export type CancelAccepted = InferResponseType<Runs[':id']['cancel']['$post'], 202>;
/** POST /api/runs/:id/events: 200 when a waiting node took the event, 202 when it is kept until one waits for it. */
export type DeliverEventRequest = InferRequestType<Runs[':id']['events']['$post']>['json'];
export type EventDelivered = InferResponseType<Runs[':id']['events']['$post'], 200>;
export type EventKept = InferResponseType<Runs[':id']['events']['$post'], 202>;
