// @ts-check
// The chat panel: sends messages to /api/chat, streams the answer, and asks the person to confirm actions.
import { confirmChat, sendChat } from './api.js';

/** @typedef {import('./api.js').ChatEvent} ChatEvent */

const bubble = (log, role, text = '') => {
  const item = document.createElement('div');
  item.className = `chat-msg chat-msg--${role}`;
  item.textContent = text;
  log.append(item);
  log.scrollTop = log.scrollHeight;
  return item;
};

/** `onRunStarted(runId, workflowId)` lets the page show a run the chat started. */
export const createChat = (root, { onRunStarted }) => {
  const log = root.querySelector('.chat-log');
  const form = root.querySelector('form');
  const input = form.querySelector('input');
  let conversationId;
  let busy = false;
  // The panel shrinks as the timeline and receipt grow beside it: keep the newest message in view.
  new ResizeObserver(() => {
    log.scrollTop = log.scrollHeight;
  }).observe(log);

  const setBusy = (value) => {
    busy = value;
    if (!value) delete root.dataset.working;
    form.querySelector('button').disabled = value;
    root.dataset.busy = String(value);
  };

  /** @param {{ current?: HTMLElement }} state */
  const handle = (state) => (/** @type {ChatEvent} */ event) => {
    switch (event.type) {
      case 'conversation':
        conversationId = event.conversationId;
        root.dataset.conversationId = conversationId;
        return;
      case 'assistant.delta':
        state.current ??= bubble(log, 'assistant');
        state.current.textContent += event.text;
        log.scrollTop = log.scrollHeight;
        return;
      case 'tool.call':
        // How the assistant gets its answer is its business: the person sees it working, not the plumbing.
        state.current = undefined;
        root.dataset.working = 'true';
        return;
      case 'confirm.required':
        state.current = undefined;
        confirmCard(event);
        return;
      case 'confirm.cancelled':
        for (const card of log.querySelectorAll('.chat-confirm:not([data-settled])')) settle(card, 'cancelled');
        return;
      case 'run.started':
        state.current = undefined;
        for (const card of log.querySelectorAll('.chat-confirm:not([data-settled])')) settle(card, 'confirmed');
        bubble(log, 'run', `Run ${event.runId.slice(0, 8)} started: follow it on the graph.`).dataset.runId =
          event.runId;
        onRunStarted(event.runId, event.workflow);
        return;
      case 'run.event':
        if (event.event.type === 'run.completed' || event.event.type === 'run.failed') state.current = undefined;
        return;
      case 'error':
        state.current = undefined;
        bubble(log, 'error', event.message);
        return;
      default:
        return;
    }
  };

  /** @param {(onEvent: (event: ChatEvent) => void) => Promise<void>} call */
  const stream = async (call) => {
    setBusy(true);
    try {
      await call(handle({ current: undefined }));
    } catch (error) {
      bubble(log, 'error', error.message);
    } finally {
      setBusy(false);
    }
  };

  const settle = (card, how) => {
    card.dataset.settled = how;
    for (const button of card.querySelectorAll('button')) button.disabled = true;
  };

  const confirmCard = (event) => {
    const card = document.createElement('div');
    card.className = 'chat-confirm';
    const text = document.createElement('p');
    text.textContent = `Confirm: ${event.text}`;
    const reasons = document.createElement('p');
    reasons.className = 'chat-confirm-reasons';
    reasons.textContent = `Needs you because ${event.action.reasons.join(' and ')}.`;
    const details = document.createElement('ul');
    details.className = 'chat-confirm-details';
    for (const line of event.details ?? []) {
      details.append(Object.assign(document.createElement('li'), { textContent: line }));
    }
    const yes = document.createElement('button');
    yes.textContent = 'Confirm';
    yes.className = 'confirm-yes';
    const no = document.createElement('button');
    no.textContent = 'Cancel';
    no.className = 'confirm-no';
    yes.addEventListener('click', () => {
      settle(card, 'confirmed');
      void stream((onEvent) => confirmChat({ conversationId }, onEvent));
    });
    no.addEventListener('click', () => {
      settle(card, 'cancelled');
      void send('no');
    });
    card.append(text, details, reasons, yes, no);
    log.append(card);
    log.scrollTop = log.scrollHeight;
  };

  const send = async (message) => {
    bubble(log, 'user', message);
    await stream((onEvent) => sendChat(conversationId ? { conversationId, message } : { message }, onEvent));
  };

  form.addEventListener('submit', (submit) => {
    submit.preventDefault();
    const message = input.value.trim();
    if (!message || busy) return;
    input.value = '';
    void send(message);
  });

  return { send };
};
