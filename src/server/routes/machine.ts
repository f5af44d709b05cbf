// GET /api/workflows/:id/machine: the workflow's compiled XState machine as a statechart (states, nesting, arrows).
import { Hono } from 'hono';
import { machineToChart } from '../../inspect/machine-chart.ts';
import { CompileError, compileWorkflow } from '../../machine/compile.ts';
import { ApiError } from '../api-error.ts';
import type { ServerContext } from '../context.ts';
import { findWorkflow } from './workflows.ts';

export const machineRoutes = (ctx: ServerContext) =>
  new Hono().get('/:id/machine', async (c) => {
    const entry = await findWorkflow(ctx.catalog, c.req.param('id'), 404);
    if (!entry.workflow)
      throw new ApiError(409, 'invalid-workflow', `workflow ${entry.id} does not load: see its diagnostics`);
    try {
      return c.json({ workflowId: entry.id, chart: machineToChart(compileWorkflow(entry.workflow)) });
    } catch (error) {
      if (error instanceof CompileError) throw new ApiError(409, 'invalid-workflow', error.message);
      throw error;
    }
  });
