// The Inspector's statechart: the compiled XState machine (GET /api/workflows/:id/machine) laid out with elkjs —
// parallel regions nested in their fork — with the state(s) active at the picked moment lit.
import { el, measure } from './svg.js';
const TITLE_FONT = '600 12px system-ui, sans-serif';
const SUB_FONT = '11px system-ui, sans-serif';
const LABEL_FONT = '10px ui-monospace, monospace';
const CONTAINER_HEAD = 26;
const INITIAL_SIZE = 10;
const MIN_SCALE = 0.8;

const isContainer = (state) => state.type === 'compound' || state.type === 'parallel';
const pathKey = (path) => path.join('.');

/** Every state path a snapshot value names: `{fork: {a: 'x'}}` → fork, fork.a, fork.a.x. */
const activePaths = (value, prefix = []) => {
  if (typeof value === 'string') return [[...prefix, value]];
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) => [[...prefix, key], ...activePaths(child, [...prefix, key])]);
};

const subtitleOf = (state, anywhere) => {
  if (state.invokes) return `invokes ${state.invokes}`;
  if (state.type === 'parallel') return 'parallel regions';
  const events = anywhere.filter((entry) => entry.target === state.id).map((entry) => entry.event);
  // The double border already says final; what reaches it from anywhere is worth the line.
  if (state.type === 'final') return events.length > 0 ? `any state: ${events.join(', ')}` : '';
  return '';
};

const initialId = (containerId) => `initial:${containerId}`;

/**
 * Siblings in the order a run meets them: from the initial one along the transitions, final states last. ELK's
 * model-order cycle breaking reads this order, so a fork's join target is drawn after the fork, a fallback points up.
 */
const runOrder = (siblings, initial, transitions) => {
  const depth = siblings[0]?.path.length ?? 0;
  const byKey = new Map(siblings.map((state) => [state.path[depth - 1], state]));
  const prefix = pathKey(siblings[0]?.path.slice(0, -1) ?? []);
  const sibling = (state) =>
    state && pathKey(state.path.slice(0, depth - 1)) === prefix ? byKey.get(state.path[depth - 1]) : undefined;
  const seen = [];
  const queue = siblings.filter((state) => state.id === initial);
  while (queue.length > 0) {
    const next = queue.shift();
    if (seen.includes(next)) continue;
    seen.push(next);
    for (const transition of transitions) {
      if (sibling(transition.from) !== next) continue;
      const target = sibling(transition.to);
      if (target && !seen.includes(target)) queue.push(target);
    }
  }
  const rest = siblings.filter((state) => !seen.includes(state));
  const last = (state) => (state.type === 'final' ? 1 : 0);
  return [...seen, ...rest].sort((left, right) => last(left) - last(right));
};

const elkNode = (state, anywhere, transitions) => {
  const sub = subtitleOf(state, anywhere);
  const textWidth = Math.max(measure(state.key, TITLE_FONT), sub ? measure(sub, SUB_FONT) : 0);
  if (!isContainer(state)) {
    const final = state.type === 'final';
    return {
      id: state.id,
      width: textWidth + 24,
      height: sub ? 40 : 28,
      layoutOptions: final ? { 'elk.layered.layering.layerConstraint': 'LAST' } : {},
    };
  }
  const children = runOrder(state.states, state.initial, transitions).map((child) =>
    elkNode(child, anywhere, transitions),
  );
  if (state.initial)
    children.unshift({
      id: initialId(state.id),
      width: INITIAL_SIZE,
      height: INITIAL_SIZE,
      layoutOptions: { 'elk.layered.layering.layerConstraint': 'FIRST' },
    });
  return {
    id: state.id,
    children,
    edges: [],
    layoutOptions: {
      'elk.padding': `[top=${CONTAINER_HEAD + 8},left=12,bottom=12,right=12]`,
      'elk.nodeSize.constraints': 'MINIMUM_SIZE',
      'elk.nodeSize.minimum': `(${textWidth + 24},${CONTAINER_HEAD + 20})`,
    },
  };
};

const edgeText = (transition) => transition.events.join(' · ');

/** Lays the chart out: one ELK graph, every coordinate relative to the root so drawing needs no offsets. */
const layoutChart = async (chart) => {
  const states = new Map();
  const walk = (list) => {
    for (const state of list) {
      states.set(state.id, state);
      walk(state.states);
    }
  };
  walk(chart.states);
  const resolved = chart.transitions.map((transition) => ({
    from: states.get(transition.source),
    to: states.get(transition.target),
  }));
  const children = runOrder(chart.states, chart.initial, resolved).map((state) =>
    elkNode(state, chart.anywhere, resolved),
  );
  if (chart.initial)
    children.unshift({
      id: initialId('root'),
      width: INITIAL_SIZE,
      height: INITIAL_SIZE,
      layoutOptions: { 'elk.layered.layering.layerConstraint': 'FIRST' },
    });
  const containers = new Map([['root', { children }]]);
  const index = (list) => {
    for (const node of list) {
      if (!node.children) continue;
      containers.set(node.id, node);
      index(node.children);
    }
  };
  index(children);
  // An edge belongs to the innermost state holding both ends (ELK needs it there to route it inside).
  const ownerOf = (source, target) => {
    const from = source.path.slice(0, -1);
    const to = target.path.slice(0, -1);
    let depth = 0;
    while (depth < from.length && depth < to.length && from[depth] === to[depth]) depth++;
    if (depth === 0) return 'root';
    const prefix = pathKey(from.slice(0, depth));
    return [...states.values()].find((state) => pathKey(state.path) === prefix)?.id ?? 'root';
  };
  const edges = [];
  const add = (owner, edge) => {
    const container = containers.get(owner) ?? containers.get('root');
    (container.edges ??= []).push(edge);
    edges.push(edge);
  };
  chart.transitions.forEach((transition, at) => {
    const source = states.get(transition.source);
    const target = states.get(transition.target);
    if (!source || !target) return;
    const text = edgeText(transition);
    add(ownerOf(source, target), {
      id: `t${at}`,
      sources: [transition.source],
      targets: [transition.target],
      labels: [{ text, width: measure(text, LABEL_FONT) + 6, height: 14 }],
      transition,
    });
  });
  for (const owner of containers.keys()) {
    const state = owner === 'root' ? { initial: chart.initial } : states.get(owner);
    if (!state?.initial) continue;
    add(owner, { id: `i:${owner}`, sources: [initialId(owner)], targets: [state.initial], initial: true });
  }
  const graph = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.json.shapeCoords': 'ROOT',
      'elk.json.edgeCoords': 'ROOT',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.layered.spacing.nodeNodeBetweenLayers': '34',
      'elk.spacing.nodeNode': '22',
      'elk.spacing.edgeLabel': '2',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.padding': '[top=10,left=10,bottom=10,right=10]',
    },
    children,
    edges: containers.get('root').edges ?? [],
  };
  // ELK reads `transition` and `initial` as unknown properties and keeps them; it lays out the object in place.
  const laid = await new window.ELK().layout(graph);
  return { laid, states, edges };
};

const pathOf = (section) =>
  [section.startPoint, ...(section.bendPoints ?? []), section.endPoint]
    .map((point, at) => `${at === 0 ? 'M' : 'L'}${point.x},${point.y}`)
    .join(' ');

const edgeKind = (transition) => {
  if (transition.events.every((event) => event === 'error')) return 'error';
  if (transition.events.every((event) => event === 'always')) return 'always';
  return 'done';
};

const draw = (container, chart, { laid, states }) => {
  container.replaceChildren();
  const svg = el(
    'svg',
    {
      viewBox: `0 0 ${laid.width} ${laid.height}`,
      width: laid.width,
      height: laid.height,
      class: 'statechart-svg',
      role: 'img',
      'aria-label': `statechart of machine ${chart.id}`,
    },
    container,
  );
  const marker = el(
    'marker',
    {
      id: 'sc-arrow',
      viewBox: '0 0 10 10',
      refX: 9,
      refY: 5,
      markerWidth: 7,
      markerHeight: 7,
      markerUnits: 'userSpaceOnUse',
      orient: 'auto-start-reverse',
    },
    el('defs', {}, svg),
  );
  el('path', { d: 'M0,0 L10,5 L0,10 z', class: 'sc-arrowhead' }, marker);
  const stateLayer = el('g', { class: 'sc-states' }, svg);
  const edgeLayer = el('g', { class: 'sc-edges' }, svg);
  const views = new Map();
  const drawNode = (node, parentType) => {
    if (node.id.startsWith('initial:')) {
      el(
        'circle',
        { cx: node.x + node.width / 2, cy: node.y + node.height / 2, r: 5, class: 'sc-initial' },
        stateLayer,
      );
      return;
    }
    const state = states.get(node.id);
    const group = el(
      'g',
      {
        class: `sc-state sc-state--${state.type}${parentType === 'parallel' ? ' sc-state--region' : ''}`,
        'data-state-id': state.id,
        'data-path': pathKey(state.path),
      },
      stateLayer,
    );
    el('title', {}, group).textContent = [state.id, state.description].filter(Boolean).join(' — ');
    const rx = state.type === 'final' ? node.height / 2 : 8;
    el('rect', { x: node.x, y: node.y, width: node.width, height: node.height, rx, class: 'sc-box' }, group);
    if (state.type === 'final')
      el(
        'rect',
        { x: node.x + 3, y: node.y + 3, width: node.width - 6, height: node.height - 6, rx: rx - 3, class: 'sc-inner' },
        group,
      );
    const sub = subtitleOf(state, chart.anywhere);
    const container = isContainer(state);
    const titleY = container ? node.y + 17 : node.y + (sub ? 17 : node.height / 2 + 4);
    const titleX = container ? node.x + 10 : node.x + node.width / 2;
    const title = el('text', { x: titleX, y: titleY, class: `sc-title${container ? '' : ' sc-centered'}` }, group);
    title.textContent = state.key;
    if (sub) {
      const subX = container ? titleX + measure(state.key, TITLE_FONT) + 8 : titleX;
      const line = el(
        'text',
        { x: subX, y: container ? titleY : titleY + 15, class: `sc-sub${container ? '' : ' sc-centered'}` },
        group,
      );
      line.textContent = sub;
    }
    views.set(pathKey(state.path), group);
    for (const child of node.children ?? []) drawNode(child, state.type);
  };
  for (const node of laid.children ?? []) drawNode(node, 'root');
  const drawEdges = (node) => {
    for (const edge of node.edges ?? []) {
      const kind = edge.initial ? 'initial' : edgeKind(edge.transition);
      const group = el(
        'g',
        {
          class: `sc-edge sc-edge--${kind}`,
          'data-source': edge.sources[0],
          'data-target': edge.targets[0],
        },
        edgeLayer,
      );
      if (edge.transition?.guards.length) el('title', {}, group).textContent = edge.transition.guards.join(', ');
      for (const section of edge.sections ?? [])
        el('path', { d: pathOf(section), class: 'sc-line', 'marker-end': 'url(#sc-arrow)' }, group);
      for (const label of edge.labels ?? []) {
        el(
          'rect',
          { x: label.x, y: label.y, width: label.width, height: label.height, rx: 3, class: 'sc-label-bg' },
          group,
        );
        el(
          'text',
          { x: label.x + label.width / 2, y: label.y + label.height / 2, class: 'sc-label' },
          group,
        ).textContent = label.text;
      }
    }
    for (const child of node.children ?? []) drawEdges(child);
  };
  drawEdges(laid);
  return views;
};

export const createStatechart = (container) => {
  let views = new Map();
  let wanted;
  let shown = 0;

  const light = () => {
    const active = new Set((wanted === undefined ? [] : activePaths(wanted)).map(pathKey));
    const leaves = [];
    for (const [path, group] of views) {
      const on = active.has(path);
      const leaf = on && ![...active].some((other) => other.startsWith(`${path}.`));
      group.classList.toggle('sc-state--active', leaf);
      group.classList.toggle('sc-state--within', on && !leaf);
      if (leaf) leaves.push(path);
    }
    container.dataset.active = leaves.sort().join(' ');
  };

  return {
    /** Draws the machine; a later call wins over one still laying out. */
    async show(chart) {
      const mine = ++shown;
      const layout = await layoutChart(chart);
      if (mine !== shown) return;
      views = draw(container, chart, layout);
      // A little wider than the box: shrink to fit while the text stays readable; much wider: scroll in the box.
      const room = container.clientWidth - 8;
      const scale = Math.max(MIN_SCALE, Math.min(1, room / layout.laid.width));
      const svg = container.querySelector('svg');
      svg.setAttribute('width', String(Math.round(layout.laid.width * scale)));
      svg.setAttribute('height', String(Math.round(layout.laid.height * scale)));
      container.dataset.machine = chart.id;
      light();
    },
    /** Lights the states a snapshot `value` names (undefined: none). */
    highlight(value) {
      wanted = value;
      light();
    },
    clear() {
      shown++;
      views = new Map();
      wanted = undefined;
      container.replaceChildren();
      delete container.dataset.machine;
      delete container.dataset.active;
    },
  };
};
