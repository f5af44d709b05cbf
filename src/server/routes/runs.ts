// Runs over HTTP: start, list, inspect, signal a human node, cancel, fetch the .osoplog (rebuilt from the stored events).
import { Hono, type Context } from 'hono';
import { ApiError } from '../api-error.ts';
import type { ServerContext } from '../context.ts';
import { runListQuery, signalBody, startRunBody, retryBody } from '../contract/requests.ts';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../json-depth.ts';
import { preflight } from '../preflight.ts';
import { publicDiagnostics, publicFile } from '../public-paths.ts';
import { runOsoplogYaml } from '../run-osoplog.ts';
import { viewRun } from '../run-view.ts';
import { jsonBody, queryOf } from '../validate.ts';
import { findWorkflow } from './workflows.ts';
import { requestHash, type IdempotencyKey, type IdempotentRequest } from '../../store/idempotency-store.ts';
import type { RunRecordWithSnapshot } from '../../store/run-store.ts';
import { retryRun } from './run-retry.ts';
import { serverDryRun } from './dry-run-start.ts';
import { errorMessage } from '../../util/error-message.ts';

const MAX_KEY = 255;

const allEvents = (ctx: ServerContext, runId: string) => ctx.store.eventsAfter(runId, 0, Number.MAX_SAFE_INTEGER);

/** The run a key already started, answered again (the same request), or 422 (a different request). */
const replayRun = (c: Context, { key, requestHash: hash }: IdempotencyKey, earlier: IdempotentRequest) => {
  if (earlier.requestHash !== hash) {
    throw new ApiError(
      422,
      'idempotency-key-reused',
      `Idempotency-Key ${key} was already used for a different request (run ${earlier.runId}); ` +
        'send a new key for a new run, or the same body to get that run again',
    );
  }
  c.header('Idempotent-Replayed', 'true');
  return c.json({ runId: earlier.runId, replayed: true }, 200, { Location: `/api/runs/${earlier.runId}` });
};

const storedRun = async (ctx: ServerContext, runId: string): Promise<RunRecordWithSnapshot> => {
  const run = await ctx.store.getRun(runId);
  if (!run) throw new ApiError(404, 'unknown-run', `no run ${runId}`);
  return run;
};

export const runRoutes = (ctx: ServerContext) => {
  return new Hono()
    .post('/', jsonBody(startRunBody), async (c) => {
      const body = c.req.valid('json');
      const key = c.req.header('idempotency-key')?.trim();
      if (key !== undefined && (key === '' || key.length > MAX_KEY)) {
        throw new ApiError(400, 'bad-idempotency-key', `Idempotency-Key must be 1 to ${MAX_KEY} characters`);
      }
      // An input too deep to hash is refused by the preflight below, before any key is looked at.
      const given = { inputs: body.inputs, ...(body.inputText !== undefined ? { inputText: body.inputText } : {}) };
      const dry = body.dryRun ? { dryRun: true, ...(body.path !== undefined ? { path: body.path } : {}) } : {};
      const idempotency: IdempotencyKey | undefined =
        key !== undefined && !nestsDeeperThan(given, MAX_JSON_DEPTH + 1)
          ? { key, requestHash: requestHash({ workflow: body.workflow, ...given, ...dry }) }
          : undefined;
      const earlier = idempotency && (await ctx.store.findIdempotentRun(idempotency.key));
      if (idempotency && earlier) return replayRun(c, idempotency, earlier);
      const entry = await findWorkflow(ctx.catalog, body.workflow, 400);
      if (!entry.workflow) {
        throw new ApiError(400, 'invalid-workflow', `workflow ${entry.id} does not load`, {
          diagnostics: publicDiagnostics(ctx.catalog.dir, entry.diagnostics),
        });
      }
      const dryRun = body.dryRun ? serverDryRun(entry.workflow, given, body.path) : undefined;
      const checked = preflight(entry.workflow, dryRun?.given ?? given, {
        allowCli: ctx.allowCli,
        hasSecret: ctx.hasSecret,
        dryRun: body.dryRun === true,
      });
      if (checked.diagnostics.length > 0) {
        const diagnostics = publicDiagnostics(ctx.catalog.dir, checked.diagnostics);
        throw new ApiError(400, 'invalid-run', `cannot start ${entry.id}: ${diagnostics[0].message}`, { diagnostics });
      }
      const planned = await dryRun?.plan(checked.inputs);
      const inputs = planned?.inputs ?? checked.inputs;
      let run;
      try {
        // The store takes the key with the run's row: of requests racing with one key (on any node), one starts it.
        if (idempotency) {
          const once = await ctx.manager.startOnce(entry.workflow, inputs, idempotency, planned?.plan);
          if ('earlier' in once) return replayRun(c, idempotency, once.earlier);
          run = once.created;
        } else run = await ctx.manager.start(entry.workflow, inputs, planned?.plan);
      } catch (error) {
        throw new ApiError(400, 'start-failed', errorMessage(error));
      }
      return c.json({ runId: run.id }, 201, { Location: `/api/runs/${run.id}` });
    })
    .get('/', queryOf(runListQuery), async (c) => {
      const { limit, offset, workflow, status, q } = c.req.valid('query');
      const page = await ctx.store.listRuns(limit, offset, { workflowId: workflow, status, search: q });
      const runs = page.items.map((run) => ({
        ...run,
        workflowFile: publicFile(ctx.catalog.dir, run.workflowFile),
        ...(run.status === 'RUNNING' ? {} : { durationMs: Date.parse(run.updatedAt) - Date.parse(run.createdAt) }),
      }));
      return c.json({ runs, total: page.total, limit, offset });
    })
    .get('/:id', async (c) => {
      const run = await storedRun(ctx, c.req.param('id'));
      const entry = await ctx.catalog.get(run.workflowId).catch(() => undefined);
      const nodeIds = entry?.workflow?.nodes.map((node) => node.id) ?? [];
      const { snapshot: _snapshot, ...record } = run;
      return c.json(viewRun(record, await allEvents(ctx, run.id), nodeIds));
    })
    .post('/:id/signal', jsonBody(signalBody), async (c) => {
      const runId = c.req.param('id');
      const { node, decision, comment, data } = c.req.valid('json');
      await storedRun(ctx, runId);
      const result = await ctx.manager.signal(runId, node, {
        decision,
        comment: comment ?? undefined,
        data: data ?? undefined,
      });
      if (result === 'not-running') throw new ApiError(409, 'run-not-running', `run ${runId} is not running`);
      if (result === 'not-waiting') {
        const waiting = ctx.manager.waiting(runId);
        throw new ApiError(
          409,
          'node-not-waiting',
          `node ${node} is not waiting for a decision (waiting: ${waiting.join(', ') || 'none'})`,
        );
      }
      return c.json({ runId, node, decision }, 202);
    })
    .post('/:id/retry', jsonBody(retryBody), async (c) => {
      const retry = await retryRun(ctx, c.req.param('id'), c.req.valid('json'));
      return c.json(retry, 201, { Location: `/api/runs/${retry.runId}` });
    })
    .post('/:id/cancel', async (c) => {
      const runId = c.req.param('id');
      const run = await storedRun(ctx, runId);
      if (!(await ctx.manager.cancel(runId)))
        throw new ApiError(409, 'run-not-running', `run ${runId} is ${run.status}, not running`);
      return c.json({ runId, cancelling: true }, 202);
    })
    .get('/:id/osoplog', async (c) => {
      const runId = c.req.param('id');
      const run = await storedRun(ctx, runId);
      if (run.status === 'RUNNING')
        throw new ApiError(409, 'run-running', `run ${runId} is still running; its .osoplog exists once it ends`);
      const yaml = { 'Content-Type': 'application/yaml; charset=utf-8' };
      const kept = await ctx.store.getOsoplog(runId);
      if (kept !== undefined) return c.body(kept, 200, yaml);
      const loaded = await ctx.catalog.loadFile(run.workflowFile).catch(() => undefined);
      const { snapshot: _snapshot, ...record } = run;
      const text = loaded?.workflow ? runOsoplogYaml(record, loaded.workflow, await allEvents(ctx, runId)) : undefined;
      if (text === undefined)
        throw new ApiError(
          404,
          'no-osoplog',
          `the workflow of run ${runId} no longer loads, so its .osoplog cannot be built`,
        );
      return c.body(text, 200, yaml);
    });
};
