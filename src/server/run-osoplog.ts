// The .osoplog of a finished run, rebuilt from every stored event (a run resumed after a restart
// included), so it never misses what happened before the crash.
import { yamlText } from '../util/yaml-text.ts';
import { buildOsoplog } from '../machine/osoplog.ts';
import type { RunEvent } from '../events/run-event.ts';
import type { RunResult } from '../machine/run-options.ts';
import type { Workflow } from '../osop/workflow.ts';
import type { RunRecord } from '../store/run-store.ts';

export const runOsoplogYaml = (run: RunRecord, workflow: Workflow, events: RunEvent[]): string | undefined => {
  const final = events.at(-1);
  if (!final || (final.type !== 'run.completed' && final.type !== 'run.failed')) return undefined;
  const started = events.find((event) => event.type === 'run.started');
  const record = buildOsoplog({
    workflow,
    runId: run.id,
    status: final.status as RunResult['status'],
    startedAt: started?.at ?? run.createdAt,
    endedAt: final.at,
    events,
    dryRun: started?.type === 'run.started' ? started.dryRun : false,
    inputs: run.inputs,
    ...(final.type === 'run.failed' ? { error: final.error.message } : {}),
  });
  return yamlText(record);
};
