import { describe, expect, it } from 'vitest';
import { sopstate } from '../support/sopstate-cli.ts';

const SEED = 'examples/stripe-payment-seed.osop.yaml';

const render = (args: string[]) => sopstate(['render', ...args]);

describe('sopstate render', () => {
  it('draws the seed as a Mermaid flowchart with modes and conditions on the edges', () => {
    const { code, stdout } = render([SEED, '--format', 'mermaid']);
    expect(code).toBe(0);
    expect(stdout.startsWith('flowchart TD\n')).toBe(true);
    expect(stdout).toContain(`n3 -->|"conditional: check_status.status == 'succeeded'"| n4`);
    expect(stdout).toContain('n2 -.->|"fallback"| n1');
    expect(stdout.match(/^  n\d (-->|-\.->)/gm)).toHaveLength(5);
  });

  it('draws the seed as Graphviz DOT', () => {
    const { code, stdout } = render([SEED, '--format', 'dot']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^digraph "sop-stripe-payment" \{/);
    expect(stdout).toContain(
      `"check_status" -> "send_receipt" [label="conditional: check_status.status == 'succeeded'"]`,
    );
    expect(stdout).toContain('"confirm_payment" -> "create_intent" [label="fallback", style=dashed');
  });

  it('prints the graph as JSON', () => {
    const { code, stdout } = render([SEED, '--format', 'json']);
    expect(code).toBe(0);
    const graph = JSON.parse(stdout) as {
      nodes: Array<{ id: string; start: boolean }>;
      edges: Array<{ from: string; to: string; label: string }>;
    };
    expect(graph.nodes.filter((node) => node.start).map((node) => node.id)).toEqual(['create_customer']);
    expect(graph.edges).toHaveLength(5);
  });

  it('refuses an invalid workflow with its diagnostics and exit 2', () => {
    const { code, stdout, stderr } = render(['test/fixtures/corpus/osop-fixtures/missing_fields.osop']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/missing_fields\.osop:1:1: error: missing required fields/);
  });
});
