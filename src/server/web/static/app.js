// The page: workflow list, graph, run controls, live run view, run history, chat and token prompt.
import { ApiError, followRun, getJson, login, onUnauthorized, postJson } from './api.js';
import { createChat } from './chat.js';
import { drawGraph, layoutWorkflow } from './graph.js';
import { createTimeline } from './timeline.js';
import { createInspector } from './inspector.js';

const $ = (selector) => document.querySelector(selector);
const state = { workflowId: undefined, workflow: undefined, graph: undefined, runId: undefined, stop: undefined };
const timeline = createTimeline($('#timeline'), $('#receipt'));
const inspector = createInspector($('#inspector'));

const itemsOf = (body, ...keys) => {
  if (Array.isArray(body)) return body;
  for (const key of keys) if (Array.isArray(body?.[key])) return body[key];
  return [];
};
const graphOf = (body) => (Array.isArray(body?.nodes) ? body : body?.workflow ?? body?.graph ?? body);
const showError = (message) => {
  const box = $('#error');
  box.textContent = message ?? '';
  box.hidden = !message;
};

const NODE_STATUS = {
  'node.started': 'running', 'node.completed': 'completed', 'node.failed': 'failed',
  'node.skipped': 'skipped', 'human.waiting': 'waiting',
};

const renderWorkflowList = (workflows) => {
  const list = $('#workflows');
  list.replaceChildren(...workflows.map((workflow) => {
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.className = 'workflow-item';
    button.dataset.workflowId = workflow.id;
    button.innerHTML = '<strong></strong><small></small>';
    button.querySelector('strong').textContent = workflow.name ?? workflow.id;
    button.querySelector('small').textContent = workflow.id;
    button.title = workflow.description ?? '';
    button.addEventListener('click', () => {
      if (state.workflowId !== workflow.id) leaveRun();
      selectWorkflow(workflow.id).catch((error) => showError(error.message));
    });
    item.append(button);
    return item;
  }));
};

const renderInputs = (workflow) => {
  const fields = $('#inputs');
  fields.replaceChildren(...(workflow.inputs ?? []).map((input) => {
    const label = document.createElement('label');
    label.textContent = input.name;
    const field = document.createElement('input');
    field.name = input.name;
    field.dataset.type = input.type ?? 'string';
    field.value = input.default ?? '';
    field.required = input.required && input.default === undefined;
    field.title = input.description ?? '';
    label.append(field);
    return label;
  }));
};

const readInputs = () => {
  const inputs = {};
  for (const field of $('#inputs').querySelectorAll('input')) {
    if (field.value === '') continue;
    const numeric = field.dataset.type === 'integer' || field.dataset.type === 'number';
    inputs[field.name] = numeric && Number.isFinite(Number(field.value)) ? Number(field.value) : field.value;
  }
  return inputs;
};

const showWorkflow = async (id) => {
  if (state.workflowId === id && state.graph) return;
  const workflow = graphOf(await getJson(`/api/workflows/${encodeURIComponent(id)}`));
  const graph = drawGraph($('#graph'), workflow, await layoutWorkflow(workflow));
  Object.assign(state, { workflowId: id, workflow, graph });
  $('#graph').dataset.workflowId = id;
  $('#workflow-title').textContent = workflow.name ?? id;
  $('#workflow-description').textContent = workflow.description ?? '';
  renderInputs(workflow);
  $('#run-button').disabled = false;
  for (const button of document.querySelectorAll('.workflow-item')) button.classList.toggle('selected', button.dataset.workflowId === id);
};

// One selection at a time, so a run's events always land on the graph of its own workflow.
let selecting = Promise.resolve();
const selectWorkflow = (id) => {
  selecting = selecting.catch(() => undefined).then(() => showWorkflow(id));
  return selecting;
};

const renderWaiting = (runId, node, prompt) => {
  const panel = $('#waiting');
  const card = document.createElement('div');
  card.className = 'waiting-card';
  card.dataset.node = node;
  card.innerHTML = '<p></p><button class="approve">Approve</button><button class="reject">Reject</button>';
  card.querySelector('p').textContent = `${node} waits for you${prompt ? `: ${prompt}` : ''}`;
  const decide = (decision) => async () => {
    for (const button of card.querySelectorAll('button')) button.disabled = true;
    try {
      await postJson(`/api/runs/${encodeURIComponent(runId)}/signal`, { node, decision });
      card.remove();
    } catch (error) {
      showError(error.message);
      for (const button of card.querySelectorAll('button')) button.disabled = false;
    }
  };
  card.querySelector('.approve').addEventListener('click', decide('approved'));
  card.querySelector('.reject').addEventListener('click', decide('rejected'));
  panel.append(card);
};

const setRunStatus = (text, status) => {
  const line = $('#run-status');
  line.textContent = text;
  line.title = text;
  line.dataset.status = status;
};

const applyEvent = (runId, event) => {
  timeline.add(event);
  const status = NODE_STATUS[event.type];
  if (status) state.graph?.setStatus(event.node, status);
  if (event.type === 'edge.taken') state.graph?.takeEdge(event.from, event.to, event.mode);
  if (event.type === 'human.waiting') renderWaiting(runId, event.node, event.prompt);
  if (event.type === 'node.started' || event.type === 'node.completed' || event.type === 'node.failed') {
    $(`#waiting [data-node="${CSS.escape(event.node)}"]`)?.remove();
  }
  if (event.type === 'run.completed' || event.type === 'run.failed') {
    setRunStatus(`${runId}: ${event.status}${event.error ? ` — ${event.error.message}` : ''}`, event.status.toLowerCase());
    void loadRuns();
  }
};

/** Stops showing the current run (its graph belongs to another workflow now). */
const leaveRun = () => {
  state.stop?.();
  state.stop = undefined;
  state.runId = undefined;
  timeline.reset();
  inspector.reset();
  $('#waiting').replaceChildren();
  setRunStatus('', 'idle');
};

const watchRun = async (runId, workflowId) => {
  state.stop?.();
  await (workflowId ? selectWorkflow(workflowId) : selecting.catch(() => undefined));
  state.runId = runId;
  state.graph?.reset();
  timeline.reset();
  $('#waiting').replaceChildren();
  setRunStatus(`${runId}: running`, 'running');
  state.stop = followRun(runId, (event) => applyEvent(runId, event));
  inspector.follow(runId);
  void loadRuns();
};

const loadRuns = async () => {
  const runs = itemsOf(await getJson('/api/runs?limit=20').catch(() => []), 'items', 'runs');
  $('#runs').replaceChildren(...runs.map((run) => {
    const id = run.runId ?? run.id;
    const item = document.createElement('li');
    const button = document.createElement('button');
    button.className = 'run-item';
    button.dataset.runId = id;
    button.dataset.status = String(run.status).toLowerCase();
    button.classList.toggle('selected', id === state.runId);
    button.innerHTML = '<span class="dot"></span><span></span><small></small>';
    button.children[1].textContent = run.workflowId;
    button.querySelector('small').textContent = `${run.status} · ${new Date(run.createdAt).toLocaleTimeString()}`;
    button.title = id;
    button.addEventListener('click', () => watchRun(id, run.workflowId).catch((error) => showError(error.message)));
    item.append(button);
    return item;
  }));
};

const startRun = async (submit) => {
  submit.preventDefault();
  showError();
  try {
    const { runId } = await postJson('/api/runs', { workflow: state.workflowId, inputs: readInputs() });
    await watchRun(runId);
  } catch (error) {
    const more = itemsOf(error.body, 'diagnostics').map((d) => d.message).filter((message) => !error.message.includes(message));
    showError(`Could not start the run: ${error.message}${more.length ? ` (also: ${more.join('; ')})` : ''}`);
  }
};

const init = async () => {
  try {
    const workflows = itemsOf(await getJson('/api/workflows'), 'workflows', 'items');
    renderWorkflowList(workflows);
    await loadRuns();
    const first = workflows.find((workflow) => !(workflow.diagnostics ?? []).some((d) => d.severity === 'error'));
    if (first && !state.workflowId) await selectWorkflow(first.id);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) showError(error.message);
  }
};

onUnauthorized(() => {
  const dialog = $('#login');
  if (!dialog.open) dialog.showModal();
});

$('#login form').addEventListener('submit', async (submit) => {
  submit.preventDefault();
  const field = $('#login input');
  try {
    await login(field.value);
    field.value = '';
    $('#login').close();
    $('#login .login-error').textContent = '';
    await init();
  } catch (error) {
    $('#login .login-error').textContent = error.message;
  }
});

$('#run-form').addEventListener('submit', startRun);
createChat($('#chat'), { onRunStarted: (runId, workflowId) => watchRun(runId, workflowId).catch((error) => showError(error.message)) });
void init();
