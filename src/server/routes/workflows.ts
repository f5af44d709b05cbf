// GET /api/workflows and /api/workflows/:id: what can run here, as normalized graphs.
import { Hono, type Context } from 'hono';
import { inputSchema } from '../../osop/input-schema.ts';
import type { Workflow } from '../../osop/workflow.ts';
import type { ServerContext } from '../context.ts';
import { apiError } from '../errors.ts';
import { publicDiagnostics, publicFile } from '../public-paths.ts';
import { InvalidWorkflowIdError, type CatalogEntry, type WorkflowCatalog } from '../workflow-catalog.ts';

const summary = (ctx: ServerContext, entry: CatalogEntry) => ({
  id: entry.id,
  name: entry.workflow?.name ?? entry.stem,
  description: entry.workflow?.description,
  file: publicFile(ctx.catalog.dir, entry.file),
  tags: entry.workflow?.tags ?? [],
  nodeCount: entry.workflow?.nodes.length ?? 0,
  edgeCount: entry.workflow?.edges.length ?? 0,
  valid: entry.workflow !== undefined,
  diagnostics: publicDiagnostics(ctx.catalog.dir, entry.diagnostics),
});

const graph = (workflow: Workflow) => ({
  inputs: workflow.inputs,
  /** The inputs as JSON Schema: the page renders its run form from it. */
  inputSchema: inputSchema(workflow),
  secrets: workflow.secrets,
  start: workflow.start,
  nodes: workflow.nodes.map((node) => ({
    id: node.id,
    type: node.type,
    subtype: node.subtype,
    name: node.name,
    description: node.description,
    outputs: node.outputs.map((output) => output.name),
    maxIterations: node.maxIterations,
    timeoutMs: node.timeoutMs,
  })),
  edges: workflow.edges.map((edge) => ({
    index: edge.index,
    from: edge.from,
    to: edge.to,
    mode: edge.mode,
    condition: edge.when?.source,
    cases: edge.cases,
    defaultTo: edge.defaultTo,
    joinMode: edge.joinMode,
    label: edge.label,
  })),
});

/** Finds a catalog entry, or answers 400 (not an id) / 404 (no such workflow). */
export const findWorkflow = async (
  c: Context,
  catalog: WorkflowCatalog,
  id: string,
  notFoundStatus: 400 | 404,
): Promise<CatalogEntry | Response> => {
  try {
    const entry = await catalog.get(id);
    return (
      entry ??
      apiError(
        c,
        notFoundStatus,
        'unknown-workflow',
        `no workflow ${id} in this server's workflow folder (see GET /api/workflows)`,
      )
    );
  } catch (error) {
    if (error instanceof InvalidWorkflowIdError) return apiError(c, 400, 'invalid-workflow-id', error.message);
    throw error;
  }
};

export const workflowRoutes = (ctx: ServerContext): Hono =>
  new Hono()
    .get('/', async (c) => c.json({ workflows: (await ctx.catalog.list()).map((entry) => summary(ctx, entry)) }))
    .get('/:id', async (c) => {
      const entry = await findWorkflow(c, ctx.catalog, c.req.param('id'), 404);
      if (entry instanceof Response) return entry;
      const workflow = entry.workflow;
      return c.json({
        ...summary(ctx, entry),
        ...(workflow ? graph(workflow) : {}),
        mermaid: workflow && ctx.renderMermaid ? ctx.renderMermaid(workflow) : undefined,
      });
    });
