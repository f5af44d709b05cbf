// An api node's outputs from the answer's envelope: on success, and kept on a failure (an error answer's body).
import { NodeError } from '../executor.ts';
import { extractMatchingOutputs, extractOutputs, OutputError } from '../../osop/outputs.ts';
import type { WorkflowNode } from '../../osop/workflow.ts';
import type { ApiEnvelope } from './types.ts';

/**
 * Outputs: every declared mapping (`customer_id: data.id`, `response_mapping`), plus `data` (the
 * parsed body) and `status` (the HTTP status) unless the node declares outputs of those names.
 */
export const answerOutputs = (node: WorkflowNode, envelope: ApiEnvelope): Record<string, unknown> => {
  try {
    return { data: envelope.data, status: envelope.status, ...extractOutputs(node.outputs, envelope) };
  } catch (error) {
    if (!(error instanceof OutputError)) throw error;
    throw new NodeError(`api node "${node.id}": ${error.message}`, {
      code: 'output_extraction',
      status: envelope.status,
      cause: error,
    });
  }
};

/**
 * The outputs an error answer leaves (Stripe's `data.error.code`, `data.error.decline_code`): the same as on success,
 * except that a mapping the error body does not match is left out, since it was written for the success body.
 */
const errorAnswerOutputs = (node: WorkflowNode, envelope: ApiEnvelope): Record<string, unknown> => ({
  data: envelope.data,
  status: envelope.status,
  ...extractMatchingOutputs(node.outputs, envelope),
});

/** The failure of an answer with an unexpected status, keeping what the answer said as the node's outputs. */
export const withAnswer = (error: NodeError, node: WorkflowNode, envelope: ApiEnvelope): NodeError =>
  error.with({ outputs: errorAnswerOutputs(node, envelope) });
