import { describe, expect, it } from 'vitest';
import { createEventPrinter } from '../../src/cli/print-events.ts';
import type { RunEvent, RunEventBody } from '../../src/events/run-event.ts';

function print(bodies: RunEventBody[]): string {
  let text = '';
  const printer = createEventPrinter({ write: (chunk) => (text += chunk) });
  bodies.forEach((body, index) =>
    printer({ ...body, runId: 'r1', seq: index + 1, at: '2026-01-01T00:00:00.000Z' } as RunEvent),
  );
  return text;
}

describe('terminal output', () => {
  it('shows each step readably: durations, edges with mode and condition, retries with the wait', () => {
    const text = print([
      { type: 'run.started', workflowId: 'pay', workflowName: 'Pay', inputs: {}, dryRun: false },
      { type: 'node.started', node: 'charge', nodeType: 'api', visit: 1, attempt: 1 },
      {
        type: 'node.retrying',
        node: 'charge',
        attempt: 2,
        delayMs: 1500,
        error: { message: 'HTTP 503', code: 'http_503' },
      },
      { type: 'node.completed', node: 'charge', visit: 1, durationMs: 2300, outputs: { status: 'succeeded' } },
      {
        type: 'edge.taken',
        from: 'charge',
        to: 'receipt',
        mode: 'conditional',
        condition: "charge.status == 'succeeded'",
      },
      { type: 'run.completed', status: 'COMPLETED', durationMs: 2500, osoplog: 'logs/r1.osoplog.yaml' },
    ]);
    expect(text).toBe(
      [
        '▶ Pay (pay) · run r1',
        '● charge [api] started',
        '↻ charge retrying in 1.5s (attempt 2): HTTP 503',
        '✔ charge completed in 2.3s {"status":"succeeded"}',
        "  → charge → receipt (conditional: charge.status == 'succeeded')",
        '✔ COMPLETED in 2.5s',
        '  log: logs/r1.osoplog.yaml',
        '',
      ].join('\n'),
    );
  });

  it("shows the command a cli node runs, as the run's events carry it (secrets already masked)", () => {
    const text = print([
      { type: 'node.started', node: 'build', nodeType: 'cli', visit: 1, attempt: 1 },
      { type: 'node.command', node: 'build', attempt: 1, argv: ['make', 'release', '--token', '[secret TOKEN]'] },
      { type: 'node.command', node: 'build', attempt: 2, argv: ['make', 'release', '--token', '[secret TOKEN]'] },
    ]);
    expect(text).toBe(
      [
        '● build [cli] started',
        '    $ make release --token [secret TOKEN]',
        '    $ make release --token [secret TOKEN] (attempt 2)',
        '',
      ].join('\n'),
    );
  });

  it('streams agent text inline and ends the line before the next step', () => {
    const text = print([
      { type: 'agent.delta', node: 'write', text: 'Dear ' },
      { type: 'agent.delta', node: 'write', text: 'customer,\nthanks.' },
      { type: 'node.completed', node: 'write', visit: 1, durationMs: 40, outputs: {} },
    ]);
    expect(text).toBe('    Dear customer,\n    thanks.\n✔ write completed in 40ms\n');
  });
});
