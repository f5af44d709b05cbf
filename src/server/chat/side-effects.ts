// The steps of a workflow that change something outside sopstate: what the chat must ask the person about.
import { templateText } from './workflow-view.ts';
import { isRecord } from '../../util/is-record.ts';

export interface SideEffectStep {
  node: string;
  type: string;
  /** e.g. "POST https://api.stripe.com/v1/customers" or "runs `git push ${inputs.remote}`". */
  what: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Node types whose steps only read, think or wait for a person. */
const NO_EFFECT_TYPES = new Set(['agent', 'human']);

const stepOf = (node: Record<string, unknown>): SideEffectStep | undefined => {
  const type = String(node.type);
  const id = String(node.id);
  const runtime = isRecord(node.runtime) ? node.runtime : {};
  if (NO_EFFECT_TYPES.has(type)) return undefined;
  if (type === 'api') {
    const method = (templateText(runtime.method) ?? 'GET').toUpperCase();
    if (SAFE_METHODS.has(method)) return undefined;
    const url = [templateText(runtime.url), templateText(runtime.endpoint)].filter(Boolean).join('');
    return { node: id, type, what: `${method} ${url || '(a URL known only at run time)'}` };
  }
  if (type === 'cli') return { node: id, type, what: `runs \`${templateText(runtime.command) ?? 'a command'}\`` };
  // Fail closed: a type sopstate cannot tell is harmless counts as one that acts.
  return { node: id, type, what: `a ${type} step` };
};

/** api calls other than GET/HEAD/OPTIONS, cli commands, and steps of any type not known to be harmless. */
export const sideEffectSteps = (workflow: Record<string, unknown>): SideEffectStep[] => {
  const nodes = Array.isArray(workflow.nodes) ? workflow.nodes.filter(isRecord) : [];
  return nodes.flatMap((node) => stepOf(node) ?? []);
};
