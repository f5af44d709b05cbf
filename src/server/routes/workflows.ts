// GET /api/workflows (a page of summaries with diagnostic counts) and /api/workflows/:id (the whole normalized graph).
import { Hono } from 'hono';
import { inputSchema } from '../../osop/input-schema.ts';
import type { Diagnostic, Workflow } from '../../osop/workflow.ts';
import { ApiError } from '../api-error.ts';
import type { ServerContext } from '../context.ts';
import { workflowListQuery } from '../contract/requests.ts';
import { publicDiagnostics, publicFile } from '../public-paths.ts';
import { queryOf } from '../validate.ts';
import { InvalidWorkflowIdError, type CatalogEntry, type WorkflowCatalog } from '../workflow-catalog.ts';

/** How many diagnostics a list entry carries in full (the most severe first); the rest are counted. */
const LISTED_DIAGNOSTICS = 3;
const SEVERITY_RANK: Record<Diagnostic['severity'], number> = { error: 0, warning: 1 };

const diagnosticCounts = (diagnostics: readonly Diagnostic[]) => ({
  error: diagnostics.filter((diagnostic) => diagnostic.severity === 'error').length,
  warning: diagnostics.filter((diagnostic) => diagnostic.severity === 'warning').length,
});

const described = (ctx: ServerContext, entry: CatalogEntry) => ({
  id: entry.id,
  name: entry.workflow?.name ?? entry.stem,
  description: entry.workflow?.description,
  file: publicFile(ctx.catalog.dir, entry.file),
  tags: entry.workflow?.tags ?? [],
  nodeCount: entry.workflow?.nodes.length ?? 0,
  edgeCount: entry.workflow?.edges.length ?? 0,
  valid: entry.workflow !== undefined,
  diagnosticCounts: diagnosticCounts(entry.diagnostics),
});

/** A list entry: counts, and only the first few diagnostics (GET /api/workflows/:id has them all). */
const summary = (ctx: ServerContext, entry: CatalogEntry) => {
  const first = [...entry.diagnostics]
    .sort((left, right) => SEVERITY_RANK[left.severity] - SEVERITY_RANK[right.severity])
    .slice(0, LISTED_DIAGNOSTICS);
  return { ...described(ctx, entry), diagnostics: publicDiagnostics(ctx.catalog.dir, first) };
};

const matches = (ctx: ServerContext, entry: CatalogEntry, q: string): boolean =>
  [entry.id, entry.workflow?.name ?? entry.stem, publicFile(ctx.catalog.dir, entry.file)].some((text) =>
    text.toLowerCase().includes(q),
  );

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
    .get('/', queryOf(workflowListQuery), async (c) => {
      const { limit, offset, q } = c.req.valid('query');
      // A search reads every file (it matches names); a plain page reads only its own files.
      const { entries, total } =
        q === undefined
          ? await ctx.catalog.page(offset, limit)
          : await ctx.catalog.list().then((all) => {
              const found = all.filter((entry) => matches(ctx, entry, q));
              return { entries: found.slice(offset, offset + limit), total: found.length };
            });
      const workflows = entries.map((entry) => summary(ctx, entry));
      const nextOffset = offset + limit < total ? offset + limit : undefined;
      return c.json({ workflows, total, limit, offset, ...(nextOffset ? { nextOffset } : {}) });
    })
    .get('/:id', async (c) => {
      const entry = await findWorkflow(ctx.catalog, c.req.param('id'), 404);
      const workflow = entry.workflow;
      return c.json({
        ...described(ctx, entry),
        diagnostics: publicDiagnostics(ctx.catalog.dir, entry.diagnostics),
        ...(workflow ? graph(workflow) : {}),
        mermaid: workflow && ctx.renderMermaid ? ctx.renderMermaid(workflow) : undefined,
      });
    });
