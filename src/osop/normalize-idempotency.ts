// `idempotency: {key: "order-${inputs.order_id}"}` on a node: the template its Stripe POSTs send as Idempotency-Key.
import { type NormalizeContext, type Raw } from './context.ts';
import type { DocPath } from './diagnostics.ts';
import { parseTemplate, templateReferences } from './template.ts';
import type { Template } from './workflow.ts';
import { isRecord } from '../util/is-record.ts';

/** The key template, or undefined when the node writes none (or `enabled: false`): its calls keep the default key. */
export function normalizeIdempotency(raw: Raw, path: DocPath, context: NormalizeContext): Template | undefined {
  const policy = raw.idempotency;
  const at = [...path, 'idempotency'];
  if (policy === undefined || policy === null) return undefined;
  if (!isRecord(policy)) {
    context.sink.error({
      code: 'invalid-idempotency',
      path: at,
      message: 'idempotency must be a mapping such as {key: "order-${inputs.order_id}"}',
    });
    return undefined;
  }
  if (policy.enabled === false || policy.key === undefined) return undefined;
  if (typeof policy.key !== 'string' || policy.key.trim() === '') {
    context.sink.error({
      code: 'invalid-idempotency',
      path: [...at, 'key'],
      message: 'idempotency.key must be a non-empty text such as "order-${inputs.order_id}"',
    });
    return undefined;
  }
  const template = parseTemplate(policy.key, {
    bareName: context.bareName,
    report: (problem) =>
      context.sink.error({
        code: 'invalid-interpolation',
        path: [...at, 'key'],
        message: problem.message,
        suggestion: 'write ${inputs.name}, ${node_id.field} or ${metadata.run_id}',
      }),
  });
  const references = templateReferences(template);
  // The key is sent to Stripe and kept in events and records: it may not carry a secret.
  const secret = references.find((ref) => ref.namespace === 'secrets');
  if (secret)
    context.sink.error({
      code: 'invalid-idempotency',
      path: [...at, 'key'],
      message: `idempotency.key uses \${${secret.source}}: a key is logged and sent as a header, so it may not hold a secret`,
      suggestion: 'build it from inputs, outputs or ${metadata.run_id}',
    });
  if (references.length === 0)
    context.sink.warning({
      code: 'constant-idempotency-key',
      path: [...at, 'key'],
      message: `idempotency.key ${JSON.stringify(policy.key)} has no \${...}: every run sends the same key, so Stripe answers every run after the first with the first run's answer`,
      suggestion: 'build it from what makes the call unique, e.g. "charge-${inputs.order_id}"',
    });
  if (raw.type !== 'api')
    context.sink.warning({
      code: 'idempotency-not-used',
      path: at,
      message: `idempotency on a ${String(raw.type)} node changes nothing: only an api node's Stripe POSTs carry an Idempotency-Key`,
    });
  return template;
}
