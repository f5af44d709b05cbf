// Lays a workflow out with elkjs (loaded as window.ELK) and draws it as SVG; statuses and taken edges update live.
import { el, measure } from './svg.js';
const FAILURE_MODES = new Set(['fallback', 'error', 'timeout']);
/** Edges that carry data only (no control flow goes along them): drawn dashed, never lit as taken. */
const DATA_MODES = new Set(['dataflow', 'message']);

const NODE_FONT = '600 13px system-ui, sans-serif';
const SUB_FONT = '11px system-ui, sans-serif';
const LABEL_FONT = '11px ui-monospace, monospace';

const conditionOf = (edge) => {
  const when = edge.when ?? edge.condition;
  if (typeof when === 'string') return when;
  return when?.source;
};

const edgeLabel = (edge) => {
  // A conditional edge without a condition loads only as the else branch (`when: otherwise`).
  const condition = conditionOf(edge) ?? (edge.mode === 'conditional' ? 'otherwise' : undefined);
  return condition ? `${edge.mode}: ${condition}` : edge.mode;
};

const edgeKey = (from, to, mode) => `${from}->${to}:${mode}`;

/** The arrows to draw: a switch edge becomes one arrow per case (and its default), each labelled. */
export const drawnEdges = (workflow) =>
  workflow.edges.flatMap((edge) => {
    if (edge.mode !== 'switch' || !(edge.cases?.length || edge.defaultTo)) return [{ ...edge, text: edgeLabel(edge) }];
    const on = conditionOf(edge) ?? '';
    const arrows = (edge.cases ?? []).map((branch) => ({
      from: edge.from,
      to: branch.to,
      mode: 'switch',
      text: `switch: ${on} = ${JSON.stringify(branch.value)}`,
    }));
    const fallbackTo = edge.defaultTo ?? edge.to;
    if (fallbackTo && !arrows.some((arrow) => arrow.to === fallbackTo))
      arrows.push({ from: edge.from, to: fallbackTo, mode: 'switch', text: `switch: ${on} (default)` });
    return arrows;
  });

export const layoutWorkflow = async (workflow, edgesToDraw = drawnEdges(workflow)) => {
  const elk = new window.ELK();
  const children = workflow.nodes.map((node) => {
    const sub = `${node.type}${node.name && node.name !== node.id ? ` · ${node.name}` : ''}`;
    return {
      id: node.id,
      width: Math.max(measure(node.id, NODE_FONT), measure(sub, SUB_FONT)) + 28,
      height: 50,
    };
  });
  const edges = edgesToDraw.map((edge, index) => {
    const { text } = edge;
    return {
      id: `e${index}`,
      sources: [edge.from],
      targets: [edge.to],
      labels: [{ text, width: measure(text, LABEL_FONT) + 8, height: 16 }],
    };
  });
  return elk.layout({
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'DOWN',
      'elk.edgeRouting': 'ORTHOGONAL',
      // Written order decides which edge of a cycle points back up: a fallback, not the happy path.
      'elk.layered.cycleBreaking.strategy': 'MODEL_ORDER',
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
      'elk.layered.spacing.nodeNodeBetweenLayers': '56',
      'elk.spacing.nodeNode': '40',
      'elk.spacing.edgeLabel': '4',
      'elk.edgeLabels.placement': 'CENTER',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
    },
    children,
    edges,
  });
};

const pathOf = (section) => {
  const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint];
  return points.map((point, index) => `${index === 0 ? 'M' : 'L'}${point.x},${point.y}`).join(' ');
};

/** Draws the laid-out workflow into `container` and returns handles to colour it. */
export const drawGraph = (container, workflow, layout, edgesToDraw = drawnEdges(workflow), { onNodeClick } = {}) => {
  container.replaceChildren();
  const svg = el(
    'svg',
    {
      viewBox: `0 0 ${layout.width} ${layout.height}`,
      width: layout.width,
      height: layout.height,
      class: 'graph',
      role: 'img',
      'aria-label': `graph of ${workflow.name ?? workflow.id}`,
    },
    container,
  );
  const defs = el('defs', {}, svg);
  for (const kind of ['normal', 'failure', 'taken']) {
    const marker = el(
      'marker',
      {
        id: `arrow-${kind}`,
        viewBox: '0 0 10 10',
        refX: 9,
        refY: 5,
        markerWidth: 9,
        markerHeight: 9,
        markerUnits: 'userSpaceOnUse',
        orient: 'auto-start-reverse',
      },
      defs,
    );
    el('path', { d: 'M0,0 L10,5 L0,10 z', class: `arrow arrow--${kind}` }, marker);
  }
  const edgeLayer = el('g', { class: 'edges' }, svg);
  const nodeLayer = el('g', { class: 'nodes' }, svg);
  const edgeViews = new Map();
  layout.edges.forEach((laid, index) => {
    const edge = edgesToDraw[index];
    const failure = FAILURE_MODES.has(edge.mode);
    const group = el(
      'g',
      {
        class: `edge edge--${edge.mode}${failure ? ' edge--failure' : ''}`,
        'data-from': edge.from,
        'data-to': edge.to,
        'data-mode': edge.mode,
      },
      edgeLayer,
    );
    const dashes = DATA_MODES.has(edge.mode) ? { 'stroke-dasharray': '2 4' } : {};
    for (const section of laid.sections ?? []) {
      el(
        'path',
        {
          d: pathOf(section),
          class: 'edge-line',
          'marker-end': `url(#arrow-${failure ? 'failure' : 'normal'})`,
          ...dashes,
        },
        group,
      );
    }
    for (const label of laid.labels ?? []) {
      el(
        'rect',
        { x: label.x, y: label.y, width: label.width, height: label.height, rx: 3, class: 'edge-label-bg' },
        group,
      );
      const text = el(
        'text',
        { x: label.x + label.width / 2, y: label.y + label.height / 2, class: 'edge-label' },
        group,
      );
      text.textContent = label.text;
    }
    if (DATA_MODES.has(edge.mode)) return;
    const key = edgeKey(edge.from, edge.to, edge.mode);
    edgeViews.set(key, group);
    if (!edgeViews.has(`${edge.from}->${edge.to}`)) edgeViews.set(`${edge.from}->${edge.to}`, group);
  });
  const nodeViews = new Map();
  for (const laid of layout.children) {
    const node = workflow.nodes.find((candidate) => candidate.id === laid.id);
    const group = el(
      'g',
      {
        class: 'node',
        transform: `translate(${laid.x},${laid.y})`,
        'data-node-id': node.id,
        'data-status': 'pending',
      },
      nodeLayer,
    );
    el('title', {}, group).textContent = node.description ?? node.name ?? node.id;
    group.setAttribute('tabindex', '0');
    group.setAttribute('role', 'button');
    group.setAttribute('aria-label', `node ${node.id}: show its details`);
    if (onNodeClick) {
      group.addEventListener('click', () => onNodeClick(node.id));
      group.addEventListener('keydown', (key) => {
        if (key.key === 'Enter' || key.key === ' ') onNodeClick(node.id);
      });
    }
    el('rect', { width: laid.width, height: laid.height, rx: 8, class: 'node-box' }, group);
    const badge = el('g', { class: 'node-badges', transform: `translate(${laid.width - 4},-8)` }, group);
    badge.dataset.width = String(laid.width);
    const title = el('text', { x: 14, y: 21, class: 'node-id' }, group);
    title.textContent = node.id;
    const sub = el('text', { x: 14, y: 38, class: 'node-sub' }, group);
    sub.textContent = `${node.type}${node.name && node.name !== node.id ? ` · ${node.name}` : ''}`;
    nodeViews.set(node.id, group);
  }
  let scale = 1;
  const applyScale = () => {
    svg.setAttribute('width', String(Math.round(layout.width * scale)));
    svg.setAttribute('height', String(Math.round(layout.height * scale)));
    container.dataset.scale = scale.toFixed(2);
  };
  return {
    /** Visits (×N) and attempts (↻N) as badges at the node's top right corner; none when 1. */
    setBadges(nodeId, { visits = 0, attempts = 0 }) {
      const badges = nodeViews.get(nodeId)?.querySelector('.node-badges');
      if (!badges) return;
      badges.replaceChildren();
      const items = [
        visits > 1 ? { text: `×${visits}`, kind: 'visits' } : undefined,
        attempts > 1 ? { text: `↻${attempts}`, kind: 'attempts' } : undefined,
      ].filter(Boolean);
      let right = 0;
      for (const item of items) {
        const width = measure(item.text, '600 11px system-ui, sans-serif') + 12;
        right += width + 4;
        const one = el(
          'g',
          { class: `node-badge node-badge--${item.kind}`, transform: `translate(${-right + 4},0)` },
          badges,
        );
        el('rect', { width, height: 18, rx: 9 }, one);
        el('text', { x: width / 2, y: 9 }, one).textContent = item.text;
      }
      nodeViews.get(nodeId)?.setAttribute('data-visits', String(visits));
      nodeViews.get(nodeId)?.setAttribute('data-attempts', String(attempts));
    },
    select(nodeId) {
      for (const [id, group] of nodeViews) group.classList.toggle('selected', id === nodeId);
    },
    /** Zoom: `factor` times the current size, or `fit` to the container's width (never below `min`). */
    zoom(factor) {
      scale = Math.min(3, Math.max(0.3, scale * factor));
      applyScale();
    },
    fit(min = 0.3) {
      const room = container.clientWidth - 16;
      scale = Math.max(min, Math.min(1, room / layout.width));
      applyScale();
    },
    setStatus(nodeId, status) {
      nodeViews.get(nodeId)?.setAttribute('data-status', status);
    },
    status: (nodeId) => nodeViews.get(nodeId)?.getAttribute('data-status'),
    takeEdge(from, to, mode) {
      const group = edgeViews.get(edgeKey(from, to, mode)) ?? edgeViews.get(`${from}->${to}`);
      if (!group) return;
      group.classList.add('edge--taken');
      for (const line of group.querySelectorAll('.edge-line')) line.setAttribute('marker-end', 'url(#arrow-taken)');
    },
    reset() {
      for (const group of nodeViews.values()) group.setAttribute('data-status', 'pending');
      for (const id of nodeViews.keys()) this.setBadges(id, {});
      for (const group of edgeViews.values()) {
        group.classList.remove('edge--taken');
        const failure = group.classList.contains('edge--failure');
        for (const line of group.querySelectorAll('.edge-line'))
          line.setAttribute('marker-end', `url(#arrow-${failure ? 'failure' : 'normal'})`);
      }
    },
  };
};
