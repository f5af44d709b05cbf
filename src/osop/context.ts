// What normalization steps share: the parsed source (for positions), the sink, and the node ids.
import type { DiagnosticSink } from './diagnostics.ts';
import type { WorkflowSecurity } from './normalize-security.ts';
import type { TemplateOptions } from './template.ts';
import type { SourceDocument } from './yaml-source.ts';

export type Raw = Record<string, unknown>;

export interface NormalizeContext {
  file: string;
  source: SourceDocument;
  sink: DiagnosticSink;
  nodeIds: string[];
  /** How a one-word `${name}` is read (an upstream output of that name, else a workflow input). */
  bareName?: TemplateOptions['bareName'];
  /** Names of the workflow's declared inputs. */
  inputNames?: ReadonlySet<string>;
  /** Output name → the first node declaring it. */
  producers?: ReadonlyMap<string, string>;
  /** Node id → the output names it declares, in any form (a bare name in a condition may read them). */
  declaredOutputs?: ReadonlyMap<string, readonly string[]>;
  /** Node id → the output fields it can produce, for nodes whose set is closed (see output-fields.ts). */
  outputFields?: ReadonlyMap<string, readonly string[]>;
  /** The workflow's `security`: the default risk level and what needs approval. */
  security?: WorkflowSecurity;
  /** Node id → its type (`api`, `cli`, ...), once the nodes are normalized. */
  nodeTypes?: ReadonlyMap<string, string>;
}
