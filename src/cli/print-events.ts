// Live, readable terminal output for a run: one line per step, agent text streamed inline.
import { styleText } from 'node:util';
import { formatDuration } from '../adapters/timeout.ts';
import type { RunEvent } from '../events/run-event.ts';

export interface PrinterOptions {
  write: (text: string) => void;
  color?: boolean;
  /** Also print request and response bodies (already masked). A 4xx/5xx shows them either way. */
  verbose?: boolean;
}

type Style = Parameters<typeof styleText>[0];

const MAX_VALUE = 160;

const brief = (value: unknown): string => {
  const text = JSON.stringify(value) ?? '';
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
};

/** A sub-workflow's events (`<parent>/<child>` node ids) are indented one step per level of nesting. */
function indentOf(event: RunEvent): string {
  const node = event.type === 'edge.taken' ? event.from : 'node' in event ? event.node : '';
  return '    '.repeat(node.split('/').length - 1);
}

const visitNote = (visit: number) => (visit > 1 ? ` (visit ${visit})` : '');

export function createEventPrinter(options: PrinterOptions): (event: RunEvent) => void {
  const paint = (style: Style, text: string) => (options.color ? styleText(style, text) : text);
  let streaming = false;
  const lastBody = new Map<string, unknown>();
  const body = (label: string, value: unknown) => line(paint('dim', `      ${label} ${brief(value)}`));
  let indent = '';
  const line = (text: string) => {
    options.write(`${streaming ? '\n' : ''}${indent}${text}\n`);
    streaming = false;
  };
  return (event) => {
    indent = indentOf(event);
    switch (event.type) {
      case 'run.started':
        return line(
          paint(
            'bold',
            `▶ ${event.workflowName} (${event.workflowId})${event.dryRun ? ' — dry run' : ''} · run ${event.runId}`,
          ),
        );
      case 'node.started':
        return line(
          `● ${paint('bold', event.node)} ${paint('dim', `[${event.nodeType}]`)} started${visitNote(event.visit)}`,
        );
      case 'node.request':
        lastBody.set(event.node, event.body);
        line(paint('dim', `    ${event.method} ${event.url}${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`));
        if (options.verbose && event.body !== undefined) body('sent', event.body);
        return;
      case 'node.command':
        return line(
          paint('dim', `    $ ${event.argv.join(' ')}${event.attempt > 1 ? ` (attempt ${event.attempt})` : ''}`),
        );
      case 'node.response': {
        line(
          paint(
            'dim',
            `    ← ${event.status} in ${formatDuration(event.durationMs)}${event.replayed ? ' (idempotent replay)' : ''}`,
          ),
        );
        const failed = event.status >= 400;
        if (failed && !options.verbose && lastBody.get(event.node) !== undefined)
          body('sent', lastBody.get(event.node));
        if ((options.verbose || failed) && event.body !== undefined) body('got', event.body);
        return;
      }
      case 'node.retrying':
        return line(
          paint(
            'yellow',
            `↻ ${event.node} retrying in ${formatDuration(event.delayMs)} (attempt ${event.attempt}): ${event.error.message}`,
          ),
        );
      case 'node.completed': {
        const shown = shownOutputs(event.outputs);
        const outputs = Object.keys(shown).length > 0 ? paint('dim', ` ${brief(shown)}`) : '';
        const made = event.synthesized?.length
          ? paint('yellow', ` (synthesized: ${event.synthesized.join(', ')})`)
          : '';
        return line(
          `${paint('green', '✔')} ${paint('bold', event.node)} completed in ${formatDuration(event.durationMs)}${outputs}${made}`,
        );
      }
      case 'node.failed': {
        // What a failed node kept (a command's stdout, an API's error body): what its error edges read.
        const shown = shownOutputs(event.outputs ?? {});
        const outputs = Object.keys(shown).length > 0 ? paint('dim', ` ${brief(shown)}`) : '';
        return line(
          `${paint('red', '✖')} ${paint('bold', event.node)} failed after ${formatDuration(event.durationMs)}: ${event.error.message}${event.error.code ? paint('dim', ` (${event.error.code})`) : ''}${outputs}`,
        );
      }
      case 'node.skipped':
        return line(paint('dim', `○ ${event.node} skipped${event.reason ? `: ${event.reason}` : ''}`));
      case 'edge.taken':
        return line(
          paint(
            'cyan',
            `  → ${event.from} → ${event.to} (${event.mode}${event.condition ? `: ${event.condition}` : ''})`,
          ),
        );
      case 'agent.delta':
        if (!streaming) options.write(`${indent}    `);
        options.write(event.text.replace(/\n/g, `\n${indent}    `));
        streaming = true;
        return;
      case 'human.waiting':
        return line(
          paint('magenta', `⏸ ${event.node} is waiting for a decision${event.prompt ? `: ${event.prompt}` : ''}`),
        );
      case 'event.waiting':
        return line(
          paint(
            'magenta',
            `⏸ ${event.node} is waiting for event ${event.names.join(' or ')}${event.timeoutMs !== undefined ? ` (times out after ${formatDuration(event.timeoutMs)})` : ''}`,
          ),
        );
      case 'event.received':
        return line(
          paint(
            'magenta',
            `⚡ ${event.node} received event ${event.name}${event.data !== null && event.data !== undefined ? ` ${brief(event.data)}` : ''}${event.simulated ? ' (dry run: not waited for)' : ''}`,
          ),
        );
      case 'event.kept':
        return line(paint('dim', `  event ${event.name} kept: no node waits for it yet`));
      case 'run.completed':
        line(paint('green', paint('bold', `✔ ${event.status} in ${formatDuration(event.durationMs)}`)));
        if (event.osoplog) line(`  log: ${event.osoplog}`);
        return;
      case 'run.failed':
        line(
          paint(
            'red',
            paint('bold', `✖ ${event.status} in ${formatDuration(event.durationMs)}: ${event.error.message}`),
          ),
        );
        if (event.osoplog) line(`  log: ${event.osoplog}`);
        return;
    }
  };
}

/** The raw response body (`data`) and streamed text were already on screen: show what the node extracted. */
const shownOutputs = (outputs: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(outputs).filter(([name]) => name !== 'data' && name !== 'text'));
