// Small shared formatters for the page.
export const formatMs = (ms) => {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
};

/**
 * A run status as the page says it: `COST_LIMIT` → "over budget", the others in lower case.
 * @param {unknown} status
 */
export const statusLabel = (status) => (status === 'COST_LIMIT' ? 'over budget' : String(status).toLowerCase());

export const shortId = (id) => String(id ?? '').slice(0, 8);

/** `email=a@b.c · amount=2000`, cut to `max` characters. */
export const inputsSummary = (inputs, max = 60) => {
  const text = Object.entries(inputs ?? {})
    .map(([name, value]) => `${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' · ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
};

export const element = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};
