// What a document may hold and still load, but cannot run live: refused before the first node runs.
import type { Diagnostic, Workflow } from './workflow.ts';

export const LIVE_AGENT_PROVIDERS: readonly string[] = ['anthropic'];

/** Agent nodes whose `provider` sopstate has no client for (a warning at load, an error for a live run). */
export function unsupportedProviders(workflow: Workflow): Diagnostic[] {
  return workflow.nodes.flatMap((node, index) => {
    const provider = node.runtime.provider;
    if (node.type !== 'agent' || provider?.kind !== 'value' || typeof provider.value !== 'string') return [];
    if (LIVE_AGENT_PROVIDERS.includes(provider.value)) return [];
    return [
      {
        ...node.position,
        severity: 'error' as const,
        code: 'unsupported-provider',
        path: `nodes[${index}].runtime.provider`,
        message: `node ${node.id}: agent provider "${provider.value}" has no client in sopstate, so it cannot run live`,
        suggestion: `use provider: ${LIVE_AGENT_PROVIDERS.join(' | ')}, or walk it with --dry-run`,
      },
    ];
  });
}
