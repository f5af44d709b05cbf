// The node panel: what one node of the shown run received (resolved, secrets masked), sent, got back and produced,
// per visit and attempt: HTTP calls, commands run, what a person was asked.
import { element, formatMs } from './format.js';
import { jsonBlock } from './json-tree.js';

const clock = (ms) => new Date(ms).toLocaleTimeString();

const callView = (call) => {
  const box = element('div', 'node-call');
  const { request, response } = call;
  const line = `attempt ${call.attempt}: ${request.method} ${request.url}${response ? ` → ${response.status} in ${formatMs(response.durationMs)}${response.replayed ? ' (idempotent replay)' : ''}` : ' → waiting'}`;
  box.append(element('p', 'node-call-line', line));
  box.dataset.attempt = String(call.attempt);
  if (request.headers || request.body !== undefined) {
    box.append(
      jsonBlock('Request', {
        method: request.method,
        url: request.url,
        headers: request.headers ?? {},
        ...(request.body === undefined ? {} : { body: request.body }),
      }),
    );
  }
  if (response)
    box.append(
      jsonBlock('Response', { status: response.status, headers: response.headers ?? {}, body: response.body ?? null }),
    );
  return box;
};

/** A word the shell would split or expand, quoted so the line reads as the command that ran. */
const shellWord = (word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

const commandView = (command) => {
  const box = element('div', 'node-call node-command');
  box.dataset.attempt = String(command.attempt);
  box.append(element('p', 'node-call-line', `attempt ${command.attempt}: $ ${command.argv.map(shellWord).join(' ')}`));
  box.append(
    jsonBlock('Command', {
      argv: command.argv,
      ...(command.cwd ? { cwd: command.cwd } : {}),
      ...(command.env ? { env: command.env } : {}),
    }),
  );
  return box;
};

const askedView = (asked) => {
  const box = element('div', 'node-asked');
  if (asked.prompt) box.append(element('p', 'node-asked-prompt', asked.prompt));
  if (asked.details) box.append(jsonBlock('Also shown', asked.details));
  return box;
};

export const createNodePanel = (root, { onRetryFrom, onClose }) => {
  const render = (entry, workflowNode, run) => {
    root.hidden = false;
    root.dataset.node = entry.id;
    const head = element('div', 'node-panel-head');
    const title = element('h3', '', entry.id);
    const facts = [
      workflowNode?.type,
      entry.status,
      entry.visits > 1 ? `${entry.visits} visits` : '',
      entry.attempts > 1 ? `${entry.attempts} attempts` : '',
    ]
      .filter(Boolean)
      .join(' · ');
    head.append(title, element('span', 'node-panel-facts', facts));
    const close = element('button', 'node-panel-close', 'Close');
    close.type = 'button';
    close.addEventListener('click', () => onClose());
    head.append(close);
    const parts = [head];
    if (workflowNode?.name && workflowNode.name !== entry.id) parts.push(element('p', 'muted', workflowNode.name));
    if (entry.reused)
      parts.push(
        element(
          'p',
          'node-reused',
          `Completed in run ${run.retryOf?.runId ?? 'before'}; its outputs were reused, so it was not called again.`,
        ),
      );
    if (entry.error)
      parts.push(
        element('p', 'node-error', `Error: ${entry.error.message}${entry.error.code ? ` (${entry.error.code})` : ''}`),
      );
    if (entry.visitLog.length > 0) {
      const visits = element('ol', 'node-visits plain-list');
      for (const visit of entry.visitLog) {
        visits.append(
          element(
            'li',
            `node-visit node-visit--${visit.status}`,
            `visit ${visit.visit}: ${visit.status}${visit.durationMs !== undefined ? ` in ${formatMs(visit.durationMs)}` : ''}${visit.error ? ` — ${visit.error.message}` : ''}`,
          ),
        );
      }
      parts.push(element('h4', '', 'Visits'), visits);
    }
    if (entry.retries.length > 0) {
      const retries = element('ul', 'node-retries plain-list');
      for (const retry of entry.retries) {
        retries.append(
          element(
            'li',
            '',
            `attempt ${retry.attempt - 1} failed: ${retry.error.message}; attempt ${retry.attempt} at ${clock(retry.nextAt)} (after ${formatMs(retry.delayMs)})`,
          ),
        );
      }
      parts.push(element('h4', '', 'Retries'), retries);
    }
    if (entry.asked) parts.push(element('h4', '', 'Asked of the approver'), askedView(entry.asked));
    if (entry.commands?.length > 0) {
      parts.push(element('h4', '', 'Commands run'));
      for (const command of entry.commands) parts.push(commandView(command));
    }
    if (entry.calls.length > 0) {
      parts.push(element('h4', '', 'HTTP calls'));
      for (const call of entry.calls) parts.push(callView(call));
    }
    if (entry.outputs !== undefined) parts.push(jsonBlock('Outputs', entry.outputs));
    if (entry.status === 'pending') parts.push(element('p', 'placeholder', 'Not reached in this run (yet).'));
    const ended = run.status !== 'RUNNING' && run.status !== 'COMPLETED';
    if (ended && !entry.reused && entry.status !== 'pending') {
      const retry = element('button', 'node-retry', `Retry the run from ${entry.id}`);
      retry.type = 'button';
      retry.addEventListener('click', () => onRetryFrom(entry.id));
      parts.push(retry);
    }
    root.replaceChildren(...parts);
  };
  return {
    render,
    hide() {
      root.hidden = true;
      delete root.dataset.node;
      root.replaceChildren();
    },
    shown: () => root.dataset.node,
  };
};
