// @ts-check
// The runs list: status, workflow, duration, inputs and start time; filter by workflow/status, search, paged.
import { listRuns } from './api.js';
import { element, formatMs, inputsSummary, statusLabel } from './format.js';

/** @typedef {import('./api.js').RunList} RunList */
/** @typedef {import('./api.js').RunListItem} RunListItem */
/** @typedef {import('./api.js').WorkflowSummary} WorkflowSummary */

const PAGE = 10;

export const createRunsList = (root, { onPick, selected }) => {
  const list = root.querySelector('#runs');
  const workflowFilter = root.querySelector('#runs-workflow');
  const statusFilter = root.querySelector('#runs-status');
  const search = root.querySelector('#runs-search');
  const older = root.querySelector('#runs-older');
  const newer = root.querySelector('#runs-newer');
  const pageText = root.querySelector('#runs-page');
  let offset = 0;
  /** @type {WorkflowSummary[]} */
  let workflows = [];

  /** @param {RunListItem} run */
  const item = (run) => {
    const id = run.id;
    const button = element('button', 'run-item');
    Object.assign(button.dataset, { runId: id, status: String(run.status).toLowerCase() });
    button.classList.toggle('selected', id === selected());
    const name = workflows.find((workflow) => workflow.id === run.workflowId)?.name ?? run.workflowId;
    const started = new Date(run.createdAt);
    button.append(
      element('span', 'dot'),
      element('span', 'run-item-name', name),
      element(
        'small',
        'run-item-facts',
        `${statusLabel(run.status)}${run.durationMs !== undefined ? ` · ${formatMs(run.durationMs)}` : ''} · ${started.toLocaleTimeString()}`,
      ),
      element('small', 'run-item-inputs', inputsSummary(run.inputs, 48) || 'no inputs'),
    );
    button.title = `run ${id}, started ${started.toLocaleString()}`;
    button.addEventListener('click', () => onPick(id, run.workflowId));
    const row = element('li');
    row.append(button);
    return row;
  };

  const load = async () => {
    const query = {
      limit: String(PAGE),
      offset: String(offset),
      workflow: workflowFilter.value,
      status: statusFilter.value,
      q: search.value.trim(),
    };
    /** @type {RunList} */
    const none = { runs: [], total: 0, limit: PAGE, offset };
    const { runs, total } = await listRuns(query).catch(() => none);
    list.replaceChildren(...runs.map(item));
    if (runs.length === 0)
      list.append(
        element(
          'li',
          'placeholder',
          search.value || statusFilter.value || workflowFilter.value ? 'No run matches.' : 'No runs yet.',
        ),
      );
    pageText.textContent = total > 0 ? `${offset + 1}–${offset + runs.length} of ${total}` : '';
    newer.disabled = offset === 0;
    older.disabled = offset + runs.length >= total;
  };

  const again = () => {
    offset = 0;
    void load();
  };
  let typing;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(again, 200);
  });
  workflowFilter.addEventListener('change', again);
  statusFilter.addEventListener('change', again);
  older.addEventListener('click', () => {
    offset += PAGE;
    void load();
  });
  newer.addEventListener('click', () => {
    offset = Math.max(0, offset - PAGE);
    void load();
  });

  return {
    load,
    /** @param {WorkflowSummary[]} list */
    setWorkflows(list) {
      workflows = list;
      workflowFilter.replaceChildren(
        new Option('all workflows', ''),
        ...list.map((workflow) => new Option(workflow.name ?? workflow.id, workflow.id)),
      );
    },
  };
};
