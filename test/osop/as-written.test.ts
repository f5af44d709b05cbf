// Issue 17, the loader's part: OSOP forms real files use that were rejected or misread, each on a fixture written for it
// (test/fixtures/semantics/), and the decision in docs/semantics.md.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkflowFile, loadWorkflowText } from '../../src/osop/load.ts';
import { renderDot } from '../../src/osop/render-dot.ts';
import { renderMermaid } from '../../src/osop/render-mermaid.ts';
import type { Diagnostic, ExpressionScope, LoadResult, Workflow } from '../../src/osop/workflow.ts';
import { REPO_ROOT } from '../fixtures/corpus-paths.ts';

const FIXTURES = join(REPO_ROOT, 'test/fixtures/semantics');
const fixture = (name: string) => join(FIXTURES, `${name}.osop.yaml`);
const textOf = (name: string) => readFileSync(fixture(name), 'utf8');

const errorsOf = (result: LoadResult): Diagnostic[] => result.diagnostics.filter((d) => d.severity === 'error');

async function valid(name: string): Promise<{ workflow: Workflow; diagnostics: Diagnostic[] }> {
  const result = await loadWorkflowFile(fixture(name));
  expect(errorsOf(result)).toEqual([]);
  return { workflow: result.workflow!, diagnostics: result.diagnostics };
}

/** The fixture's text with one piece replaced, loaded under the fixture's name. */
function variant(name: string, from: string, to: string): LoadResult {
  const text = textOf(name);
  expect(text).toContain(from);
  return loadWorkflowText(text.replace(from, to), fixture(name));
}

const lineOf = (name: string, needle: string) =>
  textOf(name)
    .split('\n')
    .findIndex((line) => line.includes(needle)) + 1;

const scope = (outputs: ExpressionScope['outputs'], sourceNode: string): ExpressionScope => ({
  inputs: {},
  outputs,
  metadata: {},
  env: {},
  nodes: {},
  sourceNode,
});

describe('a condition naming an output its source declares', () => {
  it('reads smoke_result from smoke_test, though the name is one edit from the node id', async () => {
    const { workflow, diagnostics } = await valid('declared-output-root');
    expect(diagnostics.filter((d) => d.code === 'cel-bare-name').map((d) => d.message)).toEqual([
      "'smoke_result' reads the output smoke_result that smoke_test declares",
      "'smoke_result' reads the output smoke_result that smoke_test declares",
    ]);
    const [promote, rollback] = workflow.edges;
    const healthy = scope({ smoke_test: { smoke_result: { status: 'healthy' } } }, 'smoke_test');
    expect(promote.when!.evaluate(healthy)).toBe(true);
    expect(rollback.when!.evaluate(healthy)).toBe(false);
  });

  it('still suggests the node for a name nobody declares', () => {
    const result = variant(
      'declared-output-root',
      "smoke_result.status == 'healthy'",
      "smoke_tset.status == 'healthy'",
    );
    expect(errorsOf(result)).toMatchObject([
      {
        code: 'unknown-node',
        line: lineOf('declared-output-root', "== 'healthy'"),
        suggestion: 'did you mean smoke_test?',
      },
    ]);
  });
});

describe('comparing with a bare name the source produces', () => {
  it('reads week == quarter_end as two outputs of check_calendar, not as text', async () => {
    const { workflow } = await valid('output-name-compared');
    const equal = workflow.edges[1].when!;
    expect(equal.source).toBe('week == quarter_end');
    const calendar = (week: number, end: number) =>
      scope({ check_calendar: { week, quarter_end: end } }, 'check_calendar');
    expect(equal.evaluate(calendar(13, 13))).toBe(true);
    expect(equal.evaluate(calendar(12, 13))).toBe(false);
    expect(workflow.edges[0].when!.evaluate(calendar(12, 13))).toBe(true);
  });

  it('still asks to quote a word no node declares', () => {
    const result = variant('output-name-compared', 'when: week == quarter_end', 'when: week == quarterly');
    expect(errorsOf(result)).toMatchObject([
      {
        code: 'cel-unquoted-word',
        line: lineOf('output-name-compared', 'when: week == quarter_end'),
        suggestion: "use 'quarterly' (quoted) to compare with the text",
      },
    ]);
  });
});

describe('shell parameter expansion in a cli command', () => {
  it('leaves ${VAR:-default} and ${HOME} to /bin/sh and passes ${inputs.tag} as a quoted parameter', async () => {
    const { workflow, diagnostics } = await valid('shell-parameter-expansion');
    expect(diagnostics.filter((d) => d.code === 'bare-interpolation')).toEqual([]);
    const [show, plain] = workflow.nodes;
    expect(show.runtime.shell).toEqual({ kind: 'value', value: true });
    expect(show.runtime.command).toEqual({
      kind: 'list',
      items: [
        { kind: 'value', value: 'echo "env=${DEPLOY_ENV:-staging} home=${HOME} tag=${1}"' },
        { kind: 'ref', ref: { namespace: 'inputs', path: ['tag'], source: 'inputs.tag' } },
      ],
    });
    expect(plain.runtime).toMatchObject({
      shell: { kind: 'value', value: true },
      command: { kind: 'value', value: 'echo ${GREETING:-hello}' },
    });
  });

  it('reads a one-word ${name} the document defines as OSOP, and anything else as the shell', () => {
    const defined = variant('shell-parameter-expansion', 'tag=${inputs.tag}', 'tag=${tag}');
    expect(errorsOf(defined)).toEqual([]);
    expect(defined.diagnostics.filter((d) => d.code === 'bare-interpolation').map((d) => d.message)).toEqual([
      '${tag} is read as ${inputs.tag}',
    ]);
  });

  it('refuses shell text where runtime.shell is false, saying where', () => {
    const result = variant(
      'shell-parameter-expansion',
      '      command: echo ${GREETING',
      '      shell: false\n      command: echo ${GREETING',
    );
    expect(errorsOf(result)).toMatchObject([
      {
        code: 'invalid-command',
        message: 'command uses ${GREETING:-hello}, which only a shell expands, and runtime.shell is false',
        line: lineOf('shell-parameter-expansion', 'echo ${GREETING') + 1,
      },
    ]);
  });
});

describe('outputs as a map of named JSON Schemas', () => {
  it('declares each key as an output with its schema', async () => {
    const { workflow } = await valid('outputs-schema-map');
    expect(workflow.nodes[0].outputs).toEqual([
      { name: 'topic', schema: { type: 'string', enum: ['billing', 'bug', 'other'] } },
      {
        name: 'confidence',
        description: 'How sure the model is, from 0 to 1',
        schema: { type: 'number', description: 'How sure the model is, from 0 to 1' },
      },
    ]);
  });

  it('checks conditions against the declared names', () => {
    const result = variant('outputs-schema-map', "classify.topic == 'billing'", "classify.topc == 'billing'");
    expect(errorsOf(result)).toMatchObject([
      {
        code: 'unknown-output',
        message: expect.stringContaining('declares no output "topc"'),
        suggestion: 'did you mean topic?',
      },
    ]);
  });
});

describe('misreads', () => {
  it('reads when: otherwise as the else branch, with no condition to evaluate', async () => {
    const { workflow, diagnostics } = await valid('otherwise-branch');
    expect(diagnostics).toEqual([]);
    const [otherwise, ...conditional] = workflow.edges;
    expect(otherwise).toMatchObject({ mode: 'conditional', otherwise: true });
    expect(otherwise.when).toBeUndefined();
    expect(conditional.map((edge) => edge.when?.source)).toEqual(['inputs.amount < 100', 'inputs.amount > 1000']);
    for (const word of ['else', 'Otherwise', 'default'])
      expect(variant('otherwise-branch', 'when: otherwise', `when: ${word}`).workflow?.edges[0].otherwise).toBe(true);
  });

  it('refuses otherwise on an edge mode that takes no else branch', () => {
    const result = variant(
      'otherwise-branch',
      'mode: conditional\n    when: otherwise',
      'mode: loop\n    when: otherwise',
    );
    expect(errorsOf(result)).toMatchObject([
      { code: 'invalid-otherwise', line: lineOf('otherwise-branch', 'when: otherwise') },
    ]);
  });

  it('locates .length, === and AND, each with its CEL form', async () => {
    const result = await loadWorkflowFile(fixture('non-cel-syntax'));
    const where = (needle: string) => {
      const line = lineOf('non-cel-syntax', needle);
      return { line, col: textOf('non-cel-syntax').split('\n')[line - 1].indexOf(needle) + 1 };
    };
    expect(errorsOf(result)).toMatchObject([
      { ...where('length > 0'), code: 'cel-not-cel', suggestion: expect.stringContaining('write size(errors) > 0') },
      { ...where('=== 200'), code: 'cel-syntax', suggestion: 'write lint.status == 200' },
      { ...where('AND size'), code: 'cel-syntax', suggestion: 'write size(errors) == 0 && size(warnings) > 10' },
    ]);
    expect(errorsOf(result).map((d) => d.file)).toEqual(Array(3).fill(fixture('non-cel-syntax')));
  });

  it.each([
    ['errors.length > 0', 'size(errors) > 0'],
    ['data.items.filter(i, i.ok).length > 2', 'size(data.items.filter(i, i.ok)) > 2'],
    ['lint.status !== 200 OR errors == []', 'lint.status != 200 || errors == []'],
    ['NOT (lint.status == 200)', '!(lint.status == 200)'],
    ['lint.status = 200', 'lint.status == 200'],
    ['lint.status <> 200', 'lint.status != 200'],
    ['len(errors) > 0', 'size(errors) > 0'],
    ["errors.includes('E1')", "errors.contains('E1')"],
    ['errors == None', 'null'],
    ['lint.status == 200 and errors == []', 'lint.status == 200 && errors == []'],
  ])('gives the CEL form of %s', (written, cel) => {
    const result = variant('non-cel-syntax', 'when: errors.length > 0', `when: "${written}"`);
    const [first] = errorsOf(result);
    expect(first).toMatchObject({ line: lineOf('non-cel-syntax', 'errors.length > 0') });
    expect(first.suggestion).toContain(cel);
  });

  it('leaves CEL that only looks foreign alone: brand, order, a quoted AND', () => {
    const result = variant(
      'non-cel-syntax',
      'when: errors.length > 0',
      `when: "lint.data.brand == 'AND' || lint.data.order != 'a = b' || lint.data.android"`,
    );
    expect(errorsOf(result).filter((d) => d.line === lineOf('non-cel-syntax', 'errors.length > 0'))).toEqual([]);
  });

  it('refuses a loop edge without when, asking for the continue condition', async () => {
    const result = await loadWorkflowFile(fixture('loop-without-when'));
    expect(errorsOf(result)).toMatchObject([
      {
        code: 'missing-condition',
        line: lineOf('loop-without-when', 'mode: loop'),
        message: expect.stringContaining('a loop edge needs when'),
      },
    ]);
    const fixed = variant('loop-without-when', 'mode: loop', 'mode: loop\n    when: "poll.state == \'running\'"');
    expect(errorsOf(fixed)).toEqual([]);
  });
});

describe('dataflow and message edges', () => {
  it('load as data-only edges that neither start nor reach a node', async () => {
    const { workflow } = await valid('data-only-edges');
    expect(workflow.edges.map((edge) => edge.mode)).toEqual([
      'sequential',
      'dataflow',
      'sequential',
      'message',
      'dataflow',
      'sequential',
    ]);
    expect(workflow.start).toEqual(['fetch_orders']);
    const withoutPublishToAudit = variant('data-only-edges', '  - from: publish\n    to: audit\n', '');
    expect(withoutPublishToAudit.workflow?.start).toEqual(['fetch_orders', 'audit']);
  });

  it('render dotted in Mermaid and DOT, next to the solid control edges', async () => {
    const { workflow } = await valid('data-only-edges');
    const mermaid = renderMermaid(workflow);
    expect(mermaid).toContain('n0 --> n1');
    expect(mermaid).toContain('n0 -.->|"dataflow: orders"| n1');
    expect(mermaid).toContain('n1 -.->|"message"| n2');
    expect(renderDot(workflow)).toContain(
      '"fetch_orders" -> "summarize" [label="dataflow: orders", style=dotted, color=gray40];',
    );
  });

  it('ignore control keys, saying so once per edge', () => {
    const result = variant(
      'data-only-edges',
      '    mode: message\n',
      '    mode: message\n    when: "summarize.text != \'\'"\n',
    );
    expect(errorsOf(result)).toEqual([]);
    expect(result.diagnostics.filter((d) => d.code === 'data-edge-control')).toMatchObject([
      { severity: 'warning', message: 'a message edge carries data only; when is ignored' },
    ]);
  });
});

describe('fields that are recorded, not enforced', () => {
  it('warn once per document, at their first occurrence, naming the other places', async () => {
    const { diagnostics } = await valid('recorded-not-enforced');
    const recorded = diagnostics.filter((d) => d.code === 'recorded-not-enforced');
    const at = (needle: string) => lineOf('recorded-not-enforced', needle);
    expect(recorded.map((d) => [d.line, d.message.split(':')[0]])).toEqual([
      [at('triggers:'), 'triggers on the workflow is recorded, not enforced'],
      [at('spawn_policy:'), 'spawn_policy on plan is recorded, not enforced'],
      [at('handoff:'), 'handoff on charge is recorded, not enforced'],
    ]);
    expect(recorded.find((d) => d.message.startsWith('handoff'))?.message).toContain('(also on refund)');
    expect(diagnostics.filter((d) => d.code === 'unknown-key')).toEqual([]);
  });
});

describe('security asks for approval (security-risk-gate)', () => {
  const gateOf = (result: LoadResult, id: string) =>
    result.workflow?.nodes.find((node) => node.id === id)?.approvalGate;

  it('gates the high-risk node and the one holding a listed permission, not the one that opts out', async () => {
    const { workflow, diagnostics } = await valid('security-risk-gate');
    const gates = Object.fromEntries(workflow.nodes.map((node) => [node.id, node.approvalGate?.reason]));
    expect(gates).toEqual({
      create_customer: 'permission customers.write, listed in security.approval_required_for',
      refund_all: 'risk_level high',
      export_audit: undefined,
    });
    expect(diagnostics.filter((d) => d.code === 'recorded-not-enforced')).toEqual([]);
  });

  it('opts out only when written: {required: false} too, while a mapping without required keeps the gate', () => {
    const off = variant('security-risk-gate', '    approval_gate: false', '    approval_gate: { required: false }');
    expect(gateOf(off, 'export_audit')).toBeUndefined();
    const settings = variant(
      'security-risk-gate',
      '    approval_gate: false',
      '    approval_gate: { approvers: [cfo] }',
    );
    expect(gateOf(settings, 'export_audit')).toMatchObject({ approvers: ['cfo'], riskLevel: 'critical' });
  });

  it('reads a workflow risk_level as the default of every node, and warns at an unknown level', () => {
    const defaulted = variant(
      'security-risk-gate',
      'security:\n  approval_required_for',
      'security:\n  risk_level: high\n  approval_required_for',
    );
    expect(gateOf(defaulted, 'create_customer')).toMatchObject({ riskLevel: 'high', reason: 'risk_level high' });
    const unknown = variant('security-risk-gate', 'security: { risk_level: high }', 'security: { risk_level: severe }');
    expect(gateOf(unknown, 'refund_all')).toBeUndefined();
    expect(unknown.diagnostics.find((d) => d.code === 'unknown-risk-level')).toMatchObject({
      line: lineOf('security-risk-gate', 'risk_level: high'),
      message: expect.stringContaining('"severe" is not one of low, medium, high, critical'),
    });
  });
});

describe('idempotency.key (idempotency-template)', () => {
  it('loads the key as a template, and warns nothing is recorded-only', async () => {
    const { workflow, diagnostics } = await valid('idempotency-template');
    expect(workflow.nodes.find((node) => node.id === 'create_customer')?.idempotencyKey).toMatchObject({
      kind: 'text',
    });
    expect(diagnostics.filter((d) => d.code === 'recorded-not-enforced')).toEqual([]);
  });

  it('refuses a secret in the key, and warns at a key that is the same for every run', () => {
    const secret = variant('idempotency-template', 'customer-${inputs.order_id}', '${secrets.STRIPE_SECRET_KEY}');
    expect(errorsOf(secret)).toMatchObject([
      { code: 'invalid-idempotency', line: lineOf('idempotency-template', 'key: "customer-') },
    ]);
    const constant = variant('idempotency-template', 'customer-${inputs.order_id}', 'customer-42');
    expect(constant.diagnostics.find((d) => d.code === 'constant-idempotency-key')?.message).toContain(
      "Stripe answers every run after the first with the first run's answer",
    );
  });
});

describe('cost budgets (cost-budget)', () => {
  it('loads the workflow budget and no recorded-only warning', async () => {
    const { workflow, diagnostics } = await valid('cost-budget');
    expect(workflow.cost).toEqual({ maxTokens: 60, maxUsd: 5 });
    expect(diagnostics.filter((d) => d.code === 'recorded-not-enforced')).toEqual([]);
  });

  it('refuses a budget that is not a positive amount, located at its key', () => {
    const result = variant('cost-budget', '  max_tokens: 60', '  max_tokens: -1');
    expect(errorsOf(result)).toMatchObject([
      {
        code: 'invalid-cost',
        line: lineOf('cost-budget', 'max_tokens: 60'),
        message: expect.stringContaining('whole number of tokens'),
      },
    ]);
  });

  it('warns at a node max_usd nothing can count: a model without a price and no estimate', () => {
    const result = variant(
      'cost-budget',
      '      model: claude-haiku-4-5\n      max_tokens: 256\n      prompt: Outline',
      '      model: claude-sonnet-9\n      max_tokens: 256\n      prompt: Outline',
    );
    expect(result.diagnostics.filter((d) => d.code === 'unpriced-cost')).toEqual([]);
    const budgeted = variant(
      'cost-budget',
      '    name: Outline the note\n',
      '    name: Outline the note\n    cost: { max_usd: 0.01 }\n',
    );
    expect(budgeted.diagnostics.filter((d) => d.code === 'unpriced-cost')).toEqual([]);
    const unpriced = loadWorkflowText(
      textOf('cost-budget')
        .replace('    name: Outline the note\n', '    name: Outline the note\n    cost: { max_usd: 0.01 }\n')
        .replace(
          '      model: claude-haiku-4-5\n      max_tokens: 256\n      prompt: Outline',
          '      model: claude-sonnet-9\n      max_tokens: 256\n      prompt: Outline',
        ),
      fixture('cost-budget'),
    );
    expect(unpriced.diagnostics.find((d) => d.code === 'unpriced-cost')?.message).toBe(
      'max_usd cannot be counted here: sopstate has no price for model claude-sonnet-9',
    );
  });
});

describe('an error edge that reads the failed node’s outputs', () => {
  const failedNodeOutputs = (result: LoadResult) => result.diagnostics.filter((d) => d.code === 'failed-node-outputs');

  it('loads without warning from a cli node, which keeps its outputs when it fails', async () => {
    const { diagnostics } = await valid('error-edge-outputs');
    expect(diagnostics.filter((d) => d.code === 'failed-node-outputs')).toEqual([]);
  });

  it('warns, where it is written, when the failed node is an agent, which has no outputs then', () => {
    expect(failedNodeOutputs(loadWorkflowText(textOf('coverage-gap'), fixture('coverage-gap')))).toMatchObject([
      {
        severity: 'warning',
        line: lineOf('coverage-gap', 'when: validation_result.success'),
        path: 'edges[1].when',
        message:
          'this error edge reads validation_result.success, but a failed agent node validate has no outputs (only api and cli nodes keep theirs): the condition cannot hold when validate fails',
      },
    ]);
    const asApi = variant('coverage-gap', 'type: agent', 'type: api');
    expect(failedNodeOutputs(asApi)).toEqual([]);
  });
});
