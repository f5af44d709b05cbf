// GET /api/workflows and /api/workflows/:id: what can run here, as normalized graphs.
import { Hono } from 'hono';
import { inputSchema } from '../../osop/input-schema.ts';
import type { Workflow } from '../../osop/workflow.ts';
import { ApiError } from '../api-error.ts';
import type { ServerContext } from '../context.ts';
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

/** Finds a catalog entry; refuses with 400 (not an id) or `notFoundStatus` (no such workflow). */
export const findWorkflow = async (
  catalog: WorkflowCatalog,
  id: string,
  notFoundStatus: 400 | 404,
): Promise<CatalogEntry> => {
  let entry: CatalogEntry | undefined;
  try {
    entry = await catalog.get(id);
  } catch (error) {
    if (error instanceof InvalidWorkflowIdError) throw new ApiError(400, 'invalid-workflow-id', error.message);
    throw error;
  }
  if (entry) return entry;
  throw new ApiError(
    notFoundStatus,
    'unknown-workflow',
    `no workflow ${id} in this server's workflow folder (see GET /api/workflows)`,
  );
};

export const workflowRoutes = (ctx: ServerContext) =>
  new Hono()
    .get('/', async (c) => c.json({ workflows: (await ctx.catalog.list()).map((entry) => summary(ctx, entry)) }))
    .get('/:id', async (c) => {
      const entry = await findWorkflow(ctx.catalog, c.req.param('id'), 404);
      const workflow = entry.workflow;
      return c.json({
        ...summary(ctx, entry),
        ...(workflow ? graph(workflow) : {}),
        mermaid: workflow && ctx.renderMermaid ? ctx.renderMermaid(workflow) : undefined,
      });
    });
