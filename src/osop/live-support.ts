// What a document may hold and still load, but cannot run live: refused before the first node runs.
import type { Diagnostic, Workflow } from './workflow.ts';

const LIVE_AGENT_PROVIDERS: readonly string[] = ['anthropic'];

/** Agent nodes whose `provider` sopstate has no client for (a warning at load, an error for a live run). */
function unsupportedProviders(workflow: Workflow): Diagnostic[] {
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

/** Node types a live run has an executor for (cli only with --allow-cli). */
const LIVE_NODE_TYPES: readonly string[] = ['api', 'agent', 'cli', 'human'];

/**
 * Everything that stops a document from running live, as errors: agent providers without a client, Claude
 * agents without `runtime.model`, node types with no live executor. (A dry run needs none of these.)
 */
export function liveBlockers(workflow: Workflow): Diagnostic[] {
  const blockers = unsupportedProviders(workflow);
  workflow.nodes.forEach((node, index) => {
    const at = { ...node.position, severity: 'error' as const };
    const child = node.subworkflow?.workflow;
    // A sub-workflow runs live when its own nodes can: what blocks them blocks this node, shown at its workflow_ref.
    if (child) {
      for (const blocker of liveBlockers(child))
        blockers.push({
          ...blocker,
          ...node.subworkflow!.position,
          path: `nodes[${index}].workflow_ref`,
          message: `node ${node.id}: in sub-workflow ${blocker.file}:${blocker.line}:${blocker.col}: ${blocker.message}`,
        });
    } else if (!LIVE_NODE_TYPES.includes(node.type)) {
      blockers.push({
        ...at,
        code: 'no-live-executor',
        path: `nodes[${index}].type`,
        message: `node ${node.id}: sopstate has no live executor for type "${node.type}", so the document cannot run live`,
        suggestion: `use one of ${LIVE_NODE_TYPES.join(', ')}, or walk it with --dry-run`,
      });
    }
    const provider = node.runtime.provider;
    const claude = provider === undefined || (provider.kind === 'value' && provider.value === 'anthropic');
    if (node.type === 'agent' && claude && node.runtime.model === undefined) {
      blockers.push({
        ...at,
        code: 'missing-model',
        path: `nodes[${index}].runtime.model`,
        message: `agent node ${node.id}: runtime.model is missing, so it cannot call Claude`,
        suggestion: 'name a Claude model, e.g. model: claude-sonnet-4-6 (or walk the document with --dry-run)',
      });
    }
  });
  return blockers;
}

/** cli nodes run shell commands: only where the person allows it (`--allow-cli`). A warning, not a blocker. */
export function cliNotes(workflow: Workflow): Diagnostic[] {
  return workflow.nodes.flatMap((node, index) =>
    node.type !== 'cli'
      ? []
      : [
          {
            ...node.position,
            severity: 'warning' as const,
            code: 'cli-needs-allow',
            path: `nodes[${index}]`,
            message: `node ${node.id} runs a shell command: it runs only with --allow-cli (sopstate run / serve)`,
            suggestion: 'pass --allow-cli where you trust this document',
          },
        ],
  );
}
