// A JSON value as a collapsible tree (<details> per object/array) with a copy button.
import { element } from './format.js';

const leaf = (value) => {
  const kind = value === null ? 'null' : typeof value;
  return element('span', `json-${kind}`, kind === 'string' ? JSON.stringify(value) : String(value));
};

const tree = (value, label, depth) => {
  if (value === null || typeof value !== 'object') {
    const row = element('div', 'json-row');
    if (label !== undefined) row.append(element('span', 'json-key', `${label}: `));
    row.append(leaf(value));
    return row;
  }
  const entries = Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
  const box = element('details', 'json-node');
  box.open = depth < 2;
  const summary = element('summary');
  if (label !== undefined) summary.append(element('span', 'json-key', `${label}: `));
  summary.append(element('span', 'json-brief', Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`));
  box.append(summary);
  for (const [key, item] of entries) box.append(tree(item, key, depth + 1));
  return box;
};

/** A titled block holding `value` as a tree, with a Copy button that copies its JSON. */
export const jsonBlock = (title, value) => {
  const block = element('section', 'json-block');
  const head = element('div', 'json-head');
  head.append(element('h4', '', title));
  const copy = element('button', 'json-copy', 'Copy');
  copy.type = 'button';
  copy.addEventListener('click', () => {
    const text = JSON.stringify(value, null, 2);
    navigator.clipboard?.writeText(text).then(
      () => (copy.textContent = 'Copied'),
      () => (copy.textContent = 'Copy failed'),
    );
  });
  head.append(copy);
  const body = element('div', 'json-tree');
  body.append(tree(value, undefined, 0));
  block.append(head, body);
  return block;
};
