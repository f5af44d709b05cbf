// Minimal Workflow objects from small YAML files, so server tests do not need the real loader.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { EdgeMode, LoadResult, Workflow } from '../../../src/osop/workflow.ts';

interface FakeDoc {
  id: string;
  name?: string;
  description?: string;
  inputs?: Array<{ name: string; type?: string; required?: boolean; default?: unknown }>;
  secrets?: string[];
  nodes: Array<{ id: string; type: string; description?: string }>;
  edges?: Array<{ from: string; to: string; mode?: EdgeMode }>;
  broken?: boolean;
}

const position = (file: string) => ({ file, line: 1, col: 1 });

const fakeWorkflow = (doc: FakeDoc, file = `/fake/${doc.id}.osop.yaml`): Workflow => ({
  file,
  osopVersion: '1.0',
  id: doc.id,
  name: doc.name ?? doc.id,
  description: doc.description,
  tags: [],
  inputs: (doc.inputs ?? []).map((input) => ({
    name: input.name,
    type: input.type,
    required: input.required ?? false,
    default: input.default,
  })),
  secrets: doc.secrets ?? [],
  nodes: doc.nodes.map((node) => ({
    id: node.id,
    type: node.type,
    name: node.id,
    description: node.description,
    runtime: {},
    outputs: [],
    maxIterations: 3,
    position: position(file),
  })),
  edges: (doc.edges ?? []).map((edge, index) => ({
    index,
    from: edge.from,
    to: edge.to,
    mode: edge.mode ?? 'sequential',
    position: position(file),
  })),
  start: [doc.nodes[0].id],
});

export const fakeLoad = async (file: string): Promise<LoadResult> => {
  const doc = parse(await readFile(file, 'utf8')) as FakeDoc;
  if (doc.broken) {
    return {
      diagnostics: [
        {
          ...position(file),
          severity: 'error',
          code: 'broken',
          path: 'nodes',
          message: 'this file is broken on purpose',
        },
      ],
    };
  }
  return { workflow: fakeWorkflow(doc, file), diagnostics: [] };
};
