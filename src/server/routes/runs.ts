// Runs over HTTP: start, list, inspect, signal a human node, cancel, fetch the .osoplog (rebuilt from the stored events).
import { Hono, type Context } from 'hono';
import type { ServerContext } from '../context.ts';
import { apiError, readJsonObject } from '../errors.ts';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../json-depth.ts';
import { preflight } from '../preflight.ts';
import { publicDiagnostics, publicFile } from '../public-paths.ts';
import { runOsoplogYaml } from '../run-osoplog.ts';
import { viewRun } from '../run-view.ts';
import { findWorkflow } from './workflows.ts';
import { requestHash, type IdempotencyKey, type IdempotentRequest } from '../../store/idempotency-store.ts';
import { retryRun } from './run-retry.ts';
import type { RunStatus } from '../../events/run-event.ts';
import type { RunFilter } from '../../store/run-store.ts';
import { errorMessage } from '../../util/error-message.ts';

const MAX_PAGE = 100;
const MAX_KEY = 255;

const parseCount = (value: string | undefined, fallback: number): number | undefined => {
  if (value === undefined || value === '') return fallback;
  // Past 2^53 a count is no longer exact (and SQLite refuses it as a LIMIT/OFFSET).
  return /^\d+$/.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : undefined;
};

const STATUSES = new Set<RunStatus>(['RUNNING', 'COMPLETED', 'FAILED', 'TIMEOUT', 'CANCELLED', 'DRY_RUN']);

/** `?workflow=&status=&q=` of GET /api/runs, or what is wrong with them. */
const runFilter = (workflowId?: string, status?: string, search?: string): RunFilter | string => {
  const wanted = status?.toUpperCase();
  if (wanted && !STATUSES.has(wanted as RunStatus)) return `status must be one of ${[...STATUSES].join(', ')}`;
  if (search !== undefined && search.length > 200) return 'q (the search text) may be at most 200 characters';
  return {
    workflowId: workflowId || undefined,
    status: (wanted || undefined) as RunStatus | undefined,
    search: search?.trim() || undefined,
  };
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const allEvents = (ctx: ServerContext, runId: string) => ctx.store.eventsAfter(runId, 0, Number.MAX_SAFE_INTEGER);

/** The answer for a key already used: its run again (same request), or 422 (a different request). */
const replayRun = (c: Context, { key, requestHash: hash }: IdempotencyKey, earlier: IdempotentRequest): Response => {
  if (earlier.requestHash !== hash) {
    return apiError(
      c,
      422,
      'idempotency-key-reused',
      `Idempotency-Key ${key} was already used for a different request (run ${earlier.runId}); ` +
        'send a new key for a new run, or the same body to get that run again',
    );
  }
  c.header('Idempotent-Replayed', 'true');
  return c.json({ runId: earlier.runId, replayed: true }, 200, { Location: `/api/runs/${earlier.runId}` });
};

export const runRoutes = (ctx: ServerContext): Hono => {
  return new Hono()
    .post('/', async (c) => {
      const body = await readJsonObject(c);
      if (!body || typeof body.workflow !== 'string') {
        return apiError(c, 400, 'bad-request', 'send a JSON object {"workflow": "<id>", "inputs": {...}}');
      }
      const key = c.req.header('idempotency-key')?.trim();
      if (key !== undefined && (key === '' || key.length > MAX_KEY)) {
        return apiError(c, 400, 'bad-idempotency-key', `Idempotency-Key must be 1 to ${MAX_KEY} characters`);
      }
      // An input too deep to hash is refused by the preflight below, before any key is looked at.
      const hashable = key !== undefined && !nestsDeeperThan(body.inputs, MAX_JSON_DEPTH);
      const idempotency: IdempotencyKey | undefined =
        key !== undefined && hashable
          ? { key, requestHash: requestHash({ workflow: body.workflow, inputs: body.inputs }) }
          : undefined;
      const earlier = idempotency && (await ctx.store.findIdempotentRun(idempotency.key));
      if (idempotency && earlier) return replayRun(c, idempotency, earlier);
      const entry = await findWorkflow(c, ctx.catalog, body.workflow, 400);
      if (entry instanceof Response) return entry;
      if (!entry.workflow) {
        return apiError(
          c,
          400,
          'invalid-workflow',
          `workflow ${entry.id} does not load`,
          publicDiagnostics(ctx.catalog.dir, entry.diagnostics),
        );
      }
      const checked = preflight(entry.workflow, body.inputs, { allowCli: ctx.allowCli, hasSecret: ctx.hasSecret });
      if (checked.diagnostics.length > 0) {
        const diagnostics = publicDiagnostics(ctx.catalog.dir, checked.diagnostics);
        return apiError(c, 400, 'invalid-run', `cannot start ${entry.id}: ${diagnostics[0].message}`, diagnostics);
      }
      try {
        // The store takes the key with the run's row: of requests racing with one key (on any node), one starts it.
        let run;
        if (idempotency) {
          const once = await ctx.manager.startOnce(entry.workflow, checked.inputs, idempotency);
          if ('earlier' in once) return replayRun(c, idempotency, once.earlier);
          run = once.created;
        } else run = await ctx.manager.start(entry.workflow, checked.inputs);
        return c.json({ runId: run.id }, 201, { Location: `/api/runs/${run.id}` });
      } catch (error) {
        return apiError(c, 400, 'start-failed', errorMessage(error));
      }
    })
    .get('/', async (c) => {
      const limit = parseCount(c.req.query('limit'), 20);
      const offset = parseCount(c.req.query('offset'), 0);
      if (limit === undefined || offset === undefined || limit < 1 || limit > MAX_PAGE) {
        return apiError(c, 400, 'bad-page', `limit must be 1..${MAX_PAGE} and offset a whole number`);
      }
      const filter = runFilter(c.req.query('workflow'), c.req.query('status'), c.req.query('q'));
      if (typeof filter === 'string') return apiError(c, 400, 'bad-filter', filter);
      const page = await ctx.store.listRuns(limit, offset, filter);
      const runs = page.items.map((run) => ({
        ...run,
        workflowFile: publicFile(ctx.catalog.dir, run.workflowFile),
        ...(run.status === 'RUNNING' ? {} : { durationMs: Date.parse(run.updatedAt) - Date.parse(run.createdAt) }),
      }));
      return c.json({ runs, total: page.total, limit, offset });
    })
    .get('/:id', async (c) => {
      const run = await ctx.store.getRun(c.req.param('id'));
      if (!run) return apiError(c, 404, 'unknown-run', `no run ${c.req.param('id')}`);
      const entry = await ctx.catalog.get(run.workflowId).catch(() => undefined);
      const nodeIds = entry?.workflow?.nodes.map((node) => node.id) ?? [];
      const { snapshot: _snapshot, ...record } = run;
      return c.json(viewRun(record, await allEvents(ctx, run.id), nodeIds));
    })
    .post('/:id/signal', async (c) => {
      const runId = c.req.param('id');
      const body = await readJsonObject(c);
      const decision = body?.decision;
      if (!body || typeof body.node !== 'string' || (decision !== 'approved' && decision !== 'rejected')) {
        return apiError(
          c,
          400,
          'bad-request',
          'send {"node": "<id>", "decision": "approved" | "rejected", "comment"?: "..."}',
        );
      }
      const comment = body.comment ?? undefined;
      const data = body.data ?? undefined;
      if (comment !== undefined && typeof comment !== 'string') {
        return apiError(c, 400, 'bad-request', 'comment must be a string (or left out)');
      }
      if (data !== undefined && !isPlainObject(data)) {
        return apiError(c, 400, 'bad-request', 'data must be a JSON object of field → value (or left out)');
      }
      if (nestsDeeperThan(data, MAX_JSON_DEPTH)) {
        return apiError(
          c,
          400,
          'bad-request',
          `data nests arrays/objects more than ${MAX_JSON_DEPTH} levels deep; send a flatter value`,
        );
      }
      if (!(await ctx.store.getRun(runId))) return apiError(c, 404, 'unknown-run', `no run ${runId}`);
      const result = await ctx.manager.signal(runId, body.node, { decision, comment, data });
      if (result === 'not-running') return apiError(c, 409, 'run-not-running', `run ${runId} is not running`);
      if (result === 'not-waiting') {
        const waiting = ctx.manager.waiting(runId);
        return apiError(
          c,
          409,
          'node-not-waiting',
          `node ${body.node} is not waiting for a decision (waiting: ${waiting.join(', ') || 'none'})`,
        );
      }
      return c.json({ runId, node: body.node, decision }, 202);
    })
    .post('/:id/retry', retryRun(ctx))
    .post('/:id/cancel', async (c) => {
      const runId = c.req.param('id');
      const run = await ctx.store.getRun(runId);
      if (!run) return apiError(c, 404, 'unknown-run', `no run ${runId}`);
      if (!(await ctx.manager.cancel(runId)))
        return apiError(c, 409, 'run-not-running', `run ${runId} is ${run.status}, not running`);
      return c.json({ runId, cancelling: true }, 202);
    })
    .get('/:id/osoplog', async (c) => {
      const runId = c.req.param('id');
      const run = await ctx.store.getRun(runId);
      if (!run) return apiError(c, 404, 'unknown-run', `no run ${runId}`);
      if (run.status === 'RUNNING')
        return apiError(c, 409, 'run-running', `run ${runId} is still running; its .osoplog exists once it ends`);
      const kept = await ctx.store.getOsoplog(runId);
      if (kept !== undefined) return c.body(kept, 200, { 'Content-Type': 'application/yaml; charset=utf-8' });
      const loaded = await ctx.catalog.loadFile(run.workflowFile).catch(() => undefined);
      const { snapshot: _snapshot, ...record } = run;
      const text = loaded?.workflow ? runOsoplogYaml(record, loaded.workflow, await allEvents(ctx, runId)) : undefined;
      if (text === undefined)
        return apiError(
          c,
          404,
          'no-osoplog',
          `the workflow of run ${runId} no longer loads, so its .osoplog cannot be built`,
        );
      return c.body(text, 200, { 'Content-Type': 'application/yaml; charset=utf-8' });
    });
};
