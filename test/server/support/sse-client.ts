// Reads a run's event stream with the `eventsource` npm client, as a browser would.
import { EventSource } from 'eventsource';
import type { RunEvent, RunEventType } from '../../../src/events/run-event.ts';

const RUN_EVENT_TYPES: RunEventType[] = [
  'run.started',
  'node.started',
  'node.request',
  'node.response',
  'node.command',
  'node.retrying',
  'node.completed',
  'node.failed',
  'node.skipped',
  'edge.taken',
  'agent.delta',
  'human.waiting',
  'run.completed',
  'run.failed',
];

export interface StreamOptions {
  token?: string;
  /** Sent as Last-Event-ID on the first connection. */
  lastEventId?: number;
  /** Close the client once this many events arrived (before the run's end). */
  stopAfter?: number;
  /** Close the client after the first event this returns true for. */
  stopWhen?: (event: RunEvent) => boolean;
  /** Called on each event, e.g. to signal a human node when it waits. */
  onEvent?: (event: RunEvent) => void;
}

export interface StreamResult {
  events: RunEvent[];
  /** SSE `id:` of each event as received. */
  ids: string[];
  /** Connections opened (more than one = the client was dropped and resumed). */
  opens: number;
}

export const streamRun = (baseUrl: string, runId: string, options: StreamOptions = {}): Promise<StreamResult> =>
  new Promise((resolve, reject) => {
    const result: StreamResult = { events: [], ids: [], opens: 0 };
    let first = true;
    const source = new EventSource(`${baseUrl}/api/runs/${runId}/events`, {
      fetch: (url, init) => {
        const headers: Record<string, string> = { ...init.headers };
        if (options.token) headers.Authorization = `Bearer ${options.token}`;
        if (first && options.lastEventId !== undefined) headers['Last-Event-ID'] = String(options.lastEventId);
        first = false;
        return fetch(url, { ...init, headers });
      },
    });
    let closed = false;
    const finish = () => {
      closed = true;
      source.close();
      resolve(result);
    };
    source.onopen = () => {
      result.opens++;
    };
    source.onerror = (error) => {
      if (error.code !== undefined && error.code !== 200) {
        source.close();
        reject(new Error(`SSE failed with HTTP ${error.code}: ${error.message ?? ''}`));
      }
    };
    for (const type of RUN_EVENT_TYPES) {
      source.addEventListener(type, (message) => {
        // Events parsed from the same chunk still arrive after close().
        if (closed) return;
        const event = JSON.parse(message.data) as RunEvent;
        result.events.push(event);
        result.ids.push(message.lastEventId);
        options.onEvent?.(event);
        const final = type === 'run.completed' || type === 'run.failed';
        if (final || result.events.length === options.stopAfter || options.stopWhen?.(event)) finish();
      });
    }
  });

export const seqs = (result: StreamResult): number[] => result.events.map((event) => event.seq);

export const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
