// Folds a run's events into what the page shows per node: status, visits, attempts, HTTP calls, commands run, what a
// person was asked, retries, outputs.
const FINAL = new Set(['run.completed', 'run.failed']);

/** @typedef {import('./api.js').RunEvent} RunEvent */
/** @typedef {import('../../../events/run-event.ts').ErrorInfo} ErrorInfo */
/**
 * @typedef {{
 *   id: string, status: string, visits: number, attempts: number, reused: boolean,
 *   outputs?: Record<string, unknown>, error?: ErrorInfo,
 *   calls: Array<{ attempt: number, request: RunEvent, response?: RunEvent }>,
 *   retries: Array<{ attempt: number, delayMs: number, error: ErrorInfo, at: string, nextAt: number }>,
 *   visitLog: Array<{ visit: number, at: string, status: string, durationMs?: number, error?: ErrorInfo }>,
 * }} RunNode
 */
/**
 * @typedef {{
 *   runId: string | undefined, workflowId?: string, workflowName?: string, status: string,
 *   inputs: Record<string, unknown>, retryOf?: { runId: string, node: string }, startedAt?: number,
 *   durationMs?: number, error?: ErrorInfo, nodes: Map<string, RunNode>, add: (event: RunEvent) => void,
 * }} RunModel
 */

const freshNode = (id) => ({
  id,
  status: 'pending',
  visits: 0,
  attempts: 0,
  reused: false,
  outputs: undefined,
  error: undefined,
  calls: [],
  commands: [],
  asked: undefined,
  retries: [],
  visitLog: [],
});

/**
 * @param {string | undefined} runId
 * @returns {RunModel}
 */
export const createRunModel = (runId) => {
  const nodes = new Map();
  const model = {
    runId,
    workflowId: undefined,
    workflowName: undefined,
    status: 'RUNNING',
    inputs: {},
    retryOf: undefined,
    startedAt: undefined,
    durationMs: undefined,
    error: undefined,
    nodes,
  };
  const node = (id) => {
    if (!nodes.has(id)) nodes.set(id, freshNode(id));
    return nodes.get(id);
  };
  const lastCall = (id) => node(id).calls.at(-1);

  model.add = (event) => {
    model.startedAt ??= Date.parse(event.at);
    switch (event.type) {
      case 'run.started':
        Object.assign(model, {
          workflowId: event.workflowId,
          workflowName: event.workflowName,
          inputs: event.inputs ?? {},
        });
        if (event.retryOf) {
          model.retryOf = { runId: event.retryOf.runId, node: event.retryOf.node };
          for (const [id, outputs] of Object.entries(event.retryOf.reused ?? {}))
            Object.assign(node(id), { status: 'completed', reused: true, outputs });
        }
        return;
      case 'node.started': {
        const entry = node(event.node);
        Object.assign(entry, {
          status: 'running',
          visits: Math.max(entry.visits, event.visit),
          attempts: Math.max(entry.attempts, event.attempt),
          error: undefined,
        });
        entry.visitLog.push({ visit: event.visit, at: event.at, status: 'running' });
        return;
      }
      case 'node.request':
        node(event.node).calls.push({ attempt: event.attempt, request: event, response: undefined });
        node(event.node).attempts = Math.max(node(event.node).attempts, event.attempt);
        return;
      case 'node.response': {
        const call = lastCall(event.node);
        if (call) call.response = event;
        return;
      }
      case 'node.command':
        node(event.node).commands.push({ attempt: event.attempt, argv: event.argv, cwd: event.cwd, env: event.env });
        return;
      case 'node.retrying':
        node(event.node).retries.push({
          attempt: event.attempt,
          delayMs: event.delayMs,
          error: event.error,
          at: event.at,
          nextAt: Date.parse(event.at) + event.delayMs,
        });
        return;
      case 'human.waiting':
        Object.assign(node(event.node), { status: 'waiting', asked: { prompt: event.prompt, details: event.details } });
        return;
      case 'event.waiting':
        node(event.node).status = 'waiting';
        return;
      case 'event.received':
        node(event.node).status = 'running';
        return;
      case 'node.completed':
      case 'node.failed': {
        const entry = node(event.node);
        const completed = event.type === 'node.completed';
        Object.assign(entry, {
          status: completed ? 'completed' : 'failed',
          ...(completed ? { outputs: event.outputs, error: undefined } : { error: event.error }),
        });
        const visit = entry.visitLog.findLast((item) => item.visit === event.visit) ?? entry.visitLog.at(-1);
        if (visit) Object.assign(visit, { status: entry.status, durationMs: event.durationMs, error: event.error });
        return;
      }
      case 'node.skipped':
        node(event.node).status = 'skipped';
        return;
      default:
        if (FINAL.has(event.type))
          Object.assign(model, { status: event.status, durationMs: event.durationMs, error: event.error });
    }
  };
  return model;
};
