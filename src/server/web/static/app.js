// @ts-check
// The page: workflows, graph, run controls, the live run view with its node panel, run history, chat, token prompt.
// Addresses: /workflows/:id shows a workflow, /runs/:id a run; both survive a reload and can be shared.
import * as api from './api.js';
import { createChat } from './chat.js';
import { formatMs, shortId, statusLabel } from './format.js';
import { drawGraph, drawnEdges, layoutWorkflow } from './graph.js';
import { createInspector } from './inspector.js';
import { createNodePanel } from './node-panel.js';
import { createRunModel } from './run-model.js';
import { createRunsList } from './runs-list.js';
import { createTimeline } from './timeline.js';

/** @typedef {import('./api.js').WorkflowDetail} WorkflowDetail */
/** @typedef {import('./api.js').WorkflowSummary} WorkflowSummary */
/** @typedef {import('./api.js').RunEvent} RunEvent */

const $ = (selector) => document.querySelector(selector);
/**
 * @type {{
 *   workflowId?: string, workflow?: WorkflowDetail, graph?: ReturnType<typeof drawGraph>, runId?: string,
 *   stop?: () => void, model?: ReturnType<typeof createRunModel>, selectedNode?: string,
 * }}
 */
const state = {
  workflowId: undefined,
  workflow: undefined,
  graph: undefined,
  runId: undefined,
  stop: undefined,
  model: undefined,
  selectedNode: undefined,
};
const narrow = () => window.matchMedia('(max-width: 700px)').matches;

const showError = (message) => {
  const box = $('#error');
  box.textContent = message ?? '';
  box.hidden = !message;
};
const report = (error) => showError(error.message);

const NODE_STATUS = {
  'node.started': 'running',
  'node.completed': 'completed',
  'node.failed': 'failed',
  'node.skipped': 'skipped',
  'human.waiting': 'waiting',
  'event.waiting': 'waiting',
  'event.received': 'running',
};

const navigate = (path) => {
  if (location.pathname !== path) history.pushState({}, '', path);
};

const selectNode = (id) => {
  state.selectedNode = id;
  state.graph?.select(id);
  showNode();
  if (id) $('#node-panel').scrollIntoView({ block: 'nearest' });
};
const nodePanel = createNodePanel($('#node-panel'), {
  onRetryFrom: (node) => retryRun(node).catch(report),
  onClose: () => {
    selectNode(undefined);
    nodePanel.hide();
  },
});
const showNode = () => {
  const id = state.selectedNode;
  if (!id) return nodePanel.hide();
  const model = state.model ?? createRunModel(undefined);
  const entry = model.nodes.get(id) ?? {
    id,
    status: 'pending',
    visits: 0,
    attempts: 0,
    calls: [],
    retries: [],
    visitLog: [],
  };
  nodePanel.render(
    entry,
    state.workflow?.nodes?.find((node) => node.id === id),
    model,
  );
};

const timeline = createTimeline($('#timeline'), $('#receipt'), { onSelect: selectNode });
const inspector = createInspector($('#inspector'));
const runsList = createRunsList($('#runs-panel'), {
  selected: () => state.runId,
  onPick: (id, workflowId) => watchRun(id, workflowId).catch(report),
});

/** @param {WorkflowSummary[]} workflows */
const renderWorkflowList = (workflows) => {
  $('#workflows').replaceChildren(
    ...workflows.map((workflow) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.className = 'workflow-item';
      button.dataset.workflowId = workflow.id;
      const [name, id] = [document.createElement('strong'), document.createElement('small')];
      name.textContent = workflow.name ?? workflow.id;
      id.textContent = workflow.id;
      button.append(name, id);
      button.title = workflow.description ?? '';
      button.addEventListener('click', () => {
        if (state.workflowId !== workflow.id || state.runId) leaveRun();
        navigate(`/workflows/${encodeURIComponent(workflow.id)}`);
        selectWorkflow(workflow.id).catch(report);
      });
      item.append(button);
      return item;
    }),
  );
};

/** A value as a form field shows it: text as it is, anything else as JSON (read back the same way). */
const asText = (value) => (value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));

/**
 * One text field per input of the workflow's JSON Schema (`inputSchema` of GET /api/workflows/:id). The page does not
 * type or check what is typed: the server does, by the same rules as `sopstate run --input`.
 */
const renderInputs = (workflow) => {
  const schema = workflow.inputSchema ?? {};
  const required = new Set(schema.required ?? []);
  $('#inputs').replaceChildren(
    ...Object.entries(schema.properties ?? {}).map(([name, property], index) => {
      const label = document.createElement('label');
      const caption = document.createElement('span');
      caption.textContent = required.has(name) ? `${name} *` : name;
      const field = document.createElement('input');
      field.name = name;
      field.value = asText(property.default);
      field.dataset.default = field.value;
      field.placeholder = property.type ?? '';
      field.title = property.description ?? '';
      if (required.has(name)) field.setAttribute('aria-required', 'true');
      label.append(caption, field);
      if (Array.isArray(property.enum)) {
        const choices = document.createElement('datalist');
        choices.id = `input-choices-${index}`;
        choices.append(
          ...property.enum.map((value) => Object.assign(document.createElement('option'), { value: asText(value) })),
        );
        field.setAttribute('list', choices.id);
        label.append(choices);
      }
      return label;
    }),
  );
};

/** The form shows the inputs the shown run used (a chat-started run's too), not the defaults beside it. */
const fillInputs = (inputs) => {
  for (const field of $('#inputs').querySelectorAll('input')) {
    const value = inputs?.[field.name];
    field.value = value === undefined ? field.dataset.default : asText(value);
  }
};

/**
 * The form as typed, name → text (`inputText`); a blank field is not given, so its default applies.
 * @returns {Record<string, string>}
 */
const readInputText = () =>
  Object.fromEntries([...$('#inputs').querySelectorAll('input')].map((field) => [field.name, field.value]));

const showWorkflow = async (id) => {
  if (state.workflowId === id && state.graph) return;
  const workflow = await api.getWorkflow(id);
  const edges = drawnEdges(workflow);
  const graph = drawGraph($('#graph'), workflow, await layoutWorkflow(workflow, edges), edges, {
    onNodeClick: selectNode,
  });
  Object.assign(state, { workflowId: id, workflow, graph, selectedNode: undefined });
  nodePanel.hide();
  graph.fit(narrow() ? 0.75 : 0.5);
  $('#graph').dataset.workflowId = id;
  $('#workflow-title').textContent = workflow.name ?? id;
  $('#workflow-description').textContent = workflow.description ?? '';
  renderInputs(workflow);
  $('#run-button').disabled = false;
  for (const button of /** @type {NodeListOf<HTMLElement>} */ (document.querySelectorAll('.workflow-item')))
    button.classList.toggle('selected', button.dataset.workflowId === id);
};

// One selection at a time, so a run's events always land on the graph of its own workflow.
let selecting = Promise.resolve();
const selectWorkflow = (id) => {
  selecting = selecting.catch(() => undefined).then(() => showWorkflow(id));
  return selecting;
};

const renderWaiting = (runId, node, prompt) => {
  const card = document.createElement('div');
  card.className = 'waiting-card';
  card.dataset.node = node;
  const text = document.createElement('p');
  text.textContent = `${node} waits for you${prompt ? `: ${prompt}` : ''}`;
  card.append(text);
  const decide = (decision) => async () => {
    for (const button of card.querySelectorAll('button')) button.disabled = true;
    try {
      await api.signal(runId, { node, decision });
      card.remove();
    } catch (error) {
      showError(error.message);
      for (const button of card.querySelectorAll('button')) button.disabled = false;
    }
  };
  for (const [name, decision] of [
    ['Approve', 'approved'],
    ['Reject', 'rejected'],
  ]) {
    const button = document.createElement('button');
    button.className = decision === 'approved' ? 'approve' : 'reject';
    button.textContent = name;
    button.addEventListener('click', decide(decision));
    card.append(button);
  }
  $('#waiting').append(card);
};

const setRunStatus = (text, status) => {
  const line = $('#run-status');
  line.textContent = text;
  line.title = text;
  line.dataset.status = status;
};

const showHeader = () => {
  const model = state.model;
  if (!model) return;
  const running = model.status === 'RUNNING';
  const elapsed = running ? (model.startedAt ? Date.now() - model.startedAt : undefined) : model.durationMs;
  const parts = [model.workflowName ?? model.workflowId ?? 'run', statusLabel(model.status), formatMs(elapsed)].filter(
    Boolean,
  );
  setRunStatus(
    `${parts.join(' · ')}${model.error && !running ? ` — ${model.error.message}` : ''}`,
    model.status.toLowerCase(),
  );
  $('#cancel-run').hidden = !running;
  $('#retry-run').hidden = running || model.status === 'COMPLETED' || model.status === 'DRY_RUN';
  const link = $('#run-link');
  link.replaceChildren(document.createTextNode(`run ${shortId(model.runId)}`));
  link.title = model.runId;
  const retryOf = model.retryOf;
  if (retryOf) {
    const back = document.createElement('a');
    back.href = `/runs/${encodeURIComponent(retryOf.runId)}`;
    back.textContent = `retry of ${shortId(retryOf.runId)} from ${retryOf.node}`;
    back.addEventListener('click', (click) => {
      click.preventDefault();
      watchRun(retryOf.runId).catch(report);
    });
    link.append(document.createTextNode(' · '), back);
  }
};

let drawing = false;
const redraw = () => {
  if (drawing) return;
  drawing = true;
  requestAnimationFrame(() => {
    drawing = false;
    showHeader();
    if (state.selectedNode) showNode();
  });
};

/**
 * @param {string} runId
 * @param {RunEvent} event
 */
const applyEvent = (runId, event) => {
  const model = state.model;
  if (runId !== state.runId || !model) return;
  model.add(event);
  timeline.add(event);
  if (event.type === 'run.started') {
    fillInputs(event.inputs);
    for (const id of Object.keys(event.retryOf?.reused ?? {})) state.graph?.setStatus(id, 'completed');
  }
  const status = NODE_STATUS[event.type];
  const node = 'node' in event ? event.node : undefined;
  if (node && status) state.graph?.setStatus(node, status);
  if (node) {
    const entry = model.nodes.get(node);
    if (entry) state.graph?.setBadges(node, entry);
  }
  if (event.type === 'edge.taken') state.graph?.takeEdge(event.from, event.to, event.mode);
  if (event.type === 'human.waiting') renderWaiting(runId, event.node, event.prompt);
  if (event.type === 'node.started' || event.type === 'node.completed' || event.type === 'node.failed') {
    $(`#waiting [data-node="${CSS.escape(event.node)}"]`)?.remove();
  }
  if (event.type === 'run.completed' || event.type === 'run.failed') {
    $('#waiting').replaceChildren();
    showHeader();
    void runsList.load();
  }
  redraw();
};

/** Stops showing the current run (its graph belongs to another workflow now). */
const leaveRun = () => {
  state.stop?.();
  Object.assign(state, { stop: undefined, runId: undefined, model: undefined });
  timeline.reset();
  inspector.reset();
  $('#waiting').replaceChildren();
  $('#run-link').replaceChildren();
  $('#cancel-run').hidden = true;
  $('#retry-run').hidden = true;
  setRunStatus('', 'idle');
};

const watchRun = async (runId, knownWorkflowId) => {
  state.stop?.();
  const workflowId = knownWorkflowId ?? (await api.getRun(runId)).workflowId;
  await selectWorkflow(workflowId);
  navigate(`/runs/${encodeURIComponent(runId)}`);
  Object.assign(state, { runId, model: createRunModel(runId) });
  state.graph?.reset();
  timeline.reset();
  $('#waiting').replaceChildren();
  setRunStatus('running', 'running');
  state.stop = api.followRun(runId, (event) => applyEvent(runId, event));
  inspector.follow(runId);
  showNode();
  void runsList.load();
};

const cancelRun = async () => {
  if (!state.runId) return;
  $('#cancel-run').disabled = true;
  try {
    await api.cancelRun(state.runId);
  } finally {
    $('#cancel-run').disabled = false;
  }
};

/** A new run from the failed node (or `from`) with the form's inputs, reusing the outputs of the nodes before it. */
const retryRun = async (from) => {
  if (!state.runId) return;
  showError();
  try {
    const body = await api.retryRun(state.runId, {
      inputText: readInputText(),
      ...(from ? { from } : {}),
    });
    await watchRun(body.runId, state.workflowId);
  } catch (error) {
    showError(`Could not retry: ${error.message}`);
  }
};

const startRun = async (submit) => {
  submit.preventDefault();
  showError();
  const workflow = state.workflowId;
  if (!workflow) return;
  try {
    const { runId } = await api.startRun({ workflow, inputText: readInputText() });
    await watchRun(runId, workflow);
  } catch (error) {
    const diagnostics = (error instanceof api.ApiError && error.body?.diagnostics) || [];
    const more = diagnostics.map((d) => d.message).filter((message) => !error.message.includes(message));
    showError(`Could not start the run: ${error.message}${more.length ? ` (also: ${more.join('; ')})` : ''}`);
  }
};

/**
 * Shows what the address names: a run, a workflow, or the first workflow that loads.
 * @param {WorkflowSummary[]} workflows
 */
const route = async (workflows) => {
  const [, kind, raw] = location.pathname.split('/');
  const id = raw ? decodeURIComponent(raw) : undefined;
  if (kind === 'runs' && id) return watchRun(id);
  leaveRun();
  if (kind === 'workflows' && id) return selectWorkflow(id);
  const first = workflows.find((workflow) => workflow.diagnosticCounts.error === 0);
  if (first) await selectWorkflow(first.id);
};

/** @type {WorkflowSummary[]} */
let catalog = [];
const init = async () => {
  try {
    catalog = await api.listWorkflows();
    renderWorkflowList(catalog);
    runsList.setWorkflows(catalog);
    await runsList.load();
    await route(catalog);
  } catch (error) {
    if (!(error instanceof api.ApiError && error.status === 401)) showError(error.message);
  }
};

api.onUnauthorized(() => {
  const dialog = $('#login');
  if (!dialog.open) dialog.showModal();
});

$('#login form').addEventListener('submit', async (submit) => {
  submit.preventDefault();
  const field = $('#login input');
  try {
    await api.login(field.value);
    field.value = '';
    $('#login').close();
    $('#login .login-error').textContent = '';
    await init();
  } catch (error) {
    $('#login .login-error').textContent = error.message;
  }
});

window.addEventListener('popstate', () => void route(catalog).catch(report));
$('#run-form').addEventListener('submit', startRun);
$('#cancel-run').addEventListener('click', () => cancelRun().catch(report));
$('#retry-run').addEventListener('click', () => void retryRun());
$('#zoom-in').addEventListener('click', () => state.graph?.zoom(1.25));
$('#zoom-out').addEventListener('click', () => state.graph?.zoom(0.8));
$('#zoom-fit').addEventListener('click', () => state.graph?.fit());
setInterval(() => {
  if (state.model?.status === 'RUNNING') showHeader();
}, 500);
createChat($('#chat'), { onRunStarted: (runId, workflowId) => watchRun(runId, workflowId).catch(report) });
void init();
