import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWorkflowFile, loadWorkflowText } from '../../src/osop/load.ts';

const MINIMAL = `osop_version: "1.0"
id: tiny
name: Tiny
nodes:
  - id: a
    type: cli
    runtime: {command: "echo a"}
  - id: b
    type: cli
    runtime: {command: "echo b"}
edges:
  - {from: a, to: b}
`;

const codes = (text: string, file = 'flow.osop.yaml') =>
  loadWorkflowText(text, file).diagnostics.map((diagnostic) => diagnostic.code);

describe('loading', () => {
  it('loads YAML and the same workflow written as JSON', () => {
    const yaml = loadWorkflowText(MINIMAL, 'tiny.osop.yaml');
    const json = loadWorkflowText(
      JSON.stringify({
        osop_version: '1.0',
        id: 'tiny',
        name: 'Tiny',
        nodes: [
          { id: 'a', type: 'cli', runtime: { command: 'echo a' } },
          { id: 'b', type: 'cli', runtime: { command: 'echo b' } },
        ],
        edges: [{ from: 'a', to: 'b' }],
      }),
      'tiny.osop.json',
    );
    expect(yaml.workflow?.edges).toHaveLength(1);
    expect(json.workflow?.nodes.map((node) => node.id)).toEqual(yaml.workflow?.nodes.map((node) => node.id));
    expect(json.workflow?.nodes[0].runtime).toEqual(yaml.workflow?.nodes[0].runtime);
  });

  it('refuses a document over 1 MB before parsing it', () => {
    const huge = `${MINIMAL}description: "${'x'.repeat(1024 * 1024)}"\n`;
    const result = loadWorkflowText(huge, 'huge.osop.yaml');
    expect(result.workflow).toBeUndefined();
    expect(result.diagnostics).toMatchObject([{ code: 'file-too-large', line: 1, col: 1 }]);
    expect(result.diagnostics[0].message).toContain('1 MB');
  });

  it('refuses a file over 1 MB by its size', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'sopstate-load-'));
    const path = join(directory, 'huge.osop.yaml');
    writeFileSync(path, `${MINIMAL}# ${'x'.repeat(1024 * 1024)}\n`);
    expect((await loadWorkflowFile(path)).diagnostics[0].code).toBe('file-too-large');
  });

  it('refuses a YAML alias bomb', () => {
    const bomb = [
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
      'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
      MINIMAL,
    ].join('\n');
    expect(codes(bomb)).toContain('yaml-aliases');
  });

  it('still allows a few ordinary aliases', () => {
    const text = MINIMAL.replace('runtime: {command: "echo a"}', 'runtime: &shared {command: "echo a"}').replace(
      'runtime: {command: "echo b"}',
      'runtime: *shared',
    );
    expect(loadWorkflowText(text, 'flow.osop.yaml').workflow?.nodes[1].runtime.command).toEqual({
      kind: 'value',
      value: 'echo a',
    });
  });

  it('refuses duplicate keys in YAML and in JSON', () => {
    expect(codes(`${MINIMAL}name: Again\n`)).toEqual(['duplicate-key']);
    expect(codes('{"osop_version": "1.0", "id": "x", "id": "y"}', 'flow.osop.json')).toContain('duplicate-key');
  });

  it('reports a missing file without throwing', async () => {
    const result = await loadWorkflowFile('/nonexistent/flow.osop.yaml');
    expect(result.diagnostics).toMatchObject([{ code: 'unreadable-file', severity: 'error' }]);
  });

  it('warns about an unusual file extension but loads', () => {
    const result = loadWorkflowText(MINIMAL, 'flow.yaml');
    expect(result.workflow).toBeDefined();
    expect(result.diagnostics.map((diagnostic) => diagnostic.code)).toEqual(['file-extension']);
  });

  it('reads an unquoted osop_version 1.0 with a warning', () => {
    const result = loadWorkflowText(MINIMAL.replace('osop_version: "1.0"', 'osop_version: 1.0'), 'flow.osop.yaml');
    expect(result.workflow?.osopVersion).toBe('1.0');
    expect(result.diagnostics.map((diagnostic) => diagnostic.code)).toEqual(['version-not-string']);
  });

  it('reports a required field left empty once, where it is, not also as missing at 1:1', () => {
    const { workflow, diagnostics } = loadWorkflowText(MINIMAL.replace('name: Tiny', 'name:'), 'flow.osop.yaml');
    expect(workflow).toBeUndefined();
    expect(diagnostics.map(({ line, col, code, message }) => ({ line, col, code, message }))).toEqual([
      { line: 3, col: 6, code: 'invalid-field', message: 'name must be a non-empty string' },
    ]);
    expect(codes(MINIMAL.replace('name: Tiny\n', ''))).toEqual(['missing-field']);
    expect(codes(MINIMAL.replace(/nodes:[\s\S]*$/, 'nodes:\n'))).toContain('missing-field');
  });

  it('wants edges when there is more than one node, and not for a single node', () => {
    expect(codes(MINIMAL.replace(/edges:[\s\S]*$/, ''))).toContain('no-edges');
    const single = loadWorkflowText(
      'osop_version: "1.0"\nid: one\nname: One\nnodes:\n  - {id: only, type: human}\n',
      'one.osop',
    );
    expect(single.workflow?.start).toEqual(['only']);
  });

  it('refuses binary input in one message, and caps a flood of YAML errors', () => {
    expect(codes('osop_version: "1.0"\0\0\u0001')).toEqual(['binary-file']);
    const garbage = Array.from({ length: 40 }, (_, index) => `key${index}: "unclosed\n  : ] ${index}`).join('\n');
    const diagnostics = loadWorkflowText(garbage, 'g.osop').diagnostics;
    expect(diagnostics).toHaveLength(11);
    expect(diagnostics.at(-1)?.message).toBe('30 more YAML problems not shown');
  });
});
