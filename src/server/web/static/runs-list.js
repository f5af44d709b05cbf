// The runs list: status, workflow, duration, inputs and start time; filter by workflow/status, search, paged.
import { getJson } from './api.js';
import { element, formatMs, inputsSummary } from './format.js';

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
  let workflows = [];

  const item = (run) => {
    const id = run.runId ?? run.id;
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
        `${String(run.status).toLowerCase()}${run.durationMs !== undefined ? ` · ${formatMs(run.durationMs)}` : ''} · ${started.toLocaleTimeString()}`,
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
    const query = new URLSearchParams({ limit: String(PAGE), offset: String(offset) });
    if (workflowFilter.value) query.set('workflow', workflowFilter.value);
    if (statusFilter.value) query.set('status', statusFilter.value);
    if (search.value.trim()) query.set('q', search.value.trim());
    const body = await getJson(`/api/runs?${query}`).catch(() => ({ runs: [], total: 0 }));
    const runs = body.runs ?? [];
    list.replaceChildren(...runs.map(item));
    if (runs.length === 0)
      list.append(
        element(
          'li',
          'placeholder',
          search.value || statusFilter.value || workflowFilter.value ? 'No run matches.' : 'No runs yet.',
        ),
      );
    const total = body.total ?? runs.length;
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
    setWorkflows(list) {
      workflows = list;
      workflowFilter.replaceChildren(
        new Option('all workflows', ''),
        ...list.map((workflow) => new Option(workflow.name ?? workflow.id, workflow.id)),
      );
    },
  };
};
