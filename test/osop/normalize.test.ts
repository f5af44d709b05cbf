import { describe, expect, it } from 'vitest';
import { loadWorkflowText } from '../../src/osop/load.ts';
import type { LoadResult, Workflow } from '../../src/osop/workflow.ts';

function doc(nodes: string, edges: string, top = ''): string {
  return `osop_version: "1.0"\nid: t\nname: T\n${top}nodes:\n${nodes}\nedges:\n${edges}\n`;
}

function load(text: string): LoadResult {
  return loadWorkflowText(text, 'test.osop.yaml');
}

function workflow(text: string): Workflow {
  const result = load(text);
  expect(result.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
  return result.workflow!;
}

const TWO = '  - {id: a, type: cli}\n  - {id: b, type: cli}';

describe('retry and timeout, both dialects', () => {
  it('reads the schema form retry_policy and timeout_sec', () => {
    const nodes =
      '  - id: a\n    type: api\n    timeout_sec: 30\n    retry_policy: {max_retries: 2, strategy: exponential_backoff, backoff_sec: 5}\n  - {id: b, type: cli}';
    const [a] = workflow(doc(nodes, '  - {from: a, to: b}')).nodes;
    expect(a.timeoutMs).toBe(30_000);
    expect(a.retry).toMatchObject({ maxAttempts: 3, backoff: { type: 'exponential', initialMs: 5000, multiplier: 2 } });
  });

  it('reads the docs form retry and timeout: "10m"', () => {
    const nodes = [
      '  - id: a',
      '    type: api',
      '    timeout: "10m"',
      '    retry:',
      '      max_attempts: 4',
      '      backoff: {type: fixed, initial_delay: "500ms", max_delay: "2s"}',
      '      retryable_errors: [rate_limit, timeout]',
      '  - {id: b, type: cli, timeout: "24h"}',
    ].join('\n');
    const [a, b] = workflow(doc(nodes, '  - {from: a, to: b}')).nodes;
    expect(a.timeoutMs).toBe(600_000);
    expect(b.timeoutMs).toBe(86_400_000);
    expect(a.retry).toEqual({
      maxAttempts: 4,
      backoff: { type: 'fixed', initialMs: 500, maxMs: 2000, multiplier: 1 },
      retryableErrors: ['rate_limit', 'timeout'],
    });
  });

  it('applies workflow-level timeout_sec and retry', () => {
    const result = workflow(doc(TWO, '  - {from: a, to: b}', 'timeout_sec: 120\nretry: {max_attempts: 2}\n'));
    expect(result.timeoutMs).toBe(120_000);
    expect(result.retry?.maxAttempts).toBe(2);
  });

  it('locates an unreadable timeout', () => {
    const result = load(doc('  - {id: a, type: cli, timeout: "soon"}\n  - {id: b, type: cli}', '  - {from: a, to: b}'));
    expect(result.diagnostics).toMatchObject([{ code: 'invalid-timeout', line: 5, path: 'nodes[0].timeout' }]);
  });
});

describe('workflow inputs', () => {
  it('accepts a list, a mapping and a JSON Schema object', () => {
    const list = workflow(
      doc(TWO, '  - {from: a, to: b}', 'inputs:\n  - email\n  - {name: amount, type: integer, default: 2000}\n'),
    ).inputs;
    expect(list).toEqual([
      { name: 'email', required: true },
      { name: 'amount', type: 'integer', required: false, default: 2000 },
    ]);
    const mapping = workflow(
      doc(TWO, '  - {from: a, to: b}', 'inputs:\n  email: {type: string, description: Who pays}\n  currency: usd\n'),
    ).inputs;
    expect(mapping).toEqual([
      { name: 'email', type: 'string', required: true, description: 'Who pays' },
      { name: 'currency', required: false, default: 'usd' },
    ]);
    const schema = workflow(
      doc(
        TWO,
        '  - {from: a, to: b}',
        'inputs:\n  type: object\n  required: [email]\n  properties:\n    email: {type: string}\n    amount: {type: integer, default: 5}\n',
      ),
    ).inputs;
    expect(schema).toEqual([
      { name: 'email', type: 'string', required: true },
      { name: 'amount', type: 'integer', required: false, default: 5 },
    ]);
  });

  it('checks ${inputs.x} against declared inputs', () => {
    const nodes = '  - id: a\n    type: cli\n    runtime: {command: "echo ${inputs.emial}"}\n  - {id: b, type: cli}';
    const result = load(doc(nodes, '  - {from: a, to: b}', 'inputs: [email]\n'));
    expect(result.diagnostics).toMatchObject([
      { code: 'unknown-reference', line: 8, suggestion: 'did you mean email?' },
    ]);
  });
});

describe('outputs in every form', () => {
  it('reads mappings, response_mapping, names and {name, description}', () => {
    const nodes = [
      '  - id: a',
      '    type: api',
      '    runtime: {method: GET, url: "https://x.test", response_mapping: {deploy_id: "$.data.id"}}',
      '    outputs: [{customer_id: data.id}, plain, {name: summary, description: Short}]',
      '  - {id: b, type: cli}',
    ].join('\n');
    const [a] = workflow(doc(nodes, '  - {from: a, to: b}')).nodes;
    expect(a.outputs.map((output) => [output.name, output.extract?.kind ?? 'declared'])).toEqual([
      ['customer_id', 'cel'],
      ['plain', 'declared'],
      ['summary', 'declared'],
      ['deploy_id', 'jsonpath'],
    ]);
    expect(a.runtime.response_mapping).toBeUndefined();
  });
});

describe('edges', () => {
  it('normalizes condition to when, compiled against the source node', () => {
    const [edge] = workflow(doc(TWO, '  - {from: a, to: b, mode: conditional, condition: "a.exit_code == 0"}')).edges;
    expect(edge.when?.source).toBe('a.exit_code == 0');
    expect(
      edge.when?.evaluate({ inputs: {}, outputs: { a: { exit_code: 0 } }, metadata: {}, env: {}, nodes: {} }),
    ).toBe(true);
  });

  it('reads switch cases, joins and for_each loops', () => {
    const nodes = '  - {id: a, type: cli}\n  - {id: b, type: cli}\n  - {id: c, type: cli}';
    const edges = [
      '  - {from: a, to: b, mode: switch, when: "a.stdout", cases: [{value: "x", to: b}, {value: "y", to: c}], default_to: c}',
      '  - {from: b, to: c, mode: parallel, join_mode: wait_n, join_count: 1}',
      '  - {from: c, to: a, mode: loop, for_each: "inputs.items", iterator_var: it}',
    ].join('\n');
    const [sw, join, loop] = workflow(doc(nodes, edges)).edges;
    expect(sw).toMatchObject({
      mode: 'switch',
      cases: [
        { value: 'x', to: 'b' },
        { value: 'y', to: 'c' },
      ],
      defaultTo: 'c',
    });
    expect(join).toMatchObject({ joinMode: 'wait_n', joinCount: 1 });
    expect(loop).toMatchObject({ mode: 'loop', iteratorVar: 'it' });
    expect(
      loop.forEach?.evaluate({ inputs: { items: [1, 2] }, outputs: {}, metadata: {}, env: {}, nodes: {} }),
    ).toEqual([1, 2]);
  });

  it('checks ${loop.<var>} against the iterator_var of for_each edges', () => {
    const nodes = '  - {id: a, type: cli, runtime: {command: "echo ${loop.it} ${loop.itm}"}}\n  - {id: b, type: cli}';
    const result = load(
      doc(nodes, '  - {from: b, to: a, mode: loop, for_each: "inputs.items", iterator_var: it}\n  - {from: a, to: b}'),
    );
    expect(result.diagnostics.filter((diagnostic) => diagnostic.code === 'unknown-loop-var')).toMatchObject([
      { severity: 'warning', line: 5, col: 60, suggestion: 'did you mean it?' },
    ]);
  });

  it('refuses an unknown mode with a suggestion, and a conditional edge without a condition', () => {
    expect(load(doc(TWO, '  - {from: a, to: b, mode: fallbak}')).diagnostics).toMatchObject([
      { code: 'invalid-mode', suggestion: 'did you mean fallback?' },
    ]);
    expect(load(doc(TWO, '  - {from: a, to: b, mode: conditional}')).diagnostics).toMatchObject([
      { code: 'missing-condition' },
    ]);
    expect(load(doc(TWO, '  - {from: a, to: b, mode: parallel, join_mode: wait_n}')).diagnostics).toMatchObject([
      { code: 'invalid-join' },
    ]);
  });

  it('finds entry nodes and warns about unreachable ones', () => {
    const nodes = '  - {id: a, type: cli}\n  - {id: b, type: cli}\n  - {id: c, type: cli}\n  - {id: d, type: cli}';
    const result = load(doc(nodes, '  - {from: a, to: b}\n  - {from: c, to: c}\n  - {from: b, to: d, mode: fallback}'));
    expect(result.workflow?.start).toEqual(['a']);
    expect(result.diagnostics).toMatchObject([{ code: 'unreachable-node', path: 'nodes[2]' }]);
  });
});

describe('nodes', () => {
  it('joins url and endpoint, and moves a node-level command into the runtime', () => {
    const nodes =
      '  - {id: a, type: api, runtime: {url: "https://api.test/", endpoint: "/v1/x"}}\n  - {id: b, type: cli, command: "echo hi"}';
    const [a, b] = workflow(doc(nodes, '  - {from: a, to: b}')).nodes;
    expect(a.runtime.url).toEqual({ kind: 'value', value: 'https://api.test/v1/x' });
    expect(b.runtime.command).toEqual({ kind: 'value', value: 'echo hi' });
  });

  it('refuses shell syntax in a cli command that does not ask for a shell, where it is', () => {
    for (const [command, message] of [
      ['echo ${inputs.x} | tee log', 'command uses "|", which needs a shell'],
      ['echo $HOME ${inputs.x}', 'command uses $HOME, which only a shell expands'],
      ['echo "open ${inputs.x}', 'command has a quote that is never closed'],
    ]) {
      const nodes = `  - {id: a, type: cli, runtime: {command: ${JSON.stringify(command)}}}\n  - {id: b, type: cli}`;
      const result = load(doc(nodes, '  - {from: a, to: b}', 'inputs: [{name: x}]\n'));
      expect(result.diagnostics, command).toMatchObject([
        { code: 'invalid-command', path: 'nodes[0].runtime.command', line: 6, message },
      ]);
    }
    const shell = workflow(
      doc(
        '  - {id: a, type: cli, runtime: {shell: true, command: "echo ${inputs.x} | tee log"}}\n  - {id: b, type: cli}',
        '  - {from: a, to: b}',
        'inputs: [{name: x}]\n',
      ),
    );
    expect(shell.nodes[0].runtime.command).toMatchObject({
      kind: 'list',
      items: [{ value: 'echo "${1}" | tee log' }, { kind: 'ref', ref: { path: ['x'] } }],
    });
  });

  it('reads x-sample, x-test-cases and max_iterations', () => {
    const nodes =
      '  - {id: a, type: api, max_iterations: 5, x-sample: {status: succeeded}, x-test-cases: [{status: failed}]}\n  - {id: b, type: cli}';
    const [a, b] = workflow(doc(nodes, '  - {from: a, to: b}')).nodes;
    expect(a).toMatchObject({ maxIterations: 5, sample: { status: 'succeeded' }, testCases: [{ status: 'failed' }] });
    expect(b.maxIterations).toBe(3);
  });

  it('warns about a provider or type that cannot run live, and still loads', () => {
    const nodes = '  - {id: a, type: agent, runtime: {provider: openai, model: gpt-4o}}\n  - {id: b, type: agnet}';
    const result = load(doc(nodes, '  - {from: a, to: b}'));
    expect(result.workflow).toBeDefined();
    expect(result.diagnostics).toMatchObject([
      { code: 'unsupported-provider', severity: 'warning', path: 'nodes[0].runtime.provider' },
      { code: 'unknown-node-type', severity: 'warning', suggestion: 'did you mean agent?' },
    ]);
  });

  it('warns about an API key written into the file, without repeating it', () => {
    const nodes =
      '  - {id: a, type: api, runtime: {headers: {Authorization: "Bearer sk_test_51AbCdEfGhIjKlMn"}}}\n  - {id: b, type: cli}';
    const result = load(doc(nodes, '  - {from: a, to: b}'));
    expect(result.diagnostics).toMatchObject([{ code: 'hard-coded-secret', severity: 'warning', line: 5 }]);
    expect(JSON.stringify(result.diagnostics)).not.toContain('sk_test_51AbCdEfGhIjKlMn');
  });

  it('lists the secrets a workflow uses', () => {
    const nodes =
      '  - {id: a, type: api, runtime: {headers: {Authorization: "Bearer ${secrets.KEY}", X: "${secrets.OTHER}"}}}\n  - {id: b, type: cli}';
    expect(workflow(doc(nodes, '  - {from: a, to: b}')).secrets).toEqual(['KEY', 'OTHER']);
  });
});

describe('runtime fields an executor relies on', () => {
  it('refuses a misspelled HTTP method, a bad expected_status and a bad max_tokens', () => {
    const nodes = [
      '  - {id: a, type: api, runtime: {method: PSOT, url: "https://x.test", expected_status: "ok"}}',
      '  - {id: b, type: agent, runtime: {provider: anthropic, max_tokens: -1}}',
    ].join('\n');
    const result = load(doc(nodes, '  - {from: a, to: b}'));
    expect(result.diagnostics.map((diagnostic) => [diagnostic.path, diagnostic.suggestion])).toEqual([
      ['nodes[0].runtime.method', 'did you mean POST?'],
      ['nodes[0].runtime.expected_status', 'leave it out to accept any 2xx'],
      ['nodes[1].runtime.max_tokens', undefined],
    ]);
  });

  it('accepts expected_status as a number or a list', () => {
    const nodes =
      '  - {id: a, type: api, runtime: {method: post, url: "https://x.test", expected_status: [200, 201]}}\n  - {id: b, type: api, runtime: {expected_status: 204}}';
    expect(load(doc(nodes, '  - {from: a, to: b}')).workflow).toBeDefined();
  });
});
