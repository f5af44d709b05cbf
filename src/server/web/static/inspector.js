// The Inspector panel: XState's own view of a run (fed by /api/runs/:id/inspect) — its actors, the events between
// them, the machine's state value and context at the moment you pick — and the compiled machine as a statechart with
// that moment's state lit.
import { getMachine, getRun } from './api.js';
import { createStatechart } from './statechart.js';

const RECORD_TYPES = ['@xstate.actor', '@xstate.event', '@xstate.snapshot', '@xstate.microstep'];

const element = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};

const shortEvent = (type) => type.replace(/^xstate\.(done|error)\.actor\..+$/, 'xstate.$1.actor');

const stateText = (value) => (typeof value === 'string' ? value : JSON.stringify(value));

const SKELETON = `
  <h2>Inspector <span class="inspector-hint">XState actors, events and state; pick an event to see that moment</span></h2>
  <p class="placeholder inspector-empty">Start or pick a run to inspect its machine.</p>
  <div class="inspector-grid">
    <section><h3>Actors</h3><ul class="inspector-actors plain-list"></ul></section>
    <section><h3>Events</h3><ol class="inspector-events plain-list"></ol></section>
    <section class="inspector-moment">
      <h3>State <span class="inspector-at"></span></h3>
      <p class="inspector-value"></p>
      <h3>Context</h3><pre class="inspector-context"></pre>
      <h3>Event payload</h3><pre class="inspector-payload"></pre>
    </section>
  </div>
  <details class="inspector-chart" open>
    <summary>Statechart <span class="inspector-hint">the compiled machine; the lit state is the one at that moment</span></summary>
    <div class="statechart"></div>
  </details>`;

export const createInspector = (root) => {
  root.innerHTML = SKELETON;
  const $ = (selector) => root.querySelector(selector);
  const chart = createStatechart($('.statechart'));
  let source;
  let view;

  const fresh = () => ({
    actors: new Map(),
    machineId: undefined,
    moments: [],
    records: new Map(),
    lastSeq: 0,
    selected: undefined,
  });
  const nameOf = (actorId) => view.actors.get(actorId)?.name ?? actorId;

  // The machine's state after the picked record: XState records its snapshot only at the end of a macrostep, after
  // the events its children log meanwhile — so the state after #N is the snapshot closing the machine's last step
  // begun at or before #N, not the last snapshot recorded before #N.
  const handledByMachine = (record) =>
    record.actorId === view.machineId && record.type !== '@xstate.snapshot' && record.type !== '@xstate.actor';
  const momentOf = (seq) => {
    if (seq === undefined) return view.moments.at(-1);
    let step;
    for (const [at, record] of view.records) if (at <= seq && handledByMachine(record)) step = at;
    const closing = step === undefined ? undefined : view.moments.find((entry) => entry.seq > step);
    return closing ?? view.moments.filter((entry) => entry.seq <= seq).at(-1) ?? view.moments[0];
  };

  const showMoment = () => {
    const moment = momentOf(view.selected);
    $('.inspector-at').textContent = view.selected ? `after #${view.selected}` : 'latest';
    $('.inspector-value').textContent = moment ? `${stateText(moment.snapshot.value)} · ${moment.snapshot.status}` : '';
    $('.inspector-value').dataset.value = moment ? stateText(moment.snapshot.value) : '';
    chart.highlight(moment?.snapshot.value);
    $('.inspector-context').textContent = moment?.snapshot.context
      ? JSON.stringify(moment.snapshot.context, null, 2)
      : '';
    const picked = view.selected ? view.records.get(view.selected) : undefined;
    $('.inspector-payload').textContent = picked?.event
      ? JSON.stringify(picked.event, null, 2)
      : picked
        ? JSON.stringify(picked.transitions, null, 2)
        : '';
    for (const row of root.querySelectorAll('.inspector-row'))
      row.classList.toggle('selected', Number(row.dataset.seq) === view.selected);
  };

  const addRow = (record, text, kind, from, to) => {
    const item = element('li');
    const row = element('button', `inspector-row inspector-row--${kind}`);
    Object.assign(row.dataset, {
      seq: String(record.seq),
      from,
      to,
      type: record.event?.type ?? record.eventType ?? '',
    });
    row.append(element('span', 'inspector-seq', `#${record.seq}`), element('span', 'inspector-text', text));
    row.addEventListener('click', () => {
      view.selected = view.selected === record.seq ? undefined : record.seq;
      showMoment();
    });
    item.append(row);
    const list = $('.inspector-events');
    list.append(item);
    if (view.selected === undefined) list.scrollTop = list.scrollHeight;
  };

  const setActorStatus = (actorId, status) => {
    const actor = view.actors.get(actorId);
    if (actor) actor.item.dataset.status = status;
  };

  const add = (record) => {
    if (record.seq <= view.lastSeq) return;
    view.lastSeq = record.seq;
    view.records.set(record.seq, record);
    $('.inspector-empty').hidden = true;
    switch (record.type) {
      case '@xstate.actor': {
        const item = element('li', 'inspector-actor');
        Object.assign(item.dataset, { actorId: record.actorId, name: record.name, status: 'active' });
        item.append(
          element('strong', '', record.name),
          element('small', '', record.src ? ` ${record.src} · ${record.actorId}` : ` machine · ${record.actorId}`),
        );
        $('.inspector-actors').append(item);
        view.actors.set(record.actorId, { name: record.name, item });
        if (!record.parentId) view.machineId ??= record.actorId;
        break;
      }
      case '@xstate.event': {
        const from = record.sourceId ? nameOf(record.sourceId) : 'outside';
        const to = nameOf(record.actorId);
        addRow(record, `${from} → ${to}: ${shortEvent(record.event.type)}`, 'event', from, to);
        break;
      }
      case '@xstate.microstep': {
        const steps = record.transitions.map(
          (step) => `${step.source} → ${step.targets.join(', ')}${step.guard ? ` [${step.guard}]` : ''}`,
        );
        addRow(record, `transition ${steps.join('; ')}`, 'step', nameOf(record.actorId), nameOf(record.actorId));
        break;
      }
      case '@xstate.snapshot':
        setActorStatus(record.actorId, record.snapshot.status);
        if (record.actorId === view.machineId) view.moments.push(record);
        break;
    }
    refresh();
  };

  // Records arrive in bursts: draw the moment once per frame.
  let drawing = false;
  const refresh = () => {
    if (drawing) return;
    drawing = true;
    requestAnimationFrame(() => {
      drawing = false;
      showMoment();
    });
  };

  const reset = () => {
    source?.close();
    source = undefined;
    delete root.dataset.runId;
    view = fresh();
    $('.inspector-actors').replaceChildren();
    $('.inspector-events').replaceChildren();
    $('.inspector-empty').hidden = false;
    chart.clear();
    $('.inspector-chart').hidden = true;
    showMoment();
  };

  /** The machine the run executes, drawn once its workflow is known; a run picked meanwhile wins. */
  const drawMachine = async (runId) => {
    const { workflowId } = await getRun(runId);
    const { chart: machine } = await getMachine(workflowId);
    if (root.dataset.runId !== runId) return;
    $('.inspector-chart').hidden = false;
    await chart.show(machine);
  };

  reset();
  return {
    reset,
    /** Shows the run's inspection stream from its first record; replaces any run shown before. */
    follow(runId) {
      reset();
      root.dataset.runId = runId;
      const stream = new EventSource(`/api/runs/${encodeURIComponent(runId)}/inspect`);
      const handle = (message) => add(JSON.parse(message.data));
      for (const type of RECORD_TYPES) stream.addEventListener(type, handle);
      source = stream;
      drawMachine(runId).catch((error) => {
        if (root.dataset.runId !== runId) return;
        $('.inspector-chart').hidden = false;
        $('.statechart').textContent = `The statechart is not available: ${error.message}`;
      });
    },
  };
};
