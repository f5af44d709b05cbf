// Fields sopstate accepts and keeps in the document but does not act on: each warns once per document, at its first
// occurrence, so an author does not believe a promise (a budget, a security rule, a handoff) is kept when it is not.
import type { Raw } from './context.ts';
import type { DiagnosticSink, DocPath } from './diagnostics.ts';
import { isRecord } from '../util/is-record.ts';

/** Field → what it would do, for the message. (`security`, `cost` and `idempotency` take effect: docs/semantics.md.) */
const NODE_FIELDS: Readonly<Record<string, string>> = {
  handoff: 'its context_keys do not limit what the node sees',
  spawn_policy: 'child limits and tools are not applied',
  success_criteria: 'success is the node completing, not these criteria',
  message_contract: 'messages are not checked against the contract',
};
const WORKFLOW_FIELDS: Readonly<Record<string, string>> = {
  triggers: 'runs start from the CLI, the API or the page, not from these triggers',
  ledger: 'runs are recorded in sopstate’s own store and .osoplog files',
  message_contracts: 'messages are not checked against the contracts',
};

interface Occurrence {
  path: DocPath;
  where: string;
}

export function warnRecordedFields(data: Raw, rawNodes: readonly unknown[], sink: DiagnosticSink): void {
  const found = new Map<string, Occurrence[]>();
  const add = (field: string, occurrence: Occurrence) => found.set(field, [...(found.get(field) ?? []), occurrence]);
  for (const field of Object.keys(WORKFLOW_FIELDS))
    if (data[field] !== undefined) add(field, { path: [field], where: 'the workflow' });
  rawNodes.forEach((raw, index) => {
    if (!isRecord(raw)) return;
    const where = typeof raw.id === 'string' ? raw.id : `node #${index + 1}`;
    for (const field of Object.keys(NODE_FIELDS))
      if (raw[field] !== undefined) add(field, { path: ['nodes', index, field], where });
  });
  for (const [field, occurrences] of found) {
    const [first] = occurrences;
    const onWorkflow = first.path.length === 1;
    const why = onWorkflow ? WORKFLOW_FIELDS[field] : NODE_FIELDS[field];
    const others =
      occurrences.length > 1
        ? ` (also on ${occurrences
            .slice(1)
            .map((item) => item.where)
            .join(', ')})`
        : '';
    sink.warning({
      code: 'recorded-not-enforced',
      path: first.path,
      onKey: true,
      message: `${field} on ${first.where} is recorded, not enforced: ${why}${others}`,
      suggestion: 'see "Recorded, not enforced" in docs/semantics.md',
    });
  }
}
