// The run's events as a list with times and durations, and the agent's text as it streams in.
const formatMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);

const describe = (event) => {
  switch (event.type) {
    case 'run.started':
      return `run started · ${event.workflowId}${event.retryOf ? ` · retry of ${event.retryOf.runId.slice(0, 8)} from ${event.retryOf.node}` : ''}`;
    case 'node.started':
      return `${event.node}${SUBWORKFLOW_TYPES.includes(event.nodeType) ? ' (sub-workflow)' : ''} started${event.visit > 1 ? ` (visit ${event.visit})` : ''}${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`;
    case 'node.request':
      return `${event.node} → ${event.method} ${event.url}`;
    case 'node.response':
      return `${event.node} ← HTTP ${event.status}${event.replayed ? ' (replayed)' : ''}`;
    case 'node.command':
      return `${event.node} $ ${event.argv.join(' ')}`;
    case 'node.retrying':
      return `${event.node} retrying in ${formatMs(event.delayMs)}: ${event.error.message}`;
    case 'node.completed':
      return `${event.node} completed`;
    case 'node.failed':
      return `${event.node} failed: ${event.error.message}`;
    case 'node.skipped':
      return `${event.node} skipped`;
    case 'edge.taken':
      return `${event.from} → ${event.to} (${event.mode}${event.condition ? `: ${event.condition}` : ''})`;
    case 'human.waiting':
      return `${event.node} waits for a person${event.prompt ? `: ${event.prompt}` : ''}`;
    case 'event.waiting':
      return `${event.node} waits for event ${event.names.join(' or ')}${event.timeoutMs !== undefined ? ` (at most ${formatMs(event.timeoutMs)})` : ''}`;
    case 'event.received':
      return `${event.node} received event ${event.name}`;
    case 'event.kept':
      return `event ${event.name} kept until a node waits for it`;
    case 'run.completed':
      return `run ${event.status.toLowerCase()}`;
    case 'run.failed':
      return `run ${event.status.toLowerCase()}: ${event.error.message}`;
    default:
      return event.type;
  }
};

/** Node types that run a sub-workflow: their child's events follow, as `<node>/<child node>`. */
const SUBWORKFLOW_TYPES = ['workflow', 'subworkflow'];

/** How deep in sub-workflows an event's node is: `a/b` is 1. */
const depthOf = (node) => (node ? node.split('/').length - 1 : 0);

const durationOf = (event) =>
  'durationMs' in event && typeof event.durationMs === 'number' ? event.durationMs : undefined;

export const createTimeline = (list, receipt, { onSelect } = {}) => {
  let startedAt;
  let longest = 1;
  const bars = [];
  const receipts = new Map();

  const addReceiptText = (node, text) => {
    let block = receipts.get(node);
    if (!block) {
      const figure = document.createElement('figure');
      const caption = document.createElement('figcaption');
      caption.textContent = node;
      block = document.createElement('pre');
      block.className = 'receipt-text';
      block.dataset.node = node;
      figure.append(caption, block);
      receipt.querySelector('.placeholder')?.remove();
      receipt.append(figure);
      receipts.set(node, block);
    }
    block.textContent += text;
  };

  return {
    reset() {
      startedAt = undefined;
      longest = 1;
      bars.length = 0;
      receipts.clear();
      list.replaceChildren();
      receipt.innerHTML = '<p class="placeholder">The agent\'s text streams in here during a run.</p>';
    },
    add(event) {
      if (event.type === 'agent.delta') {
        addReceiptText(event.node, event.text);
        return;
      }
      // A new attempt writes its text from the start: what the failed one streamed is not the node's text.
      if (event.type === 'node.retrying') receipts.get(event.node)?.replaceChildren();
      const at = Date.parse(event.at);
      startedAt ??= at;
      const row = document.createElement('li');
      row.className = `event event--${event.type.replace('.', '-')}`;
      row.dataset.type = event.type;
      const offset = document.createElement('span');
      offset.className = 'event-offset';
      offset.textContent = `+${formatMs(at - startedAt)}`;
      const text = document.createElement('span');
      text.className = 'event-text';
      text.textContent = describe(event);
      row.append(offset, text);
      const node = event.node ?? event.from;
      // A sub-workflow's events are indented under the node that runs it; a click selects that node in the graph.
      const depth = depthOf(node);
      if (depth > 0) {
        row.classList.add('event--nested');
        row.style.setProperty('--depth', String(depth));
        row.dataset.parent = node.split('/').slice(0, -1).join('/');
      }
      if (node && onSelect) {
        row.dataset.node = node;
        row.tabIndex = 0;
        row.classList.add('event--clickable');
        const top = node.split('/')[0];
        row.addEventListener('click', () => onSelect(top));
      }
      const duration = durationOf(event);
      if (duration !== undefined) {
        const badge = document.createElement('span');
        badge.className = 'event-duration';
        const bar = document.createElement('span');
        bar.className = 'event-bar';
        bar.dataset.ms = String(duration);
        badge.append(bar, document.createTextNode(formatMs(duration)));
        row.append(badge);
        if (!event.type.startsWith('run.')) {
          bars.push(bar);
          longest = Math.max(longest, duration);
          for (const each of bars) each.style.width = `${Math.max(2, (Number(each.dataset.ms) / longest) * 60)}px`;
        }
      }
      list.append(row);
      list.scrollTop = list.scrollHeight;
    },
  };
};
